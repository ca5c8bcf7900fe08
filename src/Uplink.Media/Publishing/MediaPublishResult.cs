namespace Uplink.Media;

/// <summary>What <see cref="RtmpWriterMediaExtensions.PublishAsync"/> played.</summary>
/// <param name="Loops">Passes over the input completed.</param>
/// <param name="MediaDuration">Media time written, from the first frame to the end of the last.</param>
public readonly record struct MediaPublishResult(int Loops, TimeSpan MediaDuration);
