using System.Buffers.Binary;

namespace Uplink.Codecs.Hevc;

/// <summary>Making an hvcC from parameter sets, field for field as FFmpeg's <c>ff_isom_write_hvcc</c> makes it.</summary>
internal sealed partial class HevcDecoderConfigurationRecord
{
    /// <summary>The most VPS, SPS and PPS an hvcC may hold (their id ranges, as FFmpeg bounds them).</summary>
    private const int MaxVpsCount = 16, MaxSpsCount = 16, MaxPpsCount = 64;

    /// <summary>The order the arrays are written in, as FFmpeg writes them (and as decoders expect the sets).</summary>
    private static readonly HevcNalUnitType[] ArrayOrder =
        [HevcNalUnitType.Vps, HevcNalUnitType.Sps, HevcNalUnitType.Pps, HevcNalUnitType.PrefixSei, HevcNalUnitType.SuffixSei];

    /// <summary>Builds a record declaring 4-byte NAL lengths from one VPS, SPS and PPS, the arrays not marked complete.</summary>
    /// <exception cref="ArgumentException">A NAL unit is missing, too long or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">A parameter set does not parse.</exception>
    public static byte[] Build(ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps) =>
        Build([vps.ToArray(), sps.ToArray(), pps.ToArray()], parameterSetArraysComplete: false, nalLengthSize: 4);

    /// <summary>
    /// Builds a record from VPS, SPS, PPS and (optionally) prefix and suffix SEI NAL units, in any order; each type's
    /// array keeps the order given. The header fields come from the parameter sets as FFmpeg derives them: the profile,
    /// tier and level merged over every VPS and SPS (the highest tier and its highest level, the highest profile_idc,
    /// the compatibility and constraint flags every set has), numTemporalLayers the most sub-layers any declares,
    /// temporalIdNested, chroma format and bit depths from the last SPS, min_spatial_segmentation_idc the lowest any
    /// SPS's VUI gives (0 when none does), parallelismType from the last PPS (0 when min_spatial_segmentation_idc is 0),
    /// avgFrameRate and constantFrameRate 0 (unspecified). NAL units of layers above the base layer are left out: a
    /// layered stream's other layers have their own record (lhvC), which Enhanced RTMP does not carry.
    /// </summary>
    /// <param name="nalUnits">The NAL units, 2-byte header included, emulation prevention bytes in place.</param>
    /// <param name="parameterSetArraysComplete">
    /// array_completeness of the VPS, SPS and PPS arrays: true promises that no parameter set is sent in band (MP4's
    /// hvc1); false (FFmpeg's FLV muxer, MP4's hev1) lets the samples carry them, as encoders repeat them at keyframes.
    /// </param>
    /// <param name="nalLengthSize">The size of the samples' NAL length prefixes: 1, 2 or 4.</param>
    /// <exception cref="ArgumentException">
    /// A NAL unit is empty, longer than 65535 bytes or of another type; a VPS, SPS or PPS is missing or there are too many.
    /// </exception>
    /// <exception cref="InvalidDataException">A VPS, SPS or PPS does not parse.</exception>
    public static byte[] Build(IReadOnlyList<ReadOnlyMemory<byte>> nalUnits, bool parameterSetArraysComplete, int nalLengthSize)
    {
        ArgumentNullException.ThrowIfNull(nalUnits);
        if (nalLengthSize is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(nalLengthSize), nalLengthSize, "NAL length size must be 1, 2 or 4");
        }

        var fields = new FieldMerger();
        Span<int> counts = stackalloc int[ArrayOrder.Length];
        int size = HeaderSize;
        foreach (ReadOnlyMemory<byte> memory in nalUnits)
        {
            ReadOnlySpan<byte> nal = memory.Span;
            if (nal.Length is < HevcNalUnitHeader.Size or > ushort.MaxValue)
            {
                throw new ArgumentException($"a NAL unit is {nal.Length} bytes; it must be 2 to 65535", nameof(nalUnits));
            }

            HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
            int array = Array.IndexOf(ArrayOrder, header.Type);
            if (array < 0)
            {
                throw new ArgumentException(
                    $"NAL unit type {(int)header.Type} is not a VPS (32), SPS (33), PPS (34) or SEI (39, 40)", nameof(nalUnits));
            }

            if (header.LayerId != 0)
            {
                continue;
            }

            fields.Add(header.Type, nal);
            counts[array]++;
            size += 2 + nal.Length;
        }

        if (counts[0] is 0 or > MaxVpsCount || counts[1] is 0 or > MaxSpsCount || counts[2] is 0 or > MaxPpsCount)
        {
            throw new ArgumentException(
                $"hvcC needs 1 to {MaxVpsCount} VPS, 1 to {MaxSpsCount} SPS and 1 to {MaxPpsCount} PPS of the base layer; got {counts[0]}, {counts[1]} and {counts[2]}",
                nameof(nalUnits));
        }

        int arrays = 0;
        foreach (int count in counts)
        {
            arrays += count > 0 ? 1 : 0;
        }

        size += 3 * arrays;
        byte[] record = new byte[size];
        fields.WriteHeader(record, nalLengthSize, arrays);
        int offset = HeaderSize;
        for (int i = 0; i < ArrayOrder.Length; i++)
        {
            if (counts[i] > 0)
            {
                bool complete = parameterSetArraysComplete && i < 3; // SEI arrays are never complete
                offset = WriteArray(record, offset, nalUnits, ArrayOrder[i], complete, counts[i]);
            }
        }

