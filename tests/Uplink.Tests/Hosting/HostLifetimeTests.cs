using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Uplink.Server;

namespace Uplink.Tests.Hosting;

public class HostLifetimeTests
{
    [Fact]
    public async Task The_server_listens_while_the_host_runs_and_stopping_the_host_ends_the_writers_stream_with_every_frame()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRtmpServer(_ => new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });

        // Made when the host starts, after the server: its port is known by then.
        builder.Services.AddRtmpWriter(sp => new RtmpWriterOptions
        {
            Url = $"rtmp://127.0.0.1:{sp.GetRequiredService<RtmpServer>().Port}/live/hosted",
            Audio = null,
            OutputBufferSize = 1 << 20,
        });
        IHost host = builder.Build();
        await using var disposeHost = (IAsyncDisposable)host;
        RtmpServer server = host.Services.GetRequiredService<RtmpServer>();
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, summary) => ended.TrySetResult(summary);

        await host.StartAsync();
        Assert.NotEqual(0, server.Port);

        RtmpWriter writer = host.Services.GetRequiredService<RtmpWriter>();
        var video = Session.ElementaryStreams.VideoAccessUnits();
        for (int i = 0; i < video.Count; i++)
        {
            await writer.WriteVideoAsync(video[i], TimeSpan.FromMilliseconds(40 * i));
        }

        // No DisconnectAsync of our own: stopping the host ends the stream, delivering what is queued.
        await host.StopAsync();
        PublishSessionSummary summary = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(video.Count, summary.VideoFrames);
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task A_wrong_setting_fails_the_host_start_not_the_first_write()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRtmpWriter(_ => new RtmpWriterOptions { Url = "http://127.0.0.1/live/x" });
        IHost host = builder.Build();
        await using var disposeHost = (IAsyncDisposable)host;

        var failure = await Assert.ThrowsAnyAsync<ArgumentException>(() => host.StartAsync());
        Assert.Contains("rtmp", failure.Message, StringComparison.OrdinalIgnoreCase);
    }
}
