using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Uplink;
using Uplink.Media;
using Uplink.Server;

namespace HostingSample;

/// <summary>Publishes the file once through the host's writer, reports the stats each second and what the server received, then stops the host.</summary>
internal sealed partial class SamplePublisher(
    RtmpWriter writer, RtmpServer server, IMediaReader reader, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<SamplePublisher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var received = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, summary) => received.TrySetResult(summary);

        Starting(logger, writer.Options);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task watch = WatchAsync(watching.Token);
        try
        {
            MediaPublishResult played = await writer.PublishAsync(reader, new MediaPublishOptions { RealTime = configuration.GetValue("Sample:RealTime", true) }, stoppingToken);
            await writer.DisconnectAsync(stoppingToken);
            RtmpWriterStats stats = writer.GetStats();
            Sent(logger, stats.VideoFramesSent, stats.AudioFramesSent, played.MediaDuration.TotalSeconds);

            PublishSessionSummary summary = await received.Task.WaitAsync(TimeSpan.FromSeconds(10), stoppingToken);
            Received(logger, summary.VideoFrames, summary.AudioFrames);
        }
        finally
        {
            await watching.CancelAsync();
            await watch;
            lifetime.StopApplication();
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (RtmpWriterStats stats in writer.WatchStatsAsync(TimeSpan.FromSeconds(1), cancellationToken))
            {
                Progress(logger, stats.Status, stats.VideoFramesSent, stats.AudioFramesSent, stats.BytesSent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "publishing with {Options}")]
    private static partial void Starting(ILogger logger, RtmpWriterOptions options);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Status}: {Video} video and {Audio} audio frames sent, {Bytes} bytes")]
    private static partial void Progress(ILogger logger, RtmpWriterStatus status, long video, long audio, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "sent {Video} video and {Audio} audio frames ({Seconds:0.0} s)")]
    private static partial void Sent(ILogger logger, long video, long audio, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "the server received {Video} video and {Audio} audio frames")]
    private static partial void Received(ILogger logger, long video, long audio);
}
