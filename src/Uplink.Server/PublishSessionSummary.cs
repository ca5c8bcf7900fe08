using System.Net;

namespace Uplink.Server;

/// <summary>A publish session as it started: who publishes what, and where it is recorded.</summary>
/// <param name="Id">The server-wide session number (the connection's).</param>
/// <param name="App">The application name (the connect <c>app</c> without its query).</param>
/// <param name="StreamName">The published stream name (without its query).</param>
/// <param name="RemoteEndPoint">The publisher's address.</param>
/// <param name="Started">When <c>publish</c> was accepted.</param>
/// <param name="RecordingPath">The FLV file being written, or null when not recording.</param>
public sealed record PublishSessionInfo(long Id, string App, string StreamName, EndPoint? RemoteEndPoint, DateTimeOffset Started, string? RecordingPath);

/// <summary>What one publish session delivered, reported when it ends.</summary>
/// <param name="Id">The server-wide session number (the connection's).</param>
/// <param name="App">The application name.</param>
/// <param name="StreamName">The published stream name.</param>
/// <param name="RemoteEndPoint">The publisher's address.</param>
/// <param name="Started">When <c>publish</c> was accepted.</param>
/// <param name="Ended">When the session ended.</param>
/// <param name="VideoFrames">Video frames received (sequence headers not counted).</param>
/// <param name="AudioFrames">Audio frames received (sequence headers not counted).</param>
/// <param name="Bytes">Bytes received on the connection, handshake included.</param>
/// <param name="Video">The video configuration seen, or null when none arrived.</param>
/// <param name="Audio">The audio configuration seen, or null when none arrived.</param>
/// <param name="LargestVideoGap">The largest timestamp step between consecutive video frames.</param>
/// <param name="LargestAudioGap">The largest timestamp step between consecutive audio frames.</param>
/// <param name="RecordingPath">The FLV file written, or null when not recording.</param>
/// <param name="EndReason">Why it ended: <c>unpublished</c>, <c>client closed</c>, <c>idle timeout</c>, <c>protocol error: …</c>, <c>server stopped</c>, <c>dropped</c>.</param>
public sealed record PublishSessionSummary(
    long Id,
    string App,
    string StreamName,
    EndPoint? RemoteEndPoint,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    long VideoFrames,
    long AudioFrames,
    long Bytes,
    ReceivedVideoConfiguration? Video,
    ReceivedAudioConfiguration? Audio,
    TimeSpan LargestVideoGap,
    TimeSpan LargestAudioGap,
    string? RecordingPath,
    string EndReason);
