using System.Net;
using Microsoft.Extensions.Logging;

namespace Uplink.Server;

/// <summary>Source-generated log messages of the server. Event ids are public and stable (3000–3099).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "RTMP server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Connection {Id} from {Remote}")]
    public static partial void Accepted(ILogger logger, long id, EndPoint? remote);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Connection from {Remote} refused: {Max} connections already open")]
    public static partial void TooManyConnections(ILogger logger, EndPoint? remote, int max);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Connection {Id} handshake: {Kind}")]
    public static partial void Handshake(ILogger logger, long id, ServerHandshake.Kind kind);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Connection {Id} connect to app '{App}' accepted")]
    public static partial void ConnectAccepted(ILogger logger, long id, string app);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Connection {Id} connect to app '{App}' refused: reason={Reason}")]
    public static partial void ConnectRefused(ILogger logger, long id, string app, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Connection {Id} publishing {App}/{Stream}, recording to {Path}")]
    public static partial void PublishStarted(ILogger logger, long id, string app, string stream, string path);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Connection {Id} publish of {App}/{Stream} refused: {Code}")]
    public static partial void PublishRefused(ILogger logger, long id, string app, string stream, string code);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Connection {Id} ended {App}/{Stream}: {Reason}; {VideoFrames} video, {AudioFrames} audio frames, {Bytes} bytes")]
    public static partial void PublishEnded(ILogger logger, long id, string app, string stream, string reason, long videoFrames, long audioFrames, long bytes);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Connection {Id} closed: {Reason}")]
    public static partial void Closed(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Connection {Id}: recording failed: {Error}")]
    public static partial void RecordingFailed(ILogger logger, long id, string error);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "A session event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Connection {Id} command {Command} ignored")]
    public static partial void IgnoredCommand(ILogger logger, long id, string command);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "Connection {Id} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, Exception exception, long id);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Debug, Message = "Connection {Id} connect to app '{App}' answered with an authentication step: reason={Reason}")]
    public static partial void AuthenticationStep(ILogger logger, long id, string app, string reason);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Connection {Id} {App}/{Stream} received video {Video}, audio {Audio}")]
    public static partial void PublishCodecs(ILogger logger, long id, string app, string stream, string video, string audio);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "Connection {Id} {App}/{Stream} received {Kind} track {TrackId}: {Configuration}, {Frames} frames")]
    public static partial void PublishTrack(ILogger logger, long id, string app, string stream, string kind, int trackId, string configuration, long frames);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Error, Message = "Connection {Id} {App}/{Stream}: the publish handler failed, so the publish ends: {Error}")]
    public static partial void PublishHandlerFailed(ILogger logger, Exception exception, long id, string app, string stream, string error);

    /// <summary>A publish's end: frames and bytes, codecs, and with several tracks of a kind each track.</summary>
    public static void Summary(ILogger logger, long id, PublishSessionSummary summary)
    {
        PublishEnded(logger, id, summary.App, summary.StreamName, summary.EndReason, summary.VideoFrames, summary.AudioFrames, summary.Bytes);
        PublishCodecs(logger, id, summary.App, summary.StreamName, summary.Video?.ToString() ?? "none", summary.Audio?.ToString() ?? "none");
        if (summary.VideoTracks.Count > 1 || summary.AudioTracks.Count > 1)
        {
            foreach (ReceivedVideoTrack track in summary.VideoTracks)
            {
                PublishTrack(logger, id, summary.App, summary.StreamName, "video", track.TrackId, track.Configuration?.ToString() ?? "unknown", track.Frames);
            }

            foreach (ReceivedAudioTrack track in summary.AudioTracks)
            {
                PublishTrack(logger, id, summary.App, summary.StreamName, "audio", track.TrackId, track.Configuration?.ToString() ?? "unknown", track.Frames);
            }
        }
    }
}
