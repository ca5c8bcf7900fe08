using System.Buffers;
using Uplink.Codecs.Hevc;

namespace Uplink.Flv;

/// <summary>
/// HEVC access units (Annex-B, or length-prefixed with an hvcC) as Enhanced RTMP <c>hvc1</c> tags: CodedFrames with a
/// composition time, or CodedFramesX when it is zero, NAL units with 4-byte lengths. In-band VPS/SPS/PPS that differ
/// from the current ones make a new hvcC.
/// </summary>
internal sealed class HevcTagBuilder : VideoTagBuilder
{
    private readonly int _nalLengthSize;
    private readonly HevcParameterSets _parameterSets = new();

    public HevcTagBuilder(VideoMediaType mediaType)
    {
        _nalLengthSize = mediaType.NalLengthSize;
        if (!mediaType.DecoderConfiguration.IsEmpty)
        {
            SetConfiguration(mediaType.DecoderConfiguration.Span);
        }
    }

    public override VideoCodec Codec => VideoCodec.Hevc;

    public override int? Width => _parameterSets.SequenceParameterSet?.Width;

    public override int? Height => _parameterSets.SequenceParameterSet?.Height;

    public override double? FrameRate => _parameterSets.SequenceParameterSet?.FrameRate;

    public override string DeclaredForm => _nalLengthSize > 0
        ? $"the video media type says HEVC NAL units with {_nalLengthSize}-byte length prefixes (hvcC): is this Annex-B, or not HEVC at all?"
        : "the video media type says HEVC Annex-B (start codes)";

    public override bool InspectAndWrite(ReadOnlySpan<byte> accessUnit, int compositionTimeMs, IBufferWriter<byte> output)
    {
        HevcAccessUnitInfo info = HevcAccessUnit.Inspect(accessUnit, _nalLengthSize, _parameterSets);
        if (info.VclNalUnits == 0)
        {
            throw new InvalidDataException("the access unit holds no coded slice (HEVC NAL types 0 to 31)");
        }

        if (info.ParameterSetsChanged && _parameterSets.IsComplete)
        {
            DecoderConfiguration = _parameterSets.BuildConfigurationRecord();
            ConfigurationChanged = true;
        }

        ExTrack form = Form;
        int header = FlvTags.ExCodedFramesHeaderSize(compositionTimeMs, form);
        Span<byte> span = output.GetSpan(header + info.SampleSize);
        FlvTags.WriteExCodedFramesHeader(span, info.IsKeyframe, VideoCodec.Hevc, compositionTimeMs, form);
        int written = HevcAccessUnit.WriteSample(accessUnit, _nalLengthSize, span[header..]);
        IsNonReference = info.IsNonReference;
        output.Advance(header + written);
        return info.IsKeyframe;
    }

    public override void WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration) =>
        FlvTags.WriteExSequenceStart(output, VideoCodec.Hevc, configuration, Form);

    public override bool WriteColorInfo(IBufferWriter<byte> output)
    {
        HevcSequenceParameterSet? sps = _parameterSets.SequenceParameterSet;
        return sps is not null && ColorInfo.Write(output, VideoCodec.Hevc, Form, sps.BitDepthLuma, sps.ColourPrimaries, sps.TransferCharacteristics, sps.MatrixCoefficients);
    }

    public override void SetConfiguration(ReadOnlySpan<byte> decoderConfigurationRecord)
    {
        if (DecoderConfiguration is not null && decoderConfigurationRecord.SequenceEqual(DecoderConfiguration))
        {
            return;
        }

        _parameterSets.Load(HevcDecoderConfigurationRecord.Parse(decoderConfigurationRecord));
        byte[] record = decoderConfigurationRecord.ToArray();

        // Samples go out with 4-byte lengths whatever the input's; the record must say so (lengthSizeMinusOne = 3).
        record[21] |= 0x03;
        DecoderConfiguration = record;
        ConfigurationChanged = true;
    }
}
