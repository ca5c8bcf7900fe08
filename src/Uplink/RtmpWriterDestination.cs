using Uplink.Destinations;
using Uplink.Streaming;

namespace Uplink;

/// <summary>
/// One server the stream goes to (<see cref="RtmpWriter.Destinations"/>): its name, state, stats and, once it stopped
/// taking the stream, why. Its status changes are raised by <see cref="RtmpWriter.DestinationStatusChanged"/>.
/// </summary>
public sealed class RtmpWriterDestination
{
    private readonly IStreamSource _stream;

    internal RtmpWriterDestination(RtmpDestination inner, IStreamSource stream)
    {
        Inner = inner;
        _stream = stream;
    }

    /// <summary>Its name: <see cref="RtmpDestinationOptions.Name"/>, or its URL with the secrets masked.</summary>
    public string Name => Inner.Name;

    /// <summary>Its connection state now.</summary>
    public RtmpWriterStatus Status => Inner.Status;

    /// <summary>What its server said about itself when the current (or last) connection was made; null before connecting.</summary>
    public RtmpServerInfo? ServerInfo => Inner.ServerInfo;

    /// <summary>
    /// Why it did not receive the whole stream: it could not connect, gave up reconnecting, was lost without reconnection,
    /// or its server ended the connection before the end was confirmed. Null while it takes the stream, and once it
    /// received all of it.
    /// </summary>
    public string? Failure => Inner.Failure;

    internal RtmpDestination Inner { get; }

    /// <summary>A snapshot of what was sent to it (frames written are the stream's, the same for every destination).</summary>
    public RtmpWriterStats GetStats() => Inner.GetStats() with
    {
        VideoFramesWritten = _stream.VideoFramesAccepted,
        AudioFramesWritten = _stream.AudioFramesAccepted,
    };

    /// <summary>Its name and state (never a secret).</summary>
    public override string ToString() => Failure is { } failure ? $"{Name}: {Status} ({failure})" : $"{Name}: {Status}";

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RtmpWriterDestination other && other.Inner == Inner;

    /// <inheritdoc/>
    public override int GetHashCode() => Inner.GetHashCode();
}
