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
/// <param name="VideoFrames">Video frames received, on every track (sequence headers not counted).</param>
/// <param name="AudioFrames">Audio frames received, on every track (sequence headers not counted).</param>
/// <param name="Bytes">Bytes received on the connection, handshake included.</param>
/// <param name="Video">The default video track's configuration (trackId 0, else the lowest), or null when none arrived.</param>
/// <param name="Audio">The default audio track's configuration (trackId 0, else the lowest), or null when none arrived.</param>
/// <param name="LargestVideoGap">The largest timestamp step between consecutive frames of one video track.</param>
/// <param name="LargestAudioGap">The largest timestamp step between consecutive frames of one audio track.</param>
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
    string EndReason)
{
    /// <summary>Every video track received, by trackId (one, trackId 0, unless the publisher sent Enhanced RTMP multitrack).</summary>
    public IReadOnlyList<ReceivedVideoTrack> VideoTracks { get; init; } = [];

    /// <summary>Every audio track received, by trackId (see <see cref="VideoTracks"/>).</summary>
    public IReadOnlyList<ReceivedAudioTrack> AudioTracks { get; init; } = [];
}
