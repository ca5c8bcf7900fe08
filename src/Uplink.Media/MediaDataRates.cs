namespace Uplink.Media;

/// <summary>
/// The data rates an input's header declares (FLV onMetaData's <c>videodatarate</c> and <c>audiodatarate</c>), in
/// kbit/s, as <see cref="RtmpWriterOptions.VideoDataRate"/> and <see cref="RtmpWriterOptions.AudioDataRate"/> take them.
/// </summary>
/// <param name="Video">The video data rate, or null when none (or none above 0) is declared.</param>
/// <param name="Audio">The audio data rate, or null when none (or none above 0) is declared.</param>
public readonly record struct MediaDataRates(double? Video, double? Audio);
