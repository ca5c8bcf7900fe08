namespace Uplink.Codecs;

/// <summary>H.264 nal_unit_type values (ITU-T H.264 table 7-1), the low 5 bits of the NAL header.</summary>
internal enum H264NalUnitType : byte
{
    Unspecified = 0,
    NonIdrSlice = 1,
    SliceDataA = 2,
    SliceDataB = 3,
    SliceDataC = 4,
    Idr = 5,
    Sei = 6,
    Sps = 7,
    Pps = 8,
    AccessUnitDelimiter = 9,
    EndOfSequence = 10,
    EndOfStream = 11,
    Filler = 12,
    SpsExtension = 13,
    PrefixNal = 14,
    SubsetSps = 15,
    DepthParameterSet = 16,
    AuxiliarySlice = 19,
    SliceExtension = 20,
    SliceExtensionDepth = 21,
}
