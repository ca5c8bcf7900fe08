namespace Uplink.Codecs.Av1;

/// <summary>obu_type (AV1 specification 6.2.2). 0, 9 to 14 are reserved.</summary>
internal enum Av1ObuType
{
    SequenceHeader = 1,
    TemporalDelimiter = 2,
    FrameHeader = 3,
    TileGroup = 4,
    Metadata = 5,
    Frame = 6,
    RedundantFrameHeader = 7,
    TileList = 8,
    Padding = 15,
}
