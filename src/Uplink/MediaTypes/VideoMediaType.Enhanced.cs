using System.Globalization;
using System.Text;
using Uplink.Codecs.Av1;
using Uplink.Codecs.Hevc;
using Uplink.Codecs.Vp9;

namespace Uplink;

/// <summary>The Enhanced RTMP video codecs: HEVC, AV1 and VP9.</summary>
public sealed partial class VideoMediaType
{
    /// <summary>HEVC Annex-B samples carrying their VPS, SPS and PPS in band.</summary>
    public static VideoMediaType HevcAnnexB { get; } = new(0, [], null, VideoCodec.Hevc);

    /// <summary>A media type that names the codec alone (the relay's, whose frames arrive as built tags).</summary>
    internal static VideoMediaType OfCodec(VideoCodec codec) => codec switch
    {
        VideoCodec.Hevc => HevcAnnexB,
        VideoCodec.Av1 => Av1InBand,
        VideoCodec.Vp9 => Vp9InBand,
        _ => H264AnnexB,
    };

    /// <summary>AV1 temporal units (low-overhead OBUs) with a sequence header OBU in band before the first frame.</summary>
    public static VideoMediaType Av1() => Av1InBand;

    /// <summary>VP9 frames (or superframes); the configuration record is made from the first key frame.</summary>
    public static VideoMediaType Vp9() => Vp9InBand;

    private static VideoMediaType Av1InBand { get; } = new(0, [], null, VideoCodec.Av1);

    private static VideoMediaType Vp9InBand { get; } = new(0, [], null, VideoCodec.Vp9);

    /// <summary>Length-prefixed HEVC samples described by an HEVCDecoderConfigurationRecord.</summary>
    /// <param name="hevcDecoderConfigurationRecord">The hvcC; its lengthSizeMinusOne gives the samples' NAL length size.</param>
    /// <exception cref="ArgumentException">The record is malformed or holds no SPS.</exception>
    public static VideoMediaType Hevc(ReadOnlySpan<byte> hevcDecoderConfigurationRecord)
    {
        HevcDecoderConfigurationRecord record;
        HevcSequenceParameterSet? sps = null;
        try
        {
            record = HevcDecoderConfigurationRecord.Parse(hevcDecoderConfigurationRecord);
            if (record.SequenceParameterSets.Count > 0)
            {
                HevcSequenceParameterSet.TryParse(record.SequenceParameterSets[0], out sps);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"hvcC: {e.Message}", nameof(hevcDecoderConfigurationRecord), e);
        }

        HevcProfileTierLevel level = record.ProfileTierLevel;
        return new VideoMediaType(record.NalLengthSize, hevcDecoderConfigurationRecord.ToArray(), $"{level.ProfileName} {level.LevelName}", VideoCodec.Hevc)
        {
            Width = sps?.Width,
            Height = sps?.Height,
            FrameRate = sps?.FrameRate ?? (record.AverageFrameRate > 0 ? record.AverageFrameRate / 256d : null),
        };
    }

    /// <summary>AV1 temporal units described by an AV1CodecConfigurationRecord.</summary>
    /// <param name="av1CodecConfigurationRecord">The av1C (four header bytes, then configOBUs, usually the sequence header).</param>
    /// <exception cref="ArgumentException">The record is malformed.</exception>
    public static VideoMediaType Av1(ReadOnlySpan<byte> av1CodecConfigurationRecord)
    {
        Av1CodecConfigurationRecord record;
        try
        {
            record = Av1CodecConfigurationRecord.Parse(av1CodecConfigurationRecord);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"av1C: {e.Message}", nameof(av1CodecConfigurationRecord), e);
        }

        Av1SequenceHeader? sequence = record.SequenceHeader;
        return new VideoMediaType(0, av1CodecConfigurationRecord.ToArray(), sequence is null ? null : $"{sequence.ProfileName} {sequence.LevelName}", VideoCodec.Av1)
        {
            Width = sequence?.MaxFrameWidth,
            Height = sequence?.MaxFrameHeight,
            FrameRate = sequence?.FrameRate,
        };
    }

    /// <summary>VP9 frames described by a VPCodecConfigurationRecord.</summary>
    /// <param name="vpCodecConfigurationRecord">The vpcC: the 8-byte record, or the box body with its version (1) and flags first.</param>
    /// <exception cref="ArgumentException">The record is malformed.</exception>
    public static VideoMediaType Vp9(ReadOnlySpan<byte> vpCodecConfigurationRecord)
    {
        Vp9CodecConfigurationRecord record;
        try
        {
            record = Vp9CodecConfigurationRecord.Parse(vpCodecConfigurationRecord);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"vpcC: {e.Message}", nameof(vpCodecConfigurationRecord), e);
        }

        string level = record.Level == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" {record.Level / 10}.{record.Level % 10}");
        return new VideoMediaType(0, record.ToFullBoxBody(), string.Create(CultureInfo.InvariantCulture, $"Profile {record.Profile}{level}"), VideoCodec.Vp9);
    }

    private string DescribeEnhanced()
    {
        var text = new StringBuilder(Codecs.StreamDescription.Name(Codec));
        if (DecoderConfiguration.IsEmpty)
        {
            return text.Append(Codec switch
            {
                VideoCodec.Hevc => ", Annex-B, in-band parameter sets",
                VideoCodec.Av1 => ", sequence header in band",
                _ => ", configuration from the first key frame",
            }).ToString();
        }

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

        if (Codec == VideoCodec.Hevc)
        {
            text.Append(CultureInfo.InvariantCulture, $", {NalLengthSize}-byte NAL lengths");
        }

        return text.ToString();
    }
}
