namespace Uplink.Codecs.Hevc;

/// <summary>
/// HEVC nal_unit_type values (ITU-T H.265 table 7-1), the 6 bits after the forbidden bit of the 2-byte NAL header.
/// Types 0 to 31 are VCL (coded slice segments); the even ones below 16 (the _N types) are sub-layer non-reference
/// pictures, 16 to 23 are IRAP pictures.
/// </summary>
internal enum HevcNalUnitType : byte
{
    /// <summary>Trailing picture, sub-layer non-reference.</summary>
    TrailN = 0,
    /// <summary>Trailing picture, sub-layer reference.</summary>
    TrailR = 1,
    /// <summary>Temporal sub-layer access, sub-layer non-reference.</summary>
    TsaN = 2,
    /// <summary>Temporal sub-layer access, sub-layer reference.</summary>
    TsaR = 3,
    /// <summary>Step-wise temporal sub-layer access, sub-layer non-reference.</summary>
    StsaN = 4,
    /// <summary>Step-wise temporal sub-layer access, sub-layer reference.</summary>
    StsaR = 5,
    /// <summary>Random access decodable leading picture, sub-layer non-reference.</summary>
    RadlN = 6,
    /// <summary>Random access decodable leading picture, sub-layer reference.</summary>
    RadlR = 7,
    /// <summary>Random access skipped leading picture, sub-layer non-reference.</summary>
    RaslN = 8,
    /// <summary>Random access skipped leading picture, sub-layer reference.</summary>
    RaslR = 9,
    /// <summary>Reserved non-IRAP sub-layer non-reference VCL type.</summary>
    ReservedVclN10 = 10,
    /// <summary>Reserved non-IRAP sub-layer reference VCL type.</summary>
    ReservedVclR11 = 11,
    /// <summary>Reserved non-IRAP sub-layer non-reference VCL type.</summary>
    ReservedVclN12 = 12,
    /// <summary>Reserved non-IRAP sub-layer reference VCL type.</summary>
    ReservedVclR13 = 13,
    /// <summary>Reserved non-IRAP sub-layer non-reference VCL type.</summary>
    ReservedVclN14 = 14,
    /// <summary>Reserved non-IRAP sub-layer reference VCL type.</summary>
    ReservedVclR15 = 15,
    /// <summary>Broken link access, may have leading pictures (RASL or RADL).</summary>
    BlaWLp = 16,
    /// <summary>Broken link access, may have RADL leading pictures only.</summary>
    BlaWRadl = 17,
    /// <summary>Broken link access without leading pictures.</summary>
    BlaNLp = 18,
    /// <summary>Instantaneous decoding refresh, may have RADL leading pictures.</summary>
    IdrWRadl = 19,
    /// <summary>Instantaneous decoding refresh without leading pictures.</summary>
    IdrNLp = 20,
    /// <summary>Clean random access (open GOP: its RASL pictures refer to pictures before it).</summary>
    Cra = 21,
    /// <summary>Reserved IRAP VCL type.</summary>
    ReservedIrapVcl22 = 22,
    /// <summary>Reserved IRAP VCL type.</summary>
    ReservedIrapVcl23 = 23,
    /// <summary>Video parameter set.</summary>
    Vps = 32,
    /// <summary>Sequence parameter set.</summary>
    Sps = 33,
    /// <summary>Picture parameter set.</summary>
    Pps = 34,
    /// <summary>Access unit delimiter.</summary>
    AccessUnitDelimiter = 35,
    /// <summary>End of sequence.</summary>
    EndOfSequence = 36,
    /// <summary>End of bitstream.</summary>
    EndOfBitstream = 37,
    /// <summary>Filler data.</summary>
    FillerData = 38,
    /// <summary>Supplemental enhancement information that precedes the picture's slices.</summary>
    PrefixSei = 39,
    /// <summary>Supplemental enhancement information that follows the picture's first slice.</summary>
    SuffixSei = 40,
}
