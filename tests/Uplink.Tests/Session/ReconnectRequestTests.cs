using System.Net;
using Uplink.Server;
using Uplink.Tests.Server;

namespace Uplink.Tests.Session;

/// <summary>Enhanced RTMP's NetConnection.Connect.ReconnectRequest: the server asks, the writer moves at a keyframe, nothing lost.</summary>
public class ReconnectRequestTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    [Theory]
    // Buffer -1: live mode (its send loop, the move made there).
    [InlineData(null, 0)]
    [InlineData("live2", 0)]
    [InlineData(null, 1 << 20)]
    [InlineData("live2", 1 << 20)]
    [InlineData("live2", -1)]
    public async Task The_writer_moves_at_the_next_keyframe_and_every_frame_arrives_once(string? newApp, int outputBufferSize)
    {
        var logs = new ServerTestLogs();
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), LoggerFactory = logs });
        await server.StartAsync();
        var sessions = new List<PublishSessionSummary>();
        var bothEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) =>
        {
            lock (sessions)
            {
                sessions.Add(s);
                if (sessions.Count == 2)
                {
                    bothEnded.TrySetResult();
                }
            }
        };

        var requested = new TaskCompletionSource<RtmpServerStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/cam", Audio = null, OutputBufferSize = Math.Max(0, outputBufferSize), LiveMode = outputBufferSize < 0 }))
        {
            writer.ServerStatusReceived += (_, s) =>
            {
                if (s.Code == "NetConnection.Connect.ReconnectRequest")
                {
                    requested.TrySetResult(s);
                }
            };

            for (int v = 0; v < 3; v++)
            {
                await writer.WriteVideoAsync(video[v], Frame * v, Frame * v);
            }

            string? tcUrl = newApp is null ? null : $"rtmp://127.0.0.1:{server.Port}/{newApp}";
            Assert.True(await server.SendReconnectRequestAsync("live", "cam", tcUrl));
            RtmpServerStatus request = await requested.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(tcUrl, request.TcUrl);

            for (int v = 3; v < video.Count * 2; v++)
            {
                await writer.WriteVideoAsync(video[v % video.Count], Frame * v, Frame * v);
            }
        }

        await bothEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (sessions)
        {
            // The test stream has a keyframe every 6 frames: the move happens before frame 6.
            Assert.Equal(6, sessions[0].VideoFrames);
            Assert.Equal((video.Count * 2) - 6, sessions[1].VideoFrames);
            Assert.Equal("live", sessions[0].App);
            Assert.Equal(newApp ?? "live", sessions[1].App);
            Assert.Equal("cam", sessions[1].StreamName);
        }
    }
}
