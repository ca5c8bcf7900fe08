using Uplink.Protocol.Chunks;
using Uplink.Tests.Session;

namespace Uplink.Tests.Destinations;

/// <summary>The relay forwards what a publisher sent — tags, tracks, timestamps — to each destination unchanged.</summary>
public class RelayTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    /// <summary>What a publisher sends: captured from our own writer at a scripted server.</summary>
    private static async Task<List<ReceivedMessage>> PublishedAsync(RtmpWriterOptions options, int frames)
    {
        await using var source = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(options with { Url = source.Url() }))
        {
            IReadOnlyList<byte[]> video = ElementaryStreams.VideoAccessUnits();
            IReadOnlyList<byte[]> audio = ElementaryStreams.AdtsFrames();
            for (int i = 0; i < frames; i++)
            {
                await writer.WriteVideoAsync(video[i % video.Count], Frame * i);
                if (options.AdditionalVideoTracks.Count > 0)
                {
                    await writer.WriteVideoAsync(1, video[i % video.Count], Frame * i);
                }

                if (options.Audio is not null)
                {
                    await writer.WriteAudioAsync(audio[i % audio.Count], Frame * i);
                }
            }

            await writer.DisconnectAsync();
        }

        return [.. source.Media];
    }

    private static async Task RelayAsync(IEnumerable<ReceivedMessage> messages, RtmpRelay relay)
    {
        foreach (ReceivedMessage m in messages)
        {
            await relay.WriteAsync(m.Type, m.Timestamp, m.Payload);
        }

        await relay.EndAsync();
    }

    private static List<(RtmpMessageType Type, uint Timestamp, string Payload)> AudioVideo(IEnumerable<ReceivedMessage> messages) =>
        [.. messages.Where(m => m.Type is RtmpMessageType.Audio or RtmpMessageType.Video).Select(m => (m.Type, m.Timestamp, Convert.ToHexString(m.Payload)))];

    [Fact]
    public async Task Two_destinations_receive_the_publisher_s_audio_and_video_unchanged()
    {
        List<ReceivedMessage> published = await PublishedAsync(new RtmpWriterOptions { Url = "rtmp://unused/live/x" }, 60);
        await using var a = new ScriptedRtmpServer();
        await using var b = new ScriptedRtmpServer();
        await using (var relay = new RtmpRelay(new RtmpWriterOptions { Url = a.Url(), Destinations = [new RtmpDestinationOptions { Url = b.Url(), Name = "b" }], LiveMode = true }))
        {
            await RelayAsync(published, relay);
            Assert.All(relay.Destinations, d => Assert.Null(d.Failure));
        }

        Assert.Equal(AudioVideo(published), AudioVideo(a.Media));
        Assert.Equal(AudioVideo(published), AudioVideo(b.Media));
        Assert.Contains(a.Media, m => m.Type == RtmpMessageType.DataAmf0);
    }

    [Fact]
    public async Task A_multitrack_stream_passes_through_and_connect_announces_it()
    {
        var options = new RtmpWriterOptions { Url = "rtmp://unused/live/x", Audio = null, AdditionalVideoTracks = [VideoMediaType.H264AnnexB] };
        List<ReceivedMessage> published = await PublishedAsync(options, 30);
        Assert.Contains(published, m => m.Type == RtmpMessageType.Video && (m.Payload[0] & 0x0F) == 6);
        await using var a = new ScriptedRtmpServer { ConnectAnswerProperties = [new("capsEx", 7d)] };
        await using (var relay = new RtmpRelay(new RtmpWriterOptions { Url = a.Url() }))
        {
            await RelayAsync(published, relay);
        }

        Assert.Equal(AudioVideo(published), AudioVideo(a.Media));
        ReceivedMessage connect = a.Messages.First(m => m.CommandName == "connect");
        Assert.Contains(connect.Arguments.OfType<Uplink.Protocol.Amf.AmfObject>(), o => o.TryGet("fourCcList", out _));
    }

    [Fact]
    public async Task A_destination_that_refuses_does_not_fail_the_relay()
    {
        List<ReceivedMessage> published = await PublishedAsync(new RtmpWriterOptions { Url = "rtmp://unused/live/x" }, 30);
        await using var good = new ScriptedRtmpServer();
        await using var refusing = new ScriptedRtmpServer { RefusePublish = ("NetStream.Publish.BadName", "taken") };
        await using (var relay = new RtmpRelay(new RtmpWriterOptions { Url = refusing.Url(), Destinations = [new RtmpDestinationOptions { Url = good.Url() }], LiveMode = true }))
        {
            await RelayAsync(published, relay);
            Assert.NotNull(relay.Destinations[0].Failure);
            Assert.Null(relay.Destinations[1].Failure);
        }

        Assert.Equal(AudioVideo(published), AudioVideo(good.Media));
    }
}
