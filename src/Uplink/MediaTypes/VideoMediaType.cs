using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Uplink.Codecs;

namespace Uplink;

/// <summary>
/// What the video input accepts: H.264 or HEVC, either as Annex-B samples with in-band parameter sets or length-prefixed
/// with a decoder configuration record (from the caller, a container, or a DirectShow MPEG2VIDEOINFO block); AV1 temporal
/// units (OBUs) and VP9 frames, with their configuration record or with the configuration taken from the stream itself.
/// </summary>
public sealed partial class VideoMediaType
{
    private const int Mpeg2VideoInfoHeaderSize = 132;
    private const int VideoInfoHeader2BitRateOffset = 32;
    private const int VideoInfoHeader2AvgTimePerFrameOffset = 40;
    private const int BitmapInfoHeaderWidthOffset = 76;
    private const int BitmapInfoHeaderHeightOffset = 80;
    private const int CbSequenceHeaderOffset = 116;
    private const int DwFlagsOffset = 128;

    private readonly string? _profileAndLevel;

    private VideoMediaType(int nalLengthSize, byte[] decoderConfiguration, string? profileAndLevel, VideoCodec codec = VideoCodec.H264)
    {
        Codec = codec;
        NalLengthSize = nalLengthSize;
        DecoderConfiguration = decoderConfiguration;
        _profileAndLevel = profileAndLevel;
    }

    /// <summary>H.264 Annex-B samples carrying their SPS and PPS in band.</summary>
    public static VideoMediaType H264AnnexB { get; } = new(0, [], null);

    /// <summary>The codec of the samples.</summary>
    public VideoCodec Codec { get; }

    /// <summary>
    /// The size of the NAL length prefixes in H.264 or HEVC samples (1, 2 or 4), or 0 when samples are Annex-B
    /// (start codes); 0 for AV1 and VP9.
    /// </summary>
    public int NalLengthSize { get; }

    /// <summary>
    /// The decoder configuration record sent as the sequence header — avcC (H.264), hvcC (HEVC), av1C (AV1) or vpcC
    /// (VP9) — or empty when the configuration comes in band. An avcC's NAL length size equals <see cref="NalLengthSize"/>
    /// for length-prefixed samples and is 4 for Annex-B samples (which are sent with 4-byte lengths).
    /// </summary>
    public ReadOnlyMemory<byte> DecoderConfiguration { get; }

    /// <summary>Picture width in pixels, when known.</summary>
    public int? Width { get; private init; }

    /// <summary>Picture height in pixels, when known.</summary>
    public int? Height { get; private init; }

    /// <summary>Frames per second, when known (DirectShow AvgTimePerFrame first, then the SPS VUI timing).</summary>
    public double? FrameRate { get; private init; }

    /// <summary>Bit rate in bits per second, when known (DirectShow dwBitRate).</summary>
    public long? BitRate { get; private init; }

    /// <summary>Length-prefixed H.264 samples described by an AVCDecoderConfigurationRecord.</summary>
    /// <param name="avcDecoderConfigurationRecord">The avcC; its lengthSizeMinusOne gives the samples' NAL length size.</param>
    /// <exception cref="ArgumentException">The record is malformed.</exception>
    public static VideoMediaType H264(ReadOnlySpan<byte> avcDecoderConfigurationRecord)
    {
        AvcDecoderConfigurationRecord record;
        try
        {
            record = AvcDecoderConfigurationRecord.Parse(avcDecoderConfigurationRecord);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, nameof(avcDecoderConfigurationRecord), e);
        }