        return offset == record.Length ? record : throw new InvalidOperationException("hvcC size computed wrongly");
    }

    private static int WriteArray(byte[] record, int offset, IReadOnlyList<ReadOnlyMemory<byte>> nalUnits, HevcNalUnitType type, bool complete, int count)
    {
        record[offset] = (byte)((complete ? 0x80 : 0) | (int)type);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(offset + 1), (ushort)count);
        offset += 3;
        foreach (ReadOnlyMemory<byte> memory in nalUnits)
        {
            ReadOnlySpan<byte> nal = memory.Span;
            HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
            if (header.Type == type && header.LayerId == 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(offset), (ushort)nal.Length);
                nal.CopyTo(record.AsSpan(offset + 2));
                offset += 2 + nal.Length;
            }
        }

        return offset;
    }

    /// <summary>The header fields, merged over the parameter sets in the order they come, as FFmpeg merges them.</summary>
    private sealed class FieldMerger
    {
        private const int NoSpatialSegmentation = 4096 + 1;

        private int _profileSpace;
        private bool _highTier;
        private int _profileIdc;
        private uint _compatibility = uint.MaxValue;
        private ulong _constraints = 0xFFFF_FFFF_FFFF;
        private int _levelIdc;
        private int _minSpatialSegmentation = NoSpatialSegmentation;
        private int _parallelismType;
        private int _chromaFormat;
        private int _bitDepthLumaMinus8;
        private int _bitDepthChromaMinus8;
        private int _temporalLayers;
        private bool _temporalIdNested;

        public void Add(HevcNalUnitType type, ReadOnlySpan<byte> nal)
        {
            switch (type)
            {
                case HevcNalUnitType.Vps:
                    var vps = HevcVideoParameterSet.Parse(nal);
                    _temporalLayers = Math.Max(_temporalLayers, vps.MaxSubLayersMinus1 + 1);
                    Merge(vps.ProfileTierLevel);
                    break;
                case HevcNalUnitType.Sps:
                    var sps = HevcSequenceParameterSet.Parse(nal);
                    _temporalLayers = Math.Max(_temporalLayers, sps.MaxSubLayersMinus1 + 1);
                    _temporalIdNested = sps.TemporalIdNesting;
                    Merge(sps.ProfileTierLevel);
                    _chromaFormat = sps.ChromaFormatIdc;
                    _bitDepthLumaMinus8 = sps.BitDepthLuma - 8;
                    _bitDepthChromaMinus8 = sps.BitDepthChroma - 8;
                    if (sps.MinSpatialSegmentationIdc is int segmentation)
                    {
                        _minSpatialSegmentation = Math.Min(_minSpatialSegmentation, segmentation);
                    }

                    break;
                case HevcNalUnitType.Pps:
                    _parallelismType = HevcPictureParameterSet.Parse(nal).ParallelismType;
                    break;
                default:
                    break;
            }
        }

        public void WriteHeader(Span<byte> record, int nalLengthSize, int arrays)
        {
            int minSpatialSegmentation = _minSpatialSegmentation > 4096 ? 0 : _minSpatialSegmentation;
            int parallelismType = minSpatialSegmentation == 0 ? 0 : _parallelismType;
            record[0] = 1; // configurationVersion
            record[1] = (byte)((_profileSpace << 6) | (_highTier ? 0x20 : 0) | _profileIdc);
            BinaryPrimitives.WriteUInt32BigEndian(record[2..], _compatibility);
            BinaryPrimitives.WriteUInt16BigEndian(record[6..], (ushort)(_constraints >> 32));
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)_constraints);
            record[12] = (byte)_levelIdc;
            BinaryPrimitives.WriteUInt16BigEndian(record[13..], (ushort)(0xF000 | minSpatialSegmentation));
            record[15] = (byte)(0xFC | parallelismType);
            record[16] = (byte)(0xFC | _chromaFormat);
            record[17] = (byte)(0xF8 | _bitDepthLumaMinus8);
            record[18] = (byte)(0xF8 | _bitDepthChromaMinus8);
            record[19] = 0; // avgFrameRate: unspecified
            record[20] = 0;

            // constantFrameRate 0 (unknown), numTemporalLayers, temporalIdNested, lengthSizeMinusOne
            record[21] = (byte)((_temporalLayers << 3) | (_temporalIdNested ? 4 : 0) | (nalLengthSize - 1));
            record[22] = (byte)arrays;
        }

        /// <summary>
        /// Merges one profile_tier_level as FFmpeg does: the record's level must suffice for the highest tier any set
        /// states, so a higher tier brings its own level; flags stay set only where every set sets them.
        /// </summary>
        private void Merge(HevcProfileTierLevel ptl)
        {
            _profileSpace = ptl.ProfileSpace;
            _levelIdc = !_highTier && ptl.HighTier ? ptl.LevelIdc : Math.Max(_levelIdc, ptl.LevelIdc);
            _highTier |= ptl.HighTier;
            _profileIdc = Math.Max(_profileIdc, ptl.ProfileIdc);
            _compatibility &= ptl.CompatibilityFlags;
            _constraints &= ptl.ConstraintFlags;
        }
    }
}
