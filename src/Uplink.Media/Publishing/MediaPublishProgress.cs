namespace Uplink.Media;

/// <summary>Where <see cref="RtmpWriterMediaExtensions.PublishAsync"/> is.</summary>
/// <param name="Position">Media time written, from the first frame.</param>
/// <param name="Loops">Passes over the input completed so far.</param>
public readonly record struct MediaPublishProgress(TimeSpan Position, int Loops);
