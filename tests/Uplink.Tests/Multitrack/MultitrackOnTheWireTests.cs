using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Tests.Codecs.Hevc;
using Uplink.Tests.Session;

namespace Uplink.Tests.Multitrack;

/// <summary>
/// A stream with several tracks of a kind, as a server receives it: the default tracks in their usual form, every other
/// track as an Enhanced RTMP OneTrack Multitrack packet byte for byte as FFmpeg 8.1's FLV muxer writes them (e.g.
/// <c>96 00 'avc1' 01</c>, <c>95 01 'Opus' 01</c>, noted from its output), a ModEx nanosecond offset where the timestamp
/// has one, the track info maps in onMetaData, and what connect declares and what the answer decides.
/// </summary>
public class MultitrackOnTheWireTests
{
    private static readonly byte[] OpusHead = [(byte)'O', (byte)'p', (byte)'u', (byte)'s', (byte)'H', (byte)'e', (byte)'a', (byte)'d', 1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0];

    private static RtmpWriterOptions Ladder(string url) => new()
    {
        Url = url,
        Video = VideoMediaType.HevcAnnexB,
        Audio = AudioMediaType.AacAdts,
        AdditionalVideoTracks = [VideoMediaType.H264AnnexB],
        AdditionalAudioTracks = [AudioMediaType.Opus(OpusHead)],
    };

    private static async Task WriteLadderAsync(RtmpWriter writer, int frames)
    {
        var hevc = HevcTestData.Main.AccessUnits;
        var h264 = ElementaryStreams.VideoAccessUnits();
        var adts = ElementaryStreams.AdtsFrames();
        for (int i = 0; i < frames; i++)
        {
            var at = TimeSpan.FromMilliseconds(40 * i);
            await writer.WriteVideoAsync(hevc[i].Data, at);
            await writer.WriteVideoAsync(1, h264[i], at);
            await writer.WriteAudioAsync(adts[i], at);
            // 20 ms Opus frames at a 1/3 ms offset: a timestamp finer than a millisecond.
            await writer.WriteAudioAsync(1, new byte[] { 0xFC, 1, 2, 3 }, at + TimeSpan.FromTicks(3333));
        }
    }

