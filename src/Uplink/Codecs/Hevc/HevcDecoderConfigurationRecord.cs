using System.Buffers.Binary;

namespace Uplink.Codecs.Hevc;

/// <summary>
/// HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1, "hvcC"): the HEVC sequence header that MP4 and Enhanced
/// RTMP's SequenceStart carry, with the general profile, tier and level, the size of the samples' NAL length prefixes and
/// arrays of NAL units (VPS, SPS, PPS, declarative SEI) by type. <see cref="Build(IReadOnlyList{ReadOnlyMemory{byte}}, bool, int)"/>
/// makes one from parameter sets as FFmpeg does.
/// </summary>
internal sealed partial class HevcDecoderConfigurationRecord
{
    /// <summary>The size of the fixed part before the arrays.</summary>
    public const int HeaderSize = 23;

    private HevcDecoderConfigurationRecord()
    {
    }

    /// <summary>The general profile, tier and level the record states.</summary>
    public HevcProfileTierLevel ProfileTierLevel { get; private init; }

    /// <summary>min_spatial_segmentation_idc (0 to 4095; 0 when unknown).</summary>
    public int MinSpatialSegmentationIdc { get; private init; }

    /// <summary>parallelismType: 0 unknown or mixed, 1 slices, 2 tiles, 3 wavefronts.</summary>
    public int ParallelismType { get; private init; }

    /// <summary>chromaFormat: chroma_format_idc of the SPS.</summary>
    public int ChromaFormat { get; private init; }

    /// <summary>Luma bit depth.</summary>
    public int BitDepthLuma { get; private init; }

    /// <summary>Chroma bit depth.</summary>
    public int BitDepthChroma { get; private init; }

    /// <summary>avgFrameRate in frames per 256 seconds (0 unspecified).</summary>
    public int AverageFrameRate { get; private init; }

    /// <summary>constantFrameRate: 0 unknown, 1 constant, 2 constant per temporal layer.</summary>
    public int ConstantFrameRate { get; private init; }

    /// <summary>numTemporalLayers: 0 unknown, 1 not temporally scalable, more: the number of temporal sub-layers.</summary>
    public int NumTemporalLayers { get; private init; }

    /// <summary>temporalIdNested.</summary>
    public bool TemporalIdNested { get; private init; }

    /// <summary>The size in bytes (1, 2 or 4) of the length prefix of each NAL unit in the samples.</summary>
    public int NalLengthSize { get; private init; }

    /// <summary>The NAL unit arrays, in record order.</summary>
    public IReadOnlyList<HevcNalUnitArray> Arrays { get; private init; } = [];

    /// <summary>The VPS NAL units of every VPS array, NAL header included.</summary>
    public IReadOnlyList<byte[]> VideoParameterSets => NalUnitsOfType(HevcNalUnitType.Vps);

    /// <summary>The SPS NAL units of every SPS array, NAL header included.</summary>
    public IReadOnlyList<byte[]> SequenceParameterSets => NalUnitsOfType(HevcNalUnitType.Sps);

    /// <summary>The PPS NAL units of every PPS array, NAL header included.</summary>
    public IReadOnlyList<byte[]> PictureParameterSets => NalUnitsOfType(HevcNalUnitType.Pps);

    /// <summary>Parses and validates a record (the hvcC box's body, or the body of an Enhanced RTMP SequenceStart).</summary>
    /// <exception cref="InvalidDataException">The record is malformed; the message names the field and its offset.</exception>
    public static HevcDecoderConfigurationRecord Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize)
        {
            throw new InvalidDataException($"hvcC is {data.Length} bytes, too short (at least {HeaderSize} needed)");
        }

        if (data[0] != 1)
        {
            throw new InvalidDataException($"hvcC configurationVersion at offset 0 is {data[0]}, not 1");
        }

        int lengthSizeMinusOne = data[21] & 3;
        if (lengthSizeMinusOne == 2)
        {
            throw new InvalidDataException("hvcC lengthSizeMinusOne at offset 21 is 2; NAL length size must be 1, 2 or 4");
        }

        var ptl = new HevcProfileTierLevel(
            data[1] >> 6,
            (data[1] & 0x20) != 0,
            data[1] & 0x1F,
            BinaryPrimitives.ReadUInt32BigEndian(data[2..]),
            ((ulong)BinaryPrimitives.ReadUInt16BigEndian(data[6..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            data[12]);
        int arrayCount = data[22];
        var arrays = new HevcNalUnitArray[arrayCount];
        int offset = HeaderSize;
        for (int i = 0; i < arrayCount; i++)
        {
            arrays[i] = ReadArray(data, ref offset, i, arrayCount);
        }

        return new HevcDecoderConfigurationRecord
        {
            ProfileTierLevel = ptl,
            MinSpatialSegmentationIdc = BinaryPrimitives.ReadUInt16BigEndian(data[13..]) & 0xFFF,
            ParallelismType = data[15] & 3,
            ChromaFormat = data[16] & 3,
            BitDepthLuma = (data[17] & 7) + 8,
            BitDepthChroma = (data[18] & 7) + 8,
            AverageFrameRate = BinaryPrimitives.ReadUInt16BigEndian(data[19..]),
            ConstantFrameRate = data[21] >> 6,
            NumTemporalLayers = (data[21] >> 3) & 7,
            TemporalIdNested = (data[21] & 4) != 0,
            NalLengthSize = lengthSizeMinusOne + 1,
            Arrays = arrays,
        };
    }

    private static HevcNalUnitArray ReadArray(ReadOnlySpan<byte> data, ref int offset, int index, int arrayCount)
    {
        if (data.Length - offset < 3)
        {
            throw new InvalidDataException($"hvcC ends at offset {offset} inside the header of NAL unit array {index + 1} of {arrayCount}");
        }

        bool complete = (data[offset] & 0x80) != 0;
        var type = (HevcNalUnitType)(data[offset] & 0x3F);
        int count = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 1)..]);
        offset += 3;

        // Each NAL unit takes at least 3 bytes (length and header byte): a count the data cannot hold is refused before
        // anything is allocated for it.
        if (count > (data.Length - offset) / 3)
        {
            throw new InvalidDataException(
                $"hvcC numNalus {count} at offset {offset - 2} does not fit the {data.Length - offset} bytes that follow");
        }

        var nals = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (data.Length - offset < 2)
            {
                throw new InvalidDataException($"hvcC ends at offset {offset} inside the length of {type} NAL unit {i + 1} of {count}");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (length < HevcNalUnitHeader.Size || length > data.Length - offset - 2)
            {
                throw new InvalidDataException(
                    $"hvcC nalUnitLength {length} at offset {offset} does not fit the {data.Length - offset - 2} bytes that follow (2 at least)");
            }

            ReadOnlySpan<byte> nal = data.Slice(offset + 2, length);
            HevcNalUnitType actual = HevcNalUnitHeader.ReadType(nal);
            if (actual != type)
            {
                throw new InvalidDataException(
                    $"hvcC NAL unit at offset {offset + 2} has type {(int)actual}, but its array's NAL_unit_type is {(int)type}");
            }

            nals[i] = nal.ToArray();
            offset += 2 + length;
        }

        return new HevcNalUnitArray(complete, type, nals);
    }

    private byte[][] NalUnitsOfType(HevcNalUnitType type) =>
        [.. Arrays.Where(a => a.NalUnitType == type).SelectMany(a => a.NalUnits)];
}