        return FromParameterSets(record.NalLengthSize, avcDecoderConfigurationRecord.ToArray(), record.SequenceParameterSets[0], null);
    }

    /// <summary>
    /// Builds the media type from a DirectShow AM_MEDIA_TYPE: MEDIATYPE_Video, subtype 'H264' or 'h264', format
    /// FORMAT_MPEG2_VIDEO (an MPEG2VIDEOINFO whose sequence header holds the SPS and PPS) or FORMAT_None
    /// (parameter sets in band).
    /// </summary>
    /// <param name="majorType">AM_MEDIA_TYPE.majortype.</param>
    /// <param name="subtype">AM_MEDIA_TYPE.subtype.</param>
    /// <param name="formatType">AM_MEDIA_TYPE.formattype.</param>
    /// <param name="formatBlock">The cbFormat bytes at AM_MEDIA_TYPE.pbFormat (ignored for FORMAT_None).</param>
    /// <exception cref="NotSupportedException">Not H.264, or a format type other than the two accepted.</exception>
    /// <exception cref="ArgumentException">The MPEG2VIDEOINFO block is malformed.</exception>
    public static VideoMediaType FromDirectShow(Guid majorType, Guid subtype, Guid formatType, ReadOnlySpan<byte> formatBlock)
    {
        if (majorType != DirectShowGuids.MediaTypeVideo)
        {
            throw new NotSupportedException($"video input accepts MEDIATYPE_Video only, got {DirectShowGuids.Describe(majorType)}");
        }

        if (subtype != DirectShowGuids.SubtypeH264 && subtype != DirectShowGuids.SubtypeH264Lowercase)
        {
            throw new NotSupportedException($"video input accepts H.264 only, got {DirectShowGuids.Describe(subtype)}");
        }

        if (formatType == DirectShowGuids.FormatNone)
        {
            return H264AnnexB;
        }

        if (formatType != DirectShowGuids.FormatMpeg2Video)
        {
            throw new NotSupportedException(
                $"video input accepts FORMAT_MPEG2_VIDEO or FORMAT_None, got {DirectShowGuids.Describe(formatType)}");
        }

        return FromMpeg2VideoInfo(formatBlock);
    }

    /// <summary>Describes the media type, for example "H.264 High 3.1, 1280x720, 25 fps, 4-byte NAL lengths".</summary>
    public override string ToString()
    {
        if (Codec != VideoCodec.H264)
        {
            return DescribeEnhanced();
        }

        if (DecoderConfiguration.IsEmpty)
        {
            return "H.264, Annex-B, in-band parameter sets";
        }

        var text = new StringBuilder("H.264");
        if (_profileAndLevel is not null)
        {
            text.Append(' ').Append(_profileAndLevel);
        }

        if (Width is int width && Height is int height)
        {
            text.Append(CultureInfo.InvariantCulture, $", {width}x{height}");
        }

        if (FrameRate is double frameRate)
        {
            text.Append(", ").Append(frameRate.ToString("0.###", CultureInfo.InvariantCulture)).Append(" fps");
        }

        text.Append(NalLengthSize == 0
            ? ", Annex-B, out-of-band parameter sets"
            : string.Create(CultureInfo.InvariantCulture, $", {NalLengthSize}-byte NAL lengths"));
        return text.ToString();
    }

    private static VideoMediaType FromMpeg2VideoInfo(ReadOnlySpan<byte> block)
    {
        if (block.Length < Mpeg2VideoInfoHeaderSize)
        {
            throw new ArgumentException(
                $"MPEG2VIDEOINFO block is {block.Length} bytes, too short (at least {Mpeg2VideoInfoHeaderSize} needed)", nameof(block));
        }

        uint sequenceHeaderSize = BinaryPrimitives.ReadUInt32LittleEndian(block[CbSequenceHeaderOffset..]);
        if (sequenceHeaderSize > (uint)(block.Length - Mpeg2VideoInfoHeaderSize))
        {
            throw new ArgumentException(
                $"MPEG2VIDEOINFO cbSequenceHeader {sequenceHeaderSize} at offset {CbSequenceHeaderOffset} overruns the block " +
                $"({block.Length - Mpeg2VideoInfoHeaderSize} bytes after offset {Mpeg2VideoInfoHeaderSize})", nameof(block));
        }

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(block[DwFlagsOffset..]);
        if (flags is not (0 or 1 or 2 or 4))
        {
            throw new ArgumentException(
                $"MPEG2VIDEOINFO dwFlags {flags} at offset {DwFlagsOffset} is not a NAL length size (0 for Annex-B, 1, 2 or 4)", nameof(block));
        }

        ReadOnlySpan<byte> sequenceHeader = block.Slice(Mpeg2VideoInfoHeaderSize, (int)sequenceHeaderSize);
        var sps = new List<ReadOnlyMemory<byte>>();
        var pps = new List<ReadOnlyMemory<byte>>();
        if (AnnexB.StartsWithStartCode(sequenceHeader))
        {
            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(sequenceHeader))
            {
                Collect(nal, sps, pps);
            }
        }
        else
        {
            int offset = 0;
            while (offset < sequenceHeader.Length)
            {
                int left = sequenceHeader.Length - offset;
                int length = left >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(sequenceHeader[offset..]) : int.MaxValue;
                if (length > left - 2)
                {
                    throw new ArgumentException(
                        $"MPEG2VIDEOINFO sequence header: parameter set length at offset {Mpeg2VideoInfoHeaderSize + offset} " +
                        "overruns cbSequenceHeader (expected 2-byte big-endian lengths or Annex-B start codes)", nameof(block));
                }

                Collect(sequenceHeader.Slice(offset + 2, length), sps, pps);
                offset += 2 + length;
            }
        }

        if (sps.Count == 0 || pps.Count == 0)
        {
            throw new ArgumentException(
                $"MPEG2VIDEOINFO sequence header ({sequenceHeaderSize} bytes at offset {Mpeg2VideoInfoHeaderSize}) holds " +
                $"{sps.Count} SPS and {pps.Count} PPS; at least one of each is needed", nameof(block));
        }

        byte[] record = AvcDecoderConfigurationRecord.Build(sps, pps, flags == 0 ? 4 : (int)flags);
        long averageTimePerFrame = BinaryPrimitives.ReadInt64LittleEndian(block[VideoInfoHeader2AvgTimePerFrameOffset..]);
        uint bitRate = BinaryPrimitives.ReadUInt32LittleEndian(block[VideoInfoHeader2BitRateOffset..]);
        int bitmapWidth = BinaryPrimitives.ReadInt32LittleEndian(block[BitmapInfoHeaderWidthOffset..]);
        int bitmapHeight = BinaryPrimitives.ReadInt32LittleEndian(block[BitmapInfoHeaderHeightOffset..]);
        return FromParameterSets(
            (int)flags,
            record,
            sps.Find(static nal => (nal.Span[0] & 0x1F) == (int)H264NalUnitType.Sps).Span,
            new DirectShowHints(
                averageTimePerFrame > 0 ? 10_000_000.0 / averageTimePerFrame : null,
                bitRate > 0 ? bitRate : null,
                bitmapWidth > 0 ? bitmapWidth : null,
                bitmapHeight is not 0 and not int.MinValue ? Math.Abs(bitmapHeight) : null));
    }

    private static void Collect(ReadOnlySpan<byte> nal, List<ReadOnlyMemory<byte>> sps, List<ReadOnlyMemory<byte>> pps)
    {
        if (nal.IsEmpty)
        {
            return;
        }

        switch ((H264NalUnitType)(nal[0] & 0x1F))
        {
            case H264NalUnitType.Sps or H264NalUnitType.SpsExtension:
                sps.Add(nal.ToArray());
                break;
            case H264NalUnitType.Pps:
                pps.Add(nal.ToArray());
                break;
            default:
                break; // AUD, SEI and the like are not parameter sets
        }
    }

    private static VideoMediaType FromParameterSets(
        int nalLengthSize, byte[] record, ReadOnlySpan<byte> firstSps, DirectShowHints? hints)
    {
        H264SequenceParameterSet.TryParse(firstSps, out H264SequenceParameterSet? sps);
        return new VideoMediaType(nalLengthSize, record, sps is null ? null : $"{sps.ProfileName} {sps.LevelName}")
        {
            Width = sps?.Width ?? hints?.Width,
            Height = sps?.Height ?? hints?.Height,
            FrameRate = hints?.FrameRate ?? sps?.FrameRate,
            BitRate = hints?.BitRate,
        };
    }

    private sealed record DirectShowHints(double? FrameRate, long? BitRate, int? Width, int? Height);
}
