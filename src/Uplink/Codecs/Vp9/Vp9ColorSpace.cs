namespace Uplink.Codecs.Vp9;

/// <summary>color_space of a VP9 frame header (VP9 bitstream specification 7.2.2).</summary>
internal enum Vp9ColorSpace
{
    Unknown = 0,
    Bt601 = 1,
    Bt709 = 2,
    Smpte170 = 3,
    Smpte240 = 4,
    Bt2020 = 5,
    Reserved = 6,
    Rgb = 7,
}
