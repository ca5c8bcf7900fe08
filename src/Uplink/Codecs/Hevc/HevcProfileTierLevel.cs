using System.Globalization;

namespace Uplink.Codecs.Hevc;

/// <summary>
/// The general part of an HEVC profile_tier_level() (ITU-T H.265 7.3.3), as the VPS and SPS carry it and the
/// HEVCDecoderConfigurationRecord repeats it.
/// </summary>
/// <param name="ProfileSpace">general_profile_space (0 for every profile H.265 defines).</param>
/// <param name="HighTier">general_tier_flag: the High tier rather than the Main tier.</param>
/// <param name="ProfileIdc">general_profile_idc: 1 Main, 2 Main 10, 3 Main Still Picture, 4 format range extensions …</param>
/// <param name="CompatibilityFlags">general_profile_compatibility_flag[0..31], flag 0 in the most significant bit.</param>
/// <param name="ConstraintFlags">
/// The 48 bits from general_progressive_source_flag to general_inbld_flag/reserved bit, progressive_source in bit 47.
/// </param>
/// <param name="LevelIdc">general_level_idc: 30 × the level (93 = level 3.1).</param>
internal readonly record struct HevcProfileTierLevel(
    int ProfileSpace, bool HighTier, int ProfileIdc, uint CompatibilityFlags, ulong ConstraintFlags, int LevelIdc)
{
    /// <summary>The number of bits of a sub-layer's profile part (sub_layer_profile_space to its reserved/inbld bit).</summary>
    private const int SubLayerProfileBits = 88;

    /// <summary>The profile as ffprobe names it: "Main", "Main 10", "Main Still Picture", "Rext" …</summary>
    public string ProfileName => ProfileIdc switch
    {
        1 => "Main",
        2 => "Main 10",
        3 => "Main Still Picture",
        4 => "Rext",
        9 => "SCC",
        _ => string.Create(CultureInfo.InvariantCulture, $"profile_idc {ProfileIdc}"),
    };

    /// <summary>The level as H.265 table A-8 writes it: "3", "3.1", "6.2" …</summary>
    public string LevelName => LevelIdc % 30 == 0
        ? (LevelIdc / 30).ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{LevelIdc / 30}.{LevelIdc % 30 / 3}");

    /// <summary>
    /// Reads profile_tier_level(1, <paramref name="maxSubLayersMinus1"/>): the general part, then skips the sub-layers'
    /// flags, reserved bits and profile and level parts.
    /// </summary>
    /// <exception cref="InvalidDataException">The data ends inside the structure.</exception>
    public static HevcProfileTierLevel Read(ref BitstreamReader reader, int maxSubLayersMinus1)
    {
        int profileSpace = (int)reader.ReadBits(2);
        bool highTier = reader.ReadBit();
        int profileIdc = (int)reader.ReadBits(5);
        uint compatibility = reader.ReadBits(32);
        ulong constraints = ((ulong)reader.ReadBits(16) << 32) | reader.ReadBits(32);
        int levelIdc = (int)reader.ReadBits(8);

        // Two flags per sub-layer below the highest, then reserved_zero_2bits up to eight entries: 16 bits in all
        // whenever there is more than one sub-layer.
        uint presence = maxSubLayersMinus1 > 0 ? reader.ReadBits(16) : 0;
        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            uint flags = (presence >> (14 - (2 * i))) & 3;
            if ((flags & 2) != 0)
            {
                reader.SkipBits(SubLayerProfileBits); // sub_layer_profile_present_flag[i]
            }

            if ((flags & 1) != 0)
            {
                reader.SkipBits(8); // sub_layer_level_present_flag[i]: sub_layer_level_idc[i]
            }
        }

        return new HevcProfileTierLevel(profileSpace, highTier, profileIdc, compatibility, constraints, levelIdc);
    }
}
