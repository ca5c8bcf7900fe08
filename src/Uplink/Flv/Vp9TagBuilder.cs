using System.Buffers;
using Uplink.Codecs.Vp9;

namespace Uplink.Flv;

/// <summary>
/// VP9 frames or superframes as Enhanced RTMP <c>vp09</c> CodedFrames (no composition time), sent as they come. The
/// vpcC is the caller's, or made from the first key frame (and renewed when a key frame changes profile, bit depth,
/// colour or size).
/// </summary>
internal sealed class Vp9TagBuilder : VideoTagBuilder
{
    private readonly Vp9SampleInspector _inspector;
    private readonly bool _configurationGiven;

    public Vp9TagBuilder(VideoMediaType mediaType)
    {
        _inspector = new Vp9SampleInspector(mediaType.FrameRate);
        if (!mediaType.DecoderConfiguration.IsEmpty)
        {
            // The container's record is authoritative: it knows primaries and transfer, which the bitstream does not.
            _configurationGiven = true;
            SetConfiguration(mediaType.DecoderConfiguration.Span);
        }
    }

    public override VideoCodec Codec => VideoCodec.Vp9;

    public override bool CarriesCompositionTime => false;

    public override int? Width => _inspector.LastKeyFrame?.Width;

    public override int? Height => _inspector.LastKeyFrame?.Height;

    public override double? FrameRate => null;

    public override string DeclaredForm => "the video media type says VP9 frames or superframes";

    public override bool InspectAndWrite(ReadOnlySpan<byte> accessUnit, int compositionTimeMs, IBufferWriter<byte> output)
    {
        Vp9SampleInfo info = _inspector.Inspect(accessUnit);
        if (_inspector.ConfigurationChanged)
        {
            _inspector.ConfigurationChanged = false;
            if (!_configurationGiven)
            {
                DecoderConfiguration = _inspector.CodecConfiguration;
                ConfigurationChanged = true;
            }
        }

        ExTrack form = Form;
        Span<byte> span = output.GetSpan(form.HeaderSize + accessUnit.Length);
        int header = FlvTags.WriteExVideoHeader(span, info.IsKeyframe ? FlvTags.KeyFrame : FlvTags.InterFrame, FlvTags.ExCodedFrames, VideoCodec.Vp9, form);
        accessUnit.CopyTo(span[header..]);
        IsNonReference = false;
        output.Advance(header + accessUnit.Length);
        return info.IsKeyframe;
    }

    public override void WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration) =>
        FlvTags.WriteExSequenceStart(output, VideoCodec.Vp9, configuration, Form);

    public override bool WriteColorInfo(IBufferWriter<byte> output)
    {
        if (DecoderConfiguration is null)
        {
            return false;
        }

        Vp9CodecConfigurationRecord record = Vp9CodecConfigurationRecord.Parse(DecoderConfiguration);
        return ColorInfo.Write(output, VideoCodec.Vp9, Form, record.BitDepth, record.ColourPrimaries, record.TransferCharacteristics, record.MatrixCoefficients);
    }

    public override void SetConfiguration(ReadOnlySpan<byte> decoderConfigurationRecord)
    {
        byte[] body = Vp9CodecConfigurationRecord.Parse(decoderConfigurationRecord).ToFullBoxBody();
        if (DecoderConfiguration is not null && body.AsSpan().SequenceEqual(DecoderConfiguration))
        {
            return;
        }

        DecoderConfiguration = body;
        ConfigurationChanged = true;
    }
}
