using System.Buffers.Binary;

namespace Uplink.Codecs.Vp9;

/// <summary>
/// VPCodecConfigurationRecord (VP Codec ISO Media File Format Binding, "vpcC" version 1) for VP9. The vpcC box is a
/// FullBox: version 1 and flags 0, then the 8-byte record. FFmpeg's MP4 muxer and its FLV muxer (Enhanced RTMP's vp09
/// SequenceStart) both write the version and flags too, so <see cref="ToFullBoxBody"/> is the SequenceStart body.
/// </summary>
/// <param name="Profile">The VP9 profile (0 to 3).</param>
/// <param name="Level">The level × 10 (10 for 1, 31 for 3.1), 0 for undefined; see <see cref="Vp9Level"/>.</param>
/// <param name="BitDepth">8, 10 or 12.</param>
/// <param name="ChromaSubsampling">0 4:2:0 vertical, 1 4:2:0 colocated with luma, 2 4:2:2, 3 4:4:4.</param>
/// <param name="VideoFullRangeFlag">Full range samples.</param>
/// <param name="ColourPrimaries">ISO/IEC 23091-4 colour primaries (2 unspecified).</param>
/// <param name="TransferCharacteristics">ISO/IEC 23091-4 transfer characteristics (2 unspecified).</param>
/// <param name="MatrixCoefficients">ISO/IEC 23091-4 matrix coefficients (0 RGB, 2 unspecified).</param>
internal readonly record struct Vp9CodecConfigurationRecord(
    byte Profile,
    byte Level,
    byte BitDepth,
    byte ChromaSubsampling,
    bool VideoFullRangeFlag,
    byte ColourPrimaries,
    byte TransferCharacteristics,
    byte MatrixCoefficients)
{
    /// <summary>The size of the record alone.</summary>
    public const int RecordSize = 8;

    /// <summary>The size of the FullBox body: version, flags, then the record.</summary>
    public const int FullBoxBodySize = 12;

    /// <summary>ISO/IEC 23091-4 "unspecified" for primaries, transfer and matrix.</summary>
    public const byte Unspecified = 2;

    // VP9 color_space (0 unknown … 7 RGB) to ISO matrix_coefficients, as FFmpeg's VP9 decoder reports it and its
    // MP4 muxer then writes it: unspecified, BT.470BG, BT.709, SMPTE 170M, SMPTE 240M, BT.2020 NCL, reserved, RGB.
    private static readonly byte[] MatrixForColorSpace = [2, 5, 1, 6, 7, 9, 3, 0];

    /// <summary>
    /// The record for a stream from its key frame header, as FFmpeg writes it when remuxing VP9: profile, bit depth,
    /// range and matrix from the header (primaries and transfer are not in the bitstream, so unspecified unless given),
    /// chroma subsampling 1 for 4:2:0 (FFmpeg's choice when no chroma location is known), and the level from the frame
    /// size and, when given, the frame rate.
    /// </summary>
    /// <exception cref="ArgumentException">The header does not carry a colour configuration and frame size.</exception>
    /// <exception cref="NotSupportedException">The header is 4:4:0, which vpcC has no chromaSubsampling value for.</exception>
    public static Vp9CodecConfigurationRecord FromFrameHeader(
        in Vp9FrameHeader header, double? frameRate = null, byte colourPrimaries = Unspecified, byte transferCharacteristics = Unspecified)
    {
        if (!header.HasColorConfig || !header.HasFrameSize)
        {
            throw new ArgumentException("a vpcC needs a key frame header (or an intra-only one above profile 0)", nameof(header));
        }

        byte chroma = (header.SubsamplingX, header.SubsamplingY) switch
        {
            (true, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
            _ => throw new NotSupportedException("VP9 4:4:0 has no vpcC chromaSubsampling value"),
        };
        return new Vp9CodecConfigurationRecord(
            (byte)header.Profile,
            Vp9Level.Compute(header.Width, header.Height, frameRate),
            (byte)header.BitDepth,
            chroma,
            header.FullRange,
            colourPrimaries,
            transferCharacteristics,
            MatrixForColorSpace[(int)header.ColorSpace]);
    }

    /// <summary>The vpcC FullBox body (12 bytes) for a key frame header; see <see cref="FromFrameHeader"/>.</summary>
    public static byte[] Build(in Vp9FrameHeader header, double? frameRate = null) =>
        FromFrameHeader(header, frameRate).ToFullBoxBody();

    /// <summary>
    /// Parses a vpcC body with its version and flags (version 1, flags 0), or the 8-byte record alone. A record's third
    /// byte holds a bit depth of 8 or more, so three zero bytes after the first tell the FullBox form apart.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is malformed; the message names the offset.</exception>
    public static Vp9CodecConfigurationRecord Parse(ReadOnlySpan<byte> data)
    {
        int start = 0;
        if (data.Length >= 4 && data[1] == 0 && data[2] == 0 && data[3] == 0)
        {
            if (data[0] != 1)
            {
                throw new InvalidDataException($"vpcC version at offset 0 is {data[0]}, not 1");
            }

            start = 4;
        }

        if (data.Length - start < RecordSize)
        {
            throw new InvalidDataException($"vpcC record at offset {start} is {data.Length - start} bytes, too short ({RecordSize} needed)");
        }

        ReadOnlySpan<byte> record = data[start..];
        int bitDepth = record[2] >> 4;
        if (bitDepth is not (8 or 10 or 12))
        {
            throw new InvalidDataException($"vpcC bitDepth at offset {start + 2} is {bitDepth}, not 8, 10 or 12");
        }

        int chroma = (record[2] >> 1) & 7;
        if (chroma > 3)
        {
            throw new InvalidDataException($"vpcC chromaSubsampling at offset {start + 2} is {chroma}, a reserved value");
        }

        int initializationSize = BinaryPrimitives.ReadUInt16BigEndian(record[6..]);
        if (initializationSize > record.Length - RecordSize)
        {
            throw new InvalidDataException(
                $"vpcC codecInitializationDataSize at offset {start + 6} is {initializationSize}, but {record.Length - RecordSize} bytes follow");
        }

        return new Vp9CodecConfigurationRecord(
            record[0], record[1], (byte)bitDepth, (byte)chroma, (record[2] & 1) != 0, record[3], record[4], record[5]);
    }

    /// <summary>The vpcC FullBox body: version 1, flags 0, the record, no codec initialization data (12 bytes).</summary>
    public byte[] ToFullBoxBody()
    {
        byte[] body = new byte[FullBoxBodySize];
        body[0] = 1;
        WriteRecord(body.AsSpan(4));
        return body;
    }

    /// <summary>The record alone, without version and flags (8 bytes).</summary>
    public byte[] ToRecord()
    {
        byte[] record = new byte[RecordSize];
        WriteRecord(record);
        return record;
    }

    private void WriteRecord(Span<byte> destination)
    {
        destination[0] = Profile;
        destination[1] = Level;
        destination[2] = (byte)((BitDepth << 4) | (ChromaSubsampling << 1) | (VideoFullRangeFlag ? 1 : 0));
        destination[3] = ColourPrimaries;
        destination[4] = TransferCharacteristics;
        destination[5] = MatrixCoefficients;
        destination[6] = 0; // codecInitializationDataSize: VP9 has none
        destination[7] = 0;
    }
}
