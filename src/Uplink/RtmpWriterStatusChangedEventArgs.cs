namespace Uplink;

/// <summary>A change of the writer's connection state.</summary>
public sealed class RtmpWriterStatusChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public RtmpWriterStatusChangedEventArgs(RtmpWriterStatus status, string reason, DateTimeOffset time)
    {
        Status = status;
        Reason = reason;
        Time = time;
    }

    /// <summary>The new state.</summary>
    public RtmpWriterStatus Status { get; }

    /// <summary>Why it changed, in a few words (never containing a secret).</summary>
    public string Reason { get; }

    /// <summary>When it changed.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The destination whose state changed (<see cref="RtmpWriter.DestinationStatusChanged"/>); null for the
    /// stream's own state (<see cref="RtmpWriter.StatusChanged"/>).</summary>
    public string? Destination { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Destination is null ? $"{Status} ({(int)Status}): {Reason}" : $"{Destination}: {Status} ({(int)Status}): {Reason}";
}
