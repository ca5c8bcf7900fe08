namespace Uplink.Media.Mp4;

/// <summary>Where one sample lies in the file and when it is decoded and shown, in its track's timescale.</summary>
/// <param name="Offset">The absolute byte offset of the sample's first byte.</param>
/// <param name="Size">The sample's size in bytes.</param>
/// <param name="Dts">The decode time.</param>
/// <param name="CompositionOffset">Presentation time minus decode time (may be negative).</param>
/// <param name="IsSync">True for a sync sample (a keyframe).</param>
/// <param name="Track">The kind of track the sample belongs to.</param>
/// <param name="Slot">Which of the reader's used tracks it belongs to (its index in the reader's track list).</param>
internal readonly record struct Mp4Sample(long Offset, int Size, long Dts, int CompositionOffset, bool IsSync, MediaTrack Track, int Slot);
