using Uplink.Codecs;

namespace Uplink.Tests.Session;

/// <summary>Frames the writer cannot send are refused with a message that names the frame and the likely mistake; the writer goes on.</summary>
public class WriteValidationTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    private static Codecs.SpsCase Hd => Codecs.CodecTestData.SpsCases["high-1280x720-bframes"];

    [Fact]
    public async Task Audio_bytes_on_a_length_prefixed_video_input_are_refused_naming_the_frame_and_the_declared_form()
    {
        await using var server = new ScriptedRtmpServer();
        var type = VideoMediaType.H264(AvcDecoderConfigurationRecord.Build([Hd.Sps], [Hd.Pps], 4));
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = type, Audio = null });
        byte[] adts = ElementaryStreams.AdtsFrames()[0];

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => writer.WriteVideoAsync(adts, TimeSpan.Zero).AsTask());

        Assert.StartsWith("video frame 1: NAL length ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("4-byte length prefixes (AVCC): is this Annex-B, or not H.264 at all?", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.GetStats().VideoFramesSent);
    }

    [Fact]
    public async Task An_empty_access_unit_or_audio_frame_is_refused_and_the_writer_goes_on()
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });
        await writer.WriteVideoAsync(video[0], TimeSpan.Zero);

        var emptyVideo = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteVideoAsync(ReadOnlyMemory<byte>.Empty, Frame).AsTask());
        var emptyAudio = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAudioAsync(ReadOnlyMemory<byte>.Empty, Frame).AsTask());

        Assert.StartsWith("video frame 2 is empty", emptyVideo.Message, StringComparison.Ordinal);
        Assert.Equal("accessUnit", emptyVideo.ParamName);
        Assert.StartsWith("audio frame 1 is empty", emptyAudio.Message, StringComparison.Ordinal);
        await writer.WriteVideoAsync(video[1], Frame);
        await writer.DisconnectAsync();
        Assert.Equal(2, writer.GetStats().VideoFramesSent);
    }

    [Fact]
    public async Task A_PTS_before_its_DTS_is_refused()
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null });

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteVideoAsync(video[0], Frame * 2, Frame).AsTask());

        Assert.StartsWith("video frame 1: PTS 00:00:00.0400000 is before DTS 00:00:00.0800000", refused.Message, StringComparison.Ordinal);
        Assert.Equal("presentationTime", refused.ParamName);
        await writer.WriteVideoAsync(video[0], Frame * 2, Frame * 2);
    }

    [Fact]
    public async Task Live_mode_says_once_that_it_started_dropping_frames()
    {
        await using var server = new ScriptedRtmpServer { StopReadingAfterPublish = true };
        var logs = new Server.ServerTestLogs();
        var video = ElementaryStreams.VideoAccessUnits();
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            LiveMode = true,
            SocketSendBufferSize = 4096,
            SendTimeout = TimeSpan.FromMilliseconds(500),   // the disconnect at the end gives up on the stalled server sooner
            LoggerFactory = logs,
        });

        // Ten seconds of media written at once to a server that reads nothing: live mode must drop, and say so.
        for (int i = 0; i < 250; i++)
        {
            await writer.WriteVideoAsync(video[i % video.Count], Frame * i);
        }

        Assert.True(writer.GetStats().VideoFramesDropped > 0, "nothing was dropped");
        Assert.Single(logs.Lines, l => l.Contains("Live mode is dropping frames", StringComparison.Ordinal));
    }
}
