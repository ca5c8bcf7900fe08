using System.Buffers.Binary;

namespace Uplink.Codecs;

/// <summary>
/// AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1, "avcC"): the H.264 sequence header that FLV and MP4
/// carry out of band, with the parameter sets and the size of the NAL length prefixes of the samples.
/// </summary>
public sealed class AvcDecoderConfigurationRecord
{
    private AvcDecoderConfigurationRecord(
        byte profileIndication,
        byte profileCompatibility,
        byte levelIndication,
        int nalLengthSize,
        IReadOnlyList<byte[]> sequenceParameterSets,
        IReadOnlyList<byte[]> pictureParameterSets)
    {
        ProfileIndication = profileIndication;
        ProfileCompatibility = profileCompatibility;
        LevelIndication = levelIndication;
        NalLengthSize = nalLengthSize;
        SequenceParameterSets = sequenceParameterSets;
        PictureParameterSets = pictureParameterSets;
    }

    /// <summary>AVCProfileIndication: the profile_idc of the SPS.</summary>
    public byte ProfileIndication { get; }

    /// <summary>profile_compatibility: the constraint-set byte of the SPS.</summary>
    public byte ProfileCompatibility { get; }

    /// <summary>AVCLevelIndication: the level_idc of the SPS.</summary>
    public byte LevelIndication { get; }

    /// <summary>The size in bytes (1, 2 or 4) of the length prefix of each NAL unit in the samples.</summary>
    public int NalLengthSize { get; }

    /// <summary>The SPS NAL units, NAL header included.</summary>
    public IReadOnlyList<byte[]> SequenceParameterSets { get; }

    /// <summary>The PPS NAL units, NAL header included.</summary>
    public IReadOnlyList<byte[]> PictureParameterSets { get; }

    /// <summary>chroma_format from the high-profile trailer, or null when the record has none.</summary>
    public int? ChromaFormat { get; private init; }

    /// <summary>Luma bit depth from the high-profile trailer, or null when the record has none.</summary>
    public int? BitDepthLuma { get; private init; }

    /// <summary>Chroma bit depth from the high-profile trailer, or null when the record has none.</summary>
    public int? BitDepthChroma { get; private init; }

    /// <summary>The SPS extension NAL units of the high-profile trailer (usually none).</summary>
    public IReadOnlyList<byte[]> SequenceParameterSetExtensions { get; private init; } = [];

