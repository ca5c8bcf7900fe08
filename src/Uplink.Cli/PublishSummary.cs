namespace Uplink.Cli;

/// <summary>What a publish run did, for the closing line and the JSON summary.</summary>
internal sealed record PublishSummary(
    long VideoFrames,
    long AudioFrames,
    long VideoFramesDropped,
    long AudioFramesDropped,
    long BytesSent,
    long BytesAcknowledged,
    TimeSpan Duration,
    TimeSpan MediaDuration,
    int Loops);