    [Fact]
    public async Task Tracks_after_the_first_go_out_as_one_track_multitrack_packets_as_ffmpeg_writes_them()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(Ladder(server.Url())))
        {
            await WriteLadderAsync(writer, 3);
            await writer.DisconnectAsync();
        }

        var video = server.Messages.Where(m => m.Type == RtmpMessageType.Video).Select(m => m.Payload).ToList();
        var audio = server.Messages.Where(m => m.Type == RtmpMessageType.Audio).Select(m => m.Payload).ToList();

        // Default video track: the plain extended header; track 1 (H.264): Multitrack, OneTrack, avc1, track id 1.
        Assert.Contains(video, p => Hex(p, 5) == "90-68-76-63-31");
        Assert.Contains(video, p => Hex(p, 8) == "96-00-61-76-63-31-01-01"); // SequenceStart, then avcC version 1
        Assert.Contains(video, p => Hex(p, 7) == "96-03-61-76-63-31-01"); // keyframe, CodedFramesX
        Assert.Contains(video, p => Hex(p, 7) == "A6-03-61-76-63-31-01"); // inter frame
        Assert.Contains(video, p => Hex(p, 7) == "96-02-61-76-63-31-01"); // SequenceEnd at disconnect

        // Default audio: legacy AAC. Track 1 (Opus): its sequence start and frames, each frame with a ModEx
        // TimestampOffsetNano of 333,300 ns (0x0515F4) before the Multitrack header.
        Assert.Equal(0xAF, audio[0][0]);
        Assert.Contains(audio, p => Hex(p, 8) == "95-00-4F-70-75-73-01-4F"); // SequenceStart, OpusHead
        Assert.Contains(audio, p => Hex(p, 13) == "97-02-05-15-F4-05-01-4F-70-75-73-01-FC");
    }

    [Fact]
    public async Task Onmetadata_describes_the_other_tracks_in_track_info_maps()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(Ladder(server.Url())))
        {
            await WriteLadderAsync(writer, 1);
            await writer.DisconnectAsync();
        }

        var metadata = server.Messages.First(m => m.Type == RtmpMessageType.DataAmf0);
        var props = Assert.IsType<AmfObject>(metadata.Arguments[^1]);
        Assert.Equal((double)FourCc("hvc1"), props["videocodecid"]);
        var video = Assert.IsType<AmfObject>(Assert.IsType<AmfObject>(props["videoTrackIdInfoMap"])["1"]);
        Assert.Equal((double)FourCc("avc1"), video["videocodecid"]);
        Assert.True(video.TryGet("width", out _));
        var audio = Assert.IsType<AmfObject>(Assert.IsType<AmfObject>(props["audioTrackIdInfoMap"])["1"]);
        Assert.Equal((double)FourCc("Opus"), audio["audiocodecid"]);
        Assert.Equal(48000d, audio["audiosamplerate"]);
    }

    [Fact]
    public async Task Connect_declares_multitrack_and_modex()
    {
        await using var server = new ScriptedRtmpServer();
        await using var writer = new RtmpWriter(Ladder(server.Url()));

        await writer.ConnectAsync();

        var connect = Assert.IsType<AmfObject>(server.Messages.First(m => m.CommandName == "connect").Arguments[0]);
        Assert.Equal(7d, connect["capsEx"]); // Reconnect | Multitrack | ModEx
    }

    [Theory]
    [InlineData("capsEx", "Publishing started.")]
    [InlineData("", "Start publishing")]
    public async Task A_server_without_multitrack_gets_the_default_tracks_only(string capsEx, string publishDescription)
    {
        await using var server = new ScriptedRtmpServer
        {
            ConnectAnswerProperties = capsEx.Length > 0 ? [new(capsEx, 1d)] : [],
            PublishStartDescription = publishDescription,
        };
        var options = Ladder(server.Url()) with { Video = VideoMediaType.H264AnnexB, AdditionalVideoTracks = [VideoMediaType.HevcAnnexB] };
        using var logs = new Uplink.Tests.Server.ServerTestLogs();
        await using (var writer = new RtmpWriter(options with { LoggerFactory = logs }))
        {
            var h264 = ElementaryStreams.VideoAccessUnits();
            var hevc = HevcTestData.Main.AccessUnits;
            var adts = ElementaryStreams.AdtsFrames();
            for (int i = 0; i < 3; i++)
            {
                var at = TimeSpan.FromMilliseconds(40 * i);
                await writer.WriteVideoAsync(h264[i], at);
                await writer.WriteVideoAsync(1, hevc[i].Data, at);
                await writer.WriteAudioAsync(adts[i], at);
                await writer.WriteAudioAsync(1, new byte[] { 0xFC, 1 }, at);
            }

            await writer.DisconnectAsync();
        }

        var media = server.Messages.Where(m => m.Type is RtmpMessageType.Video or RtmpMessageType.Audio).Select(m => m.Payload).ToList();
        Assert.NotEmpty(media);
        Assert.All(media, p => Assert.True((p[0] & 0x80) == 0 || p[0] >> 4 == 0xA, $"a non-default track's packet {Hex(p, 6)} reached a server without multitrack"));
        Assert.Equal(3, media.Count(p => p[0] is 0x17 or 0x27 && p[1] == 1)); // every default video frame, legacy H.264
        var metadata = Assert.IsType<AmfObject>(server.Messages.First(m => m.Type == RtmpMessageType.DataAmf0).Arguments[^1]);
        Assert.False(metadata.TryGet("videoTrackIdInfoMap", out _));
        Assert.True(logs.Contains("default video and audio tracks only"), logs.Dump());
    }

    private static string Hex(byte[] payload, int count) => BitConverter.ToString(payload, 0, Math.Min(count, payload.Length));

    private static uint FourCc(string text) => (uint)((text[0] << 24) | (text[1] << 16) | (text[2] << 8) | text[3]);
}
