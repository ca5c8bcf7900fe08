using System.Buffers;
using Uplink.Codecs.Av1;

namespace Uplink.Flv;

/// <summary>
/// AV1 temporal units as Enhanced RTMP <c>av01</c> CodedFrames (no composition time: AV1 frames are sent in display
/// order), without the OBUs a sample leaves out (temporal delimiters, padding, tile lists, redundant frame headers).
/// A sequence header OBU that differs from the current one makes a new av1C.
/// </summary>
internal sealed class Av1TagBuilder : VideoTagBuilder
{
    private readonly Av1TemporalUnitInspector _inspector = new();

    public Av1TagBuilder(VideoMediaType mediaType)
    {
        if (!mediaType.DecoderConfiguration.IsEmpty)
        {
            SetConfiguration(mediaType.DecoderConfiguration.Span);
        }
    }

    public override VideoCodec Codec => VideoCodec.Av1;

    public override bool CarriesCompositionTime => false;

    public override int? Width => _inspector.SequenceHeader?.MaxFrameWidth;

    public override int? Height => _inspector.SequenceHeader?.MaxFrameHeight;

    public override double? FrameRate => _inspector.SequenceHeader?.FrameRate;

    public override string DeclaredForm => "the video media type says AV1 temporal units (low-overhead OBUs with obu_size)";

    public override bool InspectAndWrite(ReadOnlySpan<byte> accessUnit, int compositionTimeMs, IBufferWriter<byte> output)
    {
        Av1TemporalUnitInfo info = _inspector.Inspect(accessUnit);
        if (info.FrameCount == 0)
        {
            throw new InvalidDataException("the temporal unit holds no frame (no OBU_FRAME or OBU_FRAME_HEADER)");
        }

        if (_inspector.ConfigurationChanged)
        {
            _inspector.ConfigurationChanged = false;
            DecoderConfiguration = _inspector.CodecConfiguration;
            ConfigurationChanged = true;
        }

        ExTrack form = Form;
        Span<byte> span = output.GetSpan(form.HeaderSize + info.KeptLength);
        int header = FlvTags.WriteExVideoHeader(span, info.IsKeyframe ? FlvTags.KeyFrame : FlvTags.InterFrame, FlvTags.ExCodedFrames, VideoCodec.Av1, form);
        if (info.KeptOffset >= 0)
        {
            accessUnit.Slice(info.KeptOffset, info.KeptLength).CopyTo(span[header..]);
        }
        else
        {
            Av1TemporalUnitInspector.CopyKept(accessUnit, span[header..]);
        }

        IsNonReference = info.IsDisposable;
        output.Advance(header + info.KeptLength);
        return info.IsKeyframe;
    }

    public override void WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration) =>
        FlvTags.WriteExSequenceStart(output, VideoCodec.Av1, configuration, Form);

    public override bool WriteColorInfo(IBufferWriter<byte> output)
    {
        Av1ColorConfig? color = _inspector.SequenceHeader?.ColorConfig;
        return color is not null && ColorInfo.Write(output, VideoCodec.Av1, Form, color.BitDepth, color.ColorPrimaries, color.TransferCharacteristics, color.MatrixCoefficients);
    }

    public override void SetConfiguration(ReadOnlySpan<byte> decoderConfigurationRecord)
    {
        _inspector.SetConfiguration(decoderConfigurationRecord);
        if (_inspector.ConfigurationChanged)
        {
            _inspector.ConfigurationChanged = false;
            DecoderConfiguration = _inspector.CodecConfiguration;
            ConfigurationChanged = true;
        }
    }
}
