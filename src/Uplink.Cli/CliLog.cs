using Microsoft.Extensions.Logging;

namespace Uplink.Cli;

/// <summary>Source-generated log messages of the command line. Event ids are public and stable (1300–1399).</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Stats: {Status} at {Position}, sent {VideoFrames} video + {AudioFrames} audio frames, {Kbps:0} kbit/s average, {Dropped} dropped, {Queued} bytes queued, {Reconnects} reconnects")]
    public static partial void Stats(ILogger logger, RtmpWriterStatus status, TimeSpan position, long videoFrames, long audioFrames, double kbps, long dropped, long queued, long reconnects);
}
