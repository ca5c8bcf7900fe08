using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The MPEG-TS reader on clips FFmpeg 8.1 muxes with HEVC video and AC-3, E-AC-3 or MP3 audio, against FFmpeg's demuxed
/// packets. Video compares one for one (one access unit per PES both ways). Audio differs in form: FFmpeg's parser
/// splits each PES into syncframes with interpolated times, while the reader hands the whole PES payload at its PTS (the
/// writer splits it); so each frame of ours must be a run of FFmpeg's packets — same bytes slice by slice, the run's
/// first packet at our time — and the runs must cover every packet. Clips are muxed with the ffmpeg CLI's 0.7 s mux
/// delay, so that PES packets hold several audio frames as in files the ffmpeg CLI writes (the library default of 0
/// writes one frame per PES).
/// </summary>
public sealed class MpegTsEnhancedCodecsInputTests
{
    /// <summary>The video × audio cases (FFmpeg's TS muxer takes all of these; Opus in TS is refused by the reader).</summary>
    public static TheoryData<string, bool, string> Cases => new()
    {
        { "hevc", false, "ac3" },
        { "hevc", true, "eac3" },
        { "h264", false, "mp3" },
    };

    /// <summary>Video frames are FFmpeg's packets; audio frames are runs of them.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Frames_match_ffmpeg_packets(string video, bool bFrames, string audio)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, BFrames = bFrames, Audio = audio, Container = "ts", MuxDelay = 0.7 });
        var expected = await FfmpegPackets.ReadAsync(clip);

        var videoFrames = new List<FfmpegPacket>();
        var audioFrames = new List<(FfmpegPacket Frame, byte[] Data)>();
        await using (var stream = File.OpenRead(clip))
        await using (var reader = await MpegTsReader.OpenAsync(stream))
        {
            Assert.Equal(Mp4EnhancedCodecsInputTests.ExpectedVideoCodec(video), reader.Video?.Codec);
            Assert.Equal(Mp4EnhancedCodecsInputTests.ExpectedAudioCodec(audio), reader.Audio?.Codec);
            while (await reader.ReadAsync())
            {
                var frame = FfmpegPacket.From(reader.Current);
                if (frame.Kind == MediaKind.Video)
                {
                    videoFrames.Add(frame);
                }
                else
                {
                    audioFrames.Add((frame, reader.Current.Data.ToArray()));
                }
            }
        }

        Assert.Equal(expected.Of(MediaKind.Video).Select(p => p.ToString()), videoFrames.Select(f => f.ToString()));
        if (bFrames)
        {
            Assert.Contains(videoFrames, f => f.PtsMs != f.DtsMs);
        }

        var packets = expected.Of(MediaKind.Audio);
        Assert.NotEmpty(packets);
        int next = 0;
        foreach (var (frame, data) in audioFrames)
        {
            Assert.True(next < packets.Count, $"frame at {frame.DtsMs} ms is past FFmpeg's {packets.Count} audio packets");
            Assert.Equal((packets[next].DtsMs, packets[next].PtsMs), (frame.DtsMs, frame.PtsMs));
            int at = 0;
            while (at < data.Length)
            {
                Assert.True(next < packets.Count && at + packets[next].Size <= data.Length, $"frame at {frame.DtsMs} ms ({data.Length} bytes) does not end on a packet boundary at byte {at}");
                Assert.Equal(packets[next].Md5, FfmpegPacket.Md5Of(data.AsSpan(at, packets[next].Size)));
                at += packets[next].Size;
                next++;
            }
        }

        Assert.Equal(packets.Count, next);
        Assert.True(audioFrames.Count < packets.Count, $"every PES held one {audio} frame ({packets.Count}): the several-frames case was not tested");
    }

    /// <summary>Opus in TS (private data with an 'Opus' registration) is refused naming the codec and PID.</summary>
    [Fact]
    public async Task Opus_in_ts_is_refused_naming_codec_and_pid()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", Audio = "opus", Container = "ts" });
        await using var stream = File.OpenRead(clip);
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await MpegTsReader.OpenAsync(stream));
        Assert.Matches("^MPEG-TS: audio on PID [0-9]+ is Opus \\(stream type 0x06\\)", e.Message);
    }
}
