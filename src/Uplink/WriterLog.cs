using Microsoft.Extensions.Logging;

namespace Uplink;

/// <summary>Source-generated log messages of the writer. Event ids are public and stable (1100–1199).</summary>
internal static partial class WriterLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Status {Status}: {Reason}")]
    public static partial void StatusChanged(ILogger logger, RtmpWriterStatus status, string reason);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Destination {Destination}: status {Status}: {Reason}")]
    public static partial void DestinationStatusChanged(ILogger logger, string destination, RtmpWriterStatus status, string reason);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Warning, Message = "Destination {Destination} left the stream: {Reason}")]
    public static partial void DestinationFailed(ILogger logger, string destination, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "A status handler threw on {Status}; the writer goes on")]
    public static partial void StatusHandlerFailed(ILogger logger, Exception exception, RtmpWriterStatus status);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Reconnection attempt {Attempt} of {Attempts} failed: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, int attempts, string reason);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "Connecting failed ({Reason}); trying again, retry {Attempt} of {Attempts}")]
    public static partial void FirstConnectFailed(ILogger logger, int attempt, int attempts, string reason);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "An event handler threw; the writer goes on")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "A status handler did not return within {Seconds} s")]
    public static partial void SlowStatusHandler(ILogger logger, double seconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Video frame at {Dts} dropped: no SPS/PPS known yet")]
    public static partial void VideoWithoutConfiguration(ILogger logger, TimeSpan dts);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Sequence header sent for {Track}: {Length} bytes")]
    public static partial void SequenceHeaderSent(ILogger logger, string track, int length);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Live mode is dropping frames ({Video} video, {Audio} audio so far): more media waits unsent than LiveDropPolicy allows — the network is slower than the stream, or frames are written faster than real time")]
    public static partial void LiveDropsStarted(ILogger logger, long video, long audio);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Audio frame at {Pts} dropped: no AAC configuration known yet")]
    public static partial void AudioWithoutConfiguration(ILogger logger, TimeSpan pts);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "The server gets the default video and audio tracks only, in the form every server reads: {Reason}")]
    public static partial void DefaultTracksOnly(ILogger logger, string reason);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Live mode stopped sending video track {Track} (the highest bitrate left) to keep the lower renditions on air; it resumes at a keyframe once the network keeps up")]
    public static partial void RenditionSuspended(ILogger logger, int track);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "Live mode sends video track {Track} again, from its next keyframe")]
    public static partial void RenditionResumed(ILogger logger, int track);
}
