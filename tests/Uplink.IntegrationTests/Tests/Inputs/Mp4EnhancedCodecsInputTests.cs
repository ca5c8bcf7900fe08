using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The MP4 reader on clips FFmpeg 8.1 encodes in the codecs beyond H.264 + AAC: its frames are FFmpeg's demuxed packets,
/// one for one per stream — count, DTS and PTS in ms, keyframe flags, size and MD5 of the data. FFmpeg is asked to
/// ignore edit lists because the reader gives the raw sample-table times (its documented contract). With negative
/// composition offsets (ctts version 1) FFmpeg still moves video DTS down by the largest negative offset, so that
/// PTS ≥ DTS; the reader does the same.
/// </summary>
public sealed class Mp4EnhancedCodecsInputTests
{
    /// <summary>The video × audio cases: MP4 (MP3 as mp4a 0x6B), MOV (MP3 as '.mp3'), negative composition offsets, fragments.</summary>
    public static TheoryData<string, bool, string, string, string> Cases => new()
    {
        { "hevc", true, "opus", "mp4", "" },
        { "av1", false, "flac", "mp4", "" },
        { "vp9", false, "ac3", "mp4", "" },
        { "h264", false, "eac3", "mp4", "" },
        { "hevc", false, "mp3", "mp4", "" },
        { "hevc", true, "mp3", "mov", "" },
        { "hevc", true, "opus", "mp4", "negative_cts_offsets" },
        { "av1", false, "flac", "mp4", "frag_keyframe+empty_moov" },
        { "vp9", false, "mp3", "mp4", "frag_keyframe+empty_moov" }, // FFmpeg cannot write E-AC-3 with an empty moov
    };

    /// <summary>Every frame the reader gives is FFmpeg's packet, and the media types name the codecs.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Frames_match_ffmpeg_packets(string video, bool bFrames, string audio, string container, string movFlags)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions
        {
            Video = video, BFrames = bFrames, Audio = audio, Container = container, MovFlags = movFlags.Length == 0 ? null : movFlags,
        });
        var expected = await FfmpegPackets.ReadAsync(clip, ignoreEditList: true);

        var frames = new List<FfmpegPacket>();
        await using (var stream = File.OpenRead(clip))
        await using (var reader = await Mp4Reader.OpenAsync(stream))
        {
            Assert.Equal(ExpectedVideoCodec(video), reader.Video?.Codec);
            Assert.Equal(ExpectedAudioCodec(audio), reader.Audio?.Codec);
            while (await reader.ReadAsync())
            {
                frames.Add(FfmpegPacket.From(reader.Current));
            }
        }

        // Negative composition offsets move every video DTS back by the most negative one (FFmpeg's dts_shift, see the
        // summary), so no PTS is before its DTS and the times are FFmpeg's.
        Assert.DoesNotContain(frames, f => f.PtsMs < f.DtsMs);
        Assert.Equal(movFlags.Contains("negative_cts_offsets", StringComparison.Ordinal) && bFrames, frames.Any(f => f.Kind == MediaKind.Video && f.DtsMs < 0));
        foreach (var kind in new[] { MediaKind.Video, MediaKind.Audio })
        {
            var ours = frames.Where(f => f.Kind == kind).Select(f => f.ToString()).ToList();
            var theirs = expected.Of(kind).Select(p => p.ToString()).ToList();
            Assert.True(theirs.Count > 0, $"{clip}: FFmpeg lists no {kind} packets");
            Assert.Equal(theirs, ours);
        }

        if (bFrames)
        {
            Assert.Contains(frames, f => f.Kind == MediaKind.Video && f.PtsMs != f.DtsMs);
        }
    }

    internal static VideoCodec ExpectedVideoCodec(string video) => video switch
    {
        "hevc" => VideoCodec.Hevc,
        "av1" => VideoCodec.Av1,
        "vp9" => VideoCodec.Vp9,
        _ => VideoCodec.H264,
    };

    internal static AudioCodec ExpectedAudioCodec(string audio) => audio switch
    {
        "opus" => AudioCodec.Opus,
        "flac" => AudioCodec.Flac,
        "ac3" => AudioCodec.Ac3,
        "eac3" => AudioCodec.Eac3,
        "mp3" => AudioCodec.Mp3,
        _ => AudioCodec.Aac,
    };
}