    /// <summary>Parses and validates a record.</summary>
    /// <exception cref="InvalidDataException">The record is malformed; the message names the offset.</exception>
    public static AvcDecoderConfigurationRecord Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 7)
        {
            throw new InvalidDataException($"avcC is {data.Length} bytes, too short (at least 7 needed)");
        }

        if (data[0] != 1)
        {
            throw new InvalidDataException($"avcC configurationVersion at offset 0 is {data[0]}, not 1");
        }

        int nalLengthSize = (data[4] & 3) + 1;
        if (nalLengthSize == 3)
        {
            throw new InvalidDataException("avcC lengthSizeMinusOne at offset 4 is 2; NAL length size must be 1, 2 or 4");
        }

        int offset = 5;
        int spsCount = data[offset] & 0x1F;
        if (spsCount == 0)
        {
            throw new InvalidDataException("avcC numOfSequenceParameterSets at offset 5 is 0");
        }

        offset++;
        var sps = ReadParameterSets(data, ref offset, spsCount, H264NalUnitType.Sps);
        if (offset >= data.Length)
        {
            throw new InvalidDataException($"avcC ends at offset {offset} before numOfPictureParameterSets");
        }

        int ppsCount = data[offset];
        if (ppsCount == 0)
        {
            throw new InvalidDataException($"avcC numOfPictureParameterSets at offset {offset} is 0");
        }

        offset++;
        var pps = ReadParameterSets(data, ref offset, ppsCount, H264NalUnitType.Pps);

        int? chromaFormat = null, bitDepthLuma = null, bitDepthChroma = null;
        IReadOnlyList<byte[]> spsExtensions = [];
        if (HasHighProfileTrailer(data[1]) && data.Length - offset >= 4)
        {
            chromaFormat = data[offset] & 3;
            bitDepthLuma = (data[offset + 1] & 7) + 8;
            bitDepthChroma = (data[offset + 2] & 7) + 8;
            int extensionCount = data[offset + 3];
            offset += 4;
            spsExtensions = ReadParameterSets(data, ref offset, extensionCount, H264NalUnitType.SpsExtension);
        }

        return new AvcDecoderConfigurationRecord(data[1], data[2], data[3], nalLengthSize, sps, pps)
        {
            ChromaFormat = chromaFormat,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            SequenceParameterSetExtensions = spsExtensions,
        };
    }

    /// <summary>Builds a record declaring 4-byte NAL lengths from one SPS and one PPS.</summary>
    /// <exception cref="ArgumentException">A parameter set is missing, too long or of the wrong NAL type.</exception>
    internal static byte[] Build(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps) =>
        Build([sps.ToArray()], [pps.ToArray()]);

    /// <summary>
    /// Builds a record declaring 4-byte NAL lengths. Profile, compatibility and level come from the first SPS.
    /// SPS extension NAL units (type 13) in <paramref name="sps"/> go to the high-profile trailer.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter set is missing, too long or of the wrong NAL type.</exception>
    internal static byte[] Build(IReadOnlyList<ReadOnlyMemory<byte>> sps, IReadOnlyList<ReadOnlyMemory<byte>> pps) =>
        Build(sps, pps, 4);

    /// <summary>Builds a record declaring <paramref name="nalLengthSize"/>-byte NAL lengths (1, 2 or 4).</summary>
    /// <exception cref="ArgumentException">A parameter set is missing, too long or of the wrong NAL type.</exception>
    internal static byte[] Build(IReadOnlyList<ReadOnlyMemory<byte>> sps, IReadOnlyList<ReadOnlyMemory<byte>> pps, int nalLengthSize)
    {
        ArgumentNullException.ThrowIfNull(sps);
        ArgumentNullException.ThrowIfNull(pps);
        if (nalLengthSize is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(nalLengthSize), nalLengthSize, "NAL length size must be 1, 2 or 4");
        }

        int size = 7;
        int spsCount = 0, extensionCount = 0;
        ReadOnlySpan<byte> firstSps = default;
        foreach (ReadOnlyMemory<byte> nal in sps)
        {
            ReadOnlySpan<byte> span = nal.Span;
            CheckParameterSet(span, nameof(sps));
            var type = (H264NalUnitType)(span[0] & 0x1F);
            if (type == H264NalUnitType.Sps)
            {
                if (firstSps.IsEmpty)
                {
                    firstSps = span;
                }

                spsCount++;
            }
            else if (type == H264NalUnitType.SpsExtension)
            {
                extensionCount++;
            }
            else
            {
                throw new ArgumentException($"NAL unit type {(int)type} in the SPS list is not an SPS (7) or SPS extension (13)", nameof(sps));
            }

            size += 2 + span.Length;
        }

        if (spsCount is 0 or > 31 || firstSps.Length < 4)
        {
            throw new ArgumentException($"avcC needs 1 to 31 SPS of at least 4 bytes, got {spsCount}", nameof(sps));
        }

        if (pps.Count is 0 or > 255)
        {
            throw new ArgumentException($"avcC needs 1 to 255 PPS, got {pps.Count}", nameof(pps));
        }

        foreach (ReadOnlyMemory<byte> nal in pps)
        {
            CheckParameterSet(nal.Span, nameof(pps));
            if ((nal.Span[0] & 0x1F) != (int)H264NalUnitType.Pps)
            {
                throw new ArgumentException($"NAL unit type {nal.Span[0] & 0x1F} in the PPS list is not a PPS (8)", nameof(pps));
            }

            size += 2 + nal.Length;
        }

        bool trailer = HasHighProfileTrailer(firstSps[1]);
        H264SequenceParameterSet? parsed = null;
        if (trailer)
        {
            if (extensionCount > 255)
            {
                throw new ArgumentException($"avcC holds at most 255 SPS extensions, got {extensionCount}", nameof(sps));
            }

            parsed = H264SequenceParameterSet.TryParse(firstSps, out var p)
                ? p
                : throw new ArgumentException("the first SPS does not parse; a high-profile avcC needs its chroma format and bit depth", nameof(sps));
            size += 4;
        }
        else
        {
            size -= 2 * extensionCount;
            foreach (ReadOnlyMemory<byte> nal in sps)
            {
                if ((nal.Span[0] & 0x1F) == (int)H264NalUnitType.SpsExtension)
                {
                    size -= nal.Length;
                }
            }
        }

        byte[] record = new byte[size];
        record[0] = 1;
        record[1] = firstSps[1];
        record[2] = firstSps[2];
        record[3] = firstSps[3];
        record[4] = (byte)(0xFC | (nalLengthSize - 1));
        record[5] = (byte)(0xE0 | spsCount);
        int offset = 6;
        offset = WriteParameterSets(record, offset, sps, H264NalUnitType.Sps);
        record[offset++] = (byte)pps.Count;
        offset = WriteParameterSets(record, offset, pps, H264NalUnitType.Pps);
        if (parsed is not null)
        {
            record[offset++] = (byte)(0xFC | parsed.ChromaFormatIdc);
            record[offset++] = (byte)(0xF8 | (parsed.BitDepthLuma - 8));
            record[offset++] = (byte)(0xF8 | (parsed.BitDepthChroma - 8));
            record[offset++] = (byte)extensionCount;
            offset = WriteParameterSets(record, offset, sps, H264NalUnitType.SpsExtension);
        }

        return offset == record.Length ? record : throw new InvalidOperationException("avcC size computed wrongly");
    }

    /// <summary>
    /// True when a record for this profile carries the chroma format / bit depth / SPS extension trailer:
    /// ISO 14496-15 names profiles 100, 110, 122 and 144; 244 and the other profiles whose SPS carries a chroma
    /// format get it too, as FFmpeg writes it.
    /// </summary>
    internal static bool HasHighProfileTrailer(int profileIdc) =>
        profileIdc == 144 || H264SequenceParameterSet.HasChromaFormatFields(profileIdc);

    private static void CheckParameterSet(ReadOnlySpan<byte> nal, string parameterName)
    {
        if (nal.IsEmpty || nal.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"a parameter set is {nal.Length} bytes; it must be 1 to 65535", parameterName);
        }
    }

    private static int WriteParameterSets(byte[] record, int offset, IReadOnlyList<ReadOnlyMemory<byte>> nals, H264NalUnitType type)
    {
        foreach (ReadOnlyMemory<byte> nal in nals)
        {
            if ((nal.Span[0] & 0x1F) == (int)type)
            {
                BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(offset), (ushort)nal.Length);
                nal.Span.CopyTo(record.AsSpan(offset + 2));
                offset += 2 + nal.Length;
            }
        }

        return offset;
    }

    private static byte[][] ReadParameterSets(ReadOnlySpan<byte> data, ref int offset, int count, H264NalUnitType expected)
    {
        var sets = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (data.Length - offset < 2)
            {
                throw new InvalidDataException($"avcC ends at offset {offset} inside the length of {expected} {i + 1} of {count}");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (length == 0 || length > data.Length - offset - 2)
            {
                throw new InvalidDataException(
                    $"avcC {expected} length {length} at offset {offset} does not fit the {data.Length - offset - 2} bytes that follow");
            }

            ReadOnlySpan<byte> nal = data.Slice(offset + 2, length);
            if ((nal[0] & 0x1F) != (int)expected)
            {
                throw new InvalidDataException(
                    $"avcC entry at offset {offset + 2} has NAL unit type {nal[0] & 0x1F}, expected {expected} ({(int)expected})");
            }

            sets[i] = nal.ToArray();
            offset += 2 + length;
        }

        return sets;
    }
}
