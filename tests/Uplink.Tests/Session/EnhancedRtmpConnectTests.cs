using Uplink.Protocol.Amf;

namespace Uplink.Tests.Session;

/// <summary>
/// Enhanced RTMP in <c>connect</c>: a stream with a FourCC codec declares what it sends; a server that lists the codecs it
/// takes, without ours, fails the publish before any frame; a server that says nothing is tried.
/// </summary>
public class EnhancedRtmpConnectTests
{
    [Fact]
    public async Task An_hevc_stream_declares_its_codecs_and_reconnect_support_in_connect()
    {
        await using var server = new ScriptedRtmpServer();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.HevcAnnexB, Audio = AudioMediaType.Opus(OpusHead(2)) });

        await writer.ConnectAsync();

        var connect = Assert.IsType<AmfObject>(server.Messages.First(m => m.CommandName == "connect").Arguments[0]);
        var list = Assert.IsType<object?[]>(connect["fourCcList"]);
        Assert.Contains("hvc1", list);
        Assert.Contains("Opus", list);
        Assert.Equal(2d, Assert.IsType<AmfObject>(connect["videoFourCcInfoMap"])["hvc1"]);
        Assert.Equal(2d, Assert.IsType<AmfObject>(connect["audioFourCcInfoMap"])["Opus"]);
        Assert.Equal(1d, connect["capsEx"]);
    }

    [Fact]
    public async Task An_h264_and_aac_stream_connects_as_a_legacy_client()
    {
        await using var server = new ScriptedRtmpServer();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.H264AnnexB, Audio = AudioMediaType.AacAdts });

        await writer.ConnectAsync();

        var connect = Assert.IsType<AmfObject>(server.Messages.First(m => m.CommandName == "connect").Arguments[0]);
        Assert.False(connect.TryGet("fourCcList", out _));
        Assert.False(connect.TryGet("capsEx", out _));
    }

    [Fact]
    public async Task A_server_whose_info_map_leaves_out_our_video_codec_fails_the_publish_up_front()
    {
        await using var server = new ScriptedRtmpServer
        {
            ConnectAnswerProperties = [new("videoFourCcInfoMap", new AmfObject().Add("avc1", 1d).Add("av01", 1d))],
        };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.HevcAnnexB, Audio = null });

        var failure = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());

        Assert.Equal(RtmpErrorKind.PublishRejected, failure.Kind);
        Assert.Equal("the server does not take HEVC video: its connect answer lists avc1, av01", failure.Message);
        Assert.DoesNotContain("publish", server.Commands);
    }

    [Fact]
    public async Task A_server_whose_fourcc_list_leaves_out_our_audio_codec_fails_the_publish_up_front()
    {
        await using var server = new ScriptedRtmpServer { ConnectAnswerProperties = [new("fourCcList", new object?[] { "avc1", "mp4a" })] };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = null, Audio = AudioMediaType.Ac3 });

        var failure = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());

        Assert.Equal("the server does not take AC-3 audio: its connect answer lists avc1, mp4a", failure.Message);
    }

    [Theory]
    [InlineData("*", 4d)]
    [InlineData("hvc1", 1d)]
    public async Task A_server_that_takes_our_codec_or_any_codec_is_published_to(string key, double flags)
    {
        await using var server = new ScriptedRtmpServer { ConnectAnswerProperties = [new("videoFourCcInfoMap", new AmfObject().Add(key, flags))] };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.HevcAnnexB, Audio = null });

        await writer.ConnectAsync();

        Assert.Contains("publish", server.Commands);
    }

    private static byte[] OpusHead(int channels) =>
        [.. "OpusHead"u8, 1, (byte)channels, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0];

    [Fact]
    public async Task Hevc_to_a_server_that_answers_publish_as_nginx_rtmp_does_is_refused_naming_it()
    {
        await using var server = new ScriptedRtmpServer { PublishStartDescription = "Start publishing" };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.HevcAnnexB, Audio = null });

        var failure = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());

        Assert.Equal(RtmpErrorKind.PublishRejected, failure.Kind);
        Assert.StartsWith("the server looks like nginx-rtmp (it answered publish with \"Start publishing\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("drops HEVC video", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_nginx_fork_that_lists_hevc_in_its_connect_answer_is_believed()
    {
        await using var server = new ScriptedRtmpServer
        {
            PublishStartDescription = "Start publishing",
            ConnectAnswerProperties = [new("videoFourCcInfoMap", new AmfObject().Add("hvc1", 4d))],
        };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.HevcAnnexB, Audio = null });

        await writer.ConnectAsync();

        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }

    [Fact]
    public async Task H264_with_enhanced_audio_to_nginx_rtmp_is_published_since_nginx_passes_the_audio()
    {
        await using var server = new ScriptedRtmpServer { PublishStartDescription = "Start publishing" };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = VideoMediaType.H264AnnexB, Audio = AudioMediaType.Ac3 });

        await writer.ConnectAsync();

        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }
}
