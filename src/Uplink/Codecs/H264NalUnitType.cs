namespace Uplink.Codecs;

/// <summary>H.264 nal_unit_type values (ITU-T H.264 table 7-1), the low 5 bits of the NAL header.</summary>
public enum H264NalUnitType : byte
{
    /// <summary>Unspecified (0).</summary>
    Unspecified = 0,
    /// <summary>A slice of a non-IDR picture.</summary>
    NonIdrSlice = 1,
    /// <summary>Slice data partition A.</summary>
    SliceDataA = 2,
    /// <summary>Slice data partition B.</summary>
    SliceDataB = 3,
    /// <summary>Slice data partition C.</summary>
    SliceDataC = 4,
    /// <summary>A slice of an IDR picture (a keyframe).</summary>
    Idr = 5,
    /// <summary>Supplemental enhancement information.</summary>
    Sei = 6,
    /// <summary>Sequence parameter set.</summary>
    Sps = 7,
    /// <summary>Picture parameter set.</summary>
    Pps = 8,
    /// <summary>Access unit delimiter.</summary>
    AccessUnitDelimiter = 9,
    /// <summary>End of sequence.</summary>
    EndOfSequence = 10,
    /// <summary>End of stream.</summary>
    EndOfStream = 11,
    /// <summary>Filler data.</summary>
    Filler = 12,
    /// <summary>Sequence parameter set extension.</summary>
    SpsExtension = 13,
    /// <summary>Prefix NAL unit (SVC).</summary>
    PrefixNal = 14,
    /// <summary>Subset sequence parameter set (SVC, MVC).</summary>
    SubsetSps = 15,
    /// <summary>Depth parameter set (3D-AVC).</summary>
    DepthParameterSet = 16,
    /// <summary>A slice of an auxiliary coded picture without partitioning.</summary>
    AuxiliarySlice = 19,
    /// <summary>Coded slice extension (SVC, MVC).</summary>
    SliceExtension = 20,
    /// <summary>Coded slice extension for a depth view (3D-AVC).</summary>
    SliceExtensionDepth = 21,
}
