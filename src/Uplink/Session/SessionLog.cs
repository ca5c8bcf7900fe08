using Microsoft.Extensions.Logging;

namespace Uplink.Session;

/// <summary>Source-generated log messages of the connection. Event ids are public and stable (1000–1099).</summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Connecting to {Url}")]
    public static partial void Connecting(ILogger logger, RtmpUrl url);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Connected to {Host}:{Port}, server {ServerVersion}")]
    public static partial void Connected(ILogger logger, string host, int port, string serverVersion);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Publishing as message stream {StreamId}")]
    public static partial void Publishing(ILogger logger, uint streamId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Server status {Level} {Code}: {Description}")]
    public static partial void ServerStatus(ILogger logger, string level, string code, string description);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Server set chunk size {ChunkSize}")]
    public static partial void PeerChunkSize(ILogger logger, uint chunkSize);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Server window acknowledgement size {Window}")]
    public static partial void PeerWindow(ILogger logger, uint window);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Trace, Message = "Ping {Timestamp} answered")]
    public static partial void Ping(ILogger logger, uint timestamp);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Server command {Command} ignored")]
    public static partial void IgnoredCommand(ILogger logger, string command);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Connection lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Unpublished and closed")]
    public static partial void Closed(ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Trace, Message = "Received message type {Type} on chunk stream {ChunkStreamId}, {Length} bytes")]
    public static partial void MessageReceived(ILogger logger, int type, int chunkStreamId, int length);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Trace, Message = "Sent message type {Type} on chunk stream {ChunkStreamId}, timestamp {Timestamp}, {Length} bytes")]
    public static partial void MessageSent(ILogger logger, int type, int chunkStreamId, uint timestamp, int length);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Trace, Message = "Chunk {Index} of {Count} on chunk stream {ChunkStreamId}: header type {Format}, {Bytes} payload bytes")]
    public static partial void ChunkSent(ILogger logger, int index, int count, int chunkStreamId, int format, int bytes);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Debug, Message = "Flushed {Bytes} bytes to the socket")]
    public static partial void Flushed(ILogger logger, int bytes);
}
