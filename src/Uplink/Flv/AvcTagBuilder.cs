using System.Buffers;
using Uplink.Codecs;

namespace Uplink.Flv;

/// <summary>
/// Turns H.264 access units from the video pin (Annex-B, or length-prefixed with a configuration record)
/// into FLV AVC NALU tag bodies with 4-byte NAL lengths (the legacy tag, or on request the Enhanced RTMP avc1 one), tracks the parameter sets (in-band SPS/PPS that
/// differ from the current ones make a new AVCDecoderConfigurationRecord) and marks keyframes from IDR slices.
/// </summary>
internal sealed class AvcTagBuilder : VideoTagBuilder
{
    private readonly int _nalLengthSize;
    private readonly bool _enhanced;
    private byte[]? _sps;
    private byte[]? _pps;
    private int _slices;
    private int _referenceSlices;

    /// <param name="mediaType">The video input's media type.</param>
    /// <param name="enhanced">Send the Enhanced RTMP <c>avc1</c> form instead of the legacy tag.</param>
    public AvcTagBuilder(VideoMediaType mediaType, bool enhanced = false)
    {
        _nalLengthSize = mediaType.NalLengthSize;
        _enhanced = enhanced;
        if (!mediaType.DecoderConfiguration.IsEmpty)
        {
            SetConfiguration(mediaType.DecoderConfiguration.Span);
        }
    }

    public override VideoCodec Codec => VideoCodec.H264;

    /// <summary>The current SPS, parsed (resolution, frame rate), null until known.</summary>
    public H264SequenceParameterSet? SequenceParameterSet { get; private set; }

    public override int? Width => SequenceParameterSet?.Width;

    public override int? Height => SequenceParameterSet?.Height;

    public override double? FrameRate => SequenceParameterSet?.FrameRate;

    /// <summary>Reads the access unit's parameter sets, keyframe and disposable flags without writing anything.</summary>
    /// <returns>True when the access unit holds an IDR slice.</returns>
    public bool Inspect(ReadOnlySpan<byte> accessUnit)
    {
        ReadOnlySpan<byte> sps = default;
        ReadOnlySpan<byte> pps = default;
        bool keyframe = false;
        _slices = 0;
        _referenceSlices = 0;
        if (_nalLengthSize == 0)
        {
            if (!AnnexB.StartsWithStartCode(accessUnit))
            {
                throw new InvalidDataException("video access unit does not start with an Annex-B start code, but the video input was declared Annex-B");
            }

            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
            {
                Classify(nal, ref sps, ref pps, ref keyframe);
            }
        }
        else
        {
            foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(accessUnit, _nalLengthSize))
            {
                Classify(nal, ref sps, ref pps, ref keyframe);
            }
        }

        if (!sps.IsEmpty || !pps.IsEmpty)
        {
            UpdateParameterSets(sps, pps);
        }

        IsNonReference = _slices > 0 && _referenceSlices == 0;
        return keyframe;
    }

    /// <summary>
    /// <see cref="Inspect"/> and <see cref="Write"/> in one pass over an Annex-B access unit (the start code search is the
    /// costly part, so it is done once); a length-prefixed one is inspected and copied as before. The header's frame type
    /// is filled in once the pass knows whether an IDR slice was there.
    /// </summary>
    /// <returns>True when the access unit holds an IDR slice.</returns>
    public override bool InspectAndWrite(ReadOnlySpan<byte> accessUnit, int compositionTimeMs, IBufferWriter<byte> output)
    {
        if (_nalLengthSize != 0)
        {
            bool key = Inspect(accessUnit);
            Write(accessUnit, key, compositionTimeMs, output);
            return key;
        }

        if (!AnnexB.StartsWithStartCode(accessUnit))
        {
            throw new InvalidDataException("video access unit does not start with an Annex-B start code, but the video input was declared Annex-B");
        }

        ReadOnlySpan<byte> sps = default;
        ReadOnlySpan<byte> pps = default;
        bool keyframe = false;
        _slices = 0;
        _referenceSlices = 0;
        int bound = checked(accessUnit.Length + (accessUnit.Length / 3) + 4);
        Span<byte> span = output.GetSpan(HeaderSize(compositionTimeMs) + bound);
        int at = HeaderSize(compositionTimeMs);
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
        {
            Classify(nal, ref sps, ref pps, ref keyframe);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[at..], nal.Length);
            nal.CopyTo(span[(at + 4)..]);
            at += 4 + nal.Length;
        }

        WriteHeader(span, keyframe, compositionTimeMs);
        if (!sps.IsEmpty || !pps.IsEmpty)
        {
            UpdateParameterSets(sps, pps);
        }

        // A non-reference picture (every slice nal_ref_idc 0) predicts nothing: live mode may drop it alone.
        IsNonReference = _slices > 0 && _referenceSlices == 0;
        output.Advance(at);
        return keyframe;
    }

    /// <summary>Writes the NALU tag body (5-byte header, then NAL units with 4-byte lengths) with one <c>GetSpan</c>.</summary>
    public void Write(ReadOnlySpan<byte> accessUnit, bool keyframe, int compositionTimeMs, IBufferWriter<byte> output)
    {
        if (_nalLengthSize == 0)
        {
            // Each NAL unit gains at most one byte (a 3-byte start code becomes a 4-byte length) and takes at least
            // 3 bytes of input with its start code: a bound, so the input is scanned once, while it is converted.
            int bound = checked(accessUnit.Length + (accessUnit.Length / 3) + 4);
            Span<byte> span = output.GetSpan(HeaderSize(compositionTimeMs) + bound);
            WriteHeader(span, keyframe, compositionTimeMs);
            int written = AnnexB.WriteLengthPrefixed(accessUnit, span[HeaderSize(compositionTimeMs)..]);
            output.Advance(HeaderSize(compositionTimeMs) + written);
        }
        else if (_nalLengthSize == 4)
        {
            Span<byte> span = output.GetSpan(HeaderSize(compositionTimeMs) + accessUnit.Length);
            WriteHeader(span, keyframe, compositionTimeMs);
            accessUnit.CopyTo(span[HeaderSize(compositionTimeMs)..]);
            output.Advance(HeaderSize(compositionTimeMs) + accessUnit.Length);
        }
        else
        {
            // 1- or 2-byte lengths grow to 4 bytes each: at most twice the input plus the header.
            Span<byte> span = output.GetSpan(HeaderSize(compositionTimeMs) + (accessUnit.Length * 4));
            WriteHeader(span, keyframe, compositionTimeMs);
            int at = HeaderSize(compositionTimeMs);
            foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(accessUnit, _nalLengthSize))
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[at..], nal.Length);
                nal.CopyTo(span[(at + 4)..]);
                at += 4 + nal.Length;
            }

            output.Advance(at);
        }
    }

    public override void WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration)
    {
        if (_enhanced)
        {
            FlvTags.WriteExSequenceStart(output, VideoCodec.H264, configuration, Form);
        }
        else
        {
            FlvTags.WriteAvcSequenceHeader(output, configuration);
        }
    }

    public override bool IsEnhanced => _enhanced;

    /// <summary>The frame header's size: 5 bytes legacy; extended, 8 with a composition time and 5 without (CodedFramesX).</summary>
    private int HeaderSize(int compositionTimeMs) => _enhanced ? FlvTags.ExCodedFramesHeaderSize(compositionTimeMs, Form) : FlvTags.VideoHeaderSize;

    private void WriteHeader(Span<byte> span, bool keyframe, int compositionTimeMs)
    {
        if (_enhanced)
        {
            FlvTags.WriteExCodedFramesHeader(span, keyframe, VideoCodec.H264, compositionTimeMs, Form);
        }
        else
        {
            FlvTags.WriteVideoHeader(span, keyframe, FlvTags.AvcNalu, compositionTimeMs);
        }
    }

    public override string DeclaredForm => _nalLengthSize > 0
        ? $"the video media type says H.264 NAL units with {_nalLengthSize}-byte length prefixes (AVCC): is this Annex-B, or not H.264 at all?"
        : "the video media type says H.264 Annex-B (start codes)";

    /// <summary>Adopts a new AVCDecoderConfigurationRecord (a mid-stream format change), when it differs from the current one.</summary>
    public override void SetConfiguration(ReadOnlySpan<byte> decoderConfigurationRecord)
    {
        if (DecoderConfiguration is not null && decoderConfigurationRecord.SequenceEqual(DecoderConfiguration))
        {
            return;
        }

        var record = AvcDecoderConfigurationRecord.Parse(decoderConfigurationRecord);
        if (record.SequenceParameterSets.Count > 0)
        {
            _sps = record.SequenceParameterSets[0];
            SequenceParameterSet = H264SequenceParameterSet.Parse(_sps);
        }

        if (record.PictureParameterSets.Count > 0)
        {
            _pps = record.PictureParameterSets[0];
        }

        DecoderConfiguration = decoderConfigurationRecord.ToArray();
        ConfigurationChanged = true;
    }

    private void Classify(ReadOnlySpan<byte> nal, ref ReadOnlySpan<byte> sps, ref ReadOnlySpan<byte> pps, ref bool keyframe)
    {
        if (nal.IsEmpty)
        {
            return;
        }

        var type = (H264NalUnitType)(nal[0] & 0x1F);
        if (type is >= H264NalUnitType.NonIdrSlice and <= H264NalUnitType.Idr)
        {
            _slices++;
            if ((nal[0] & 0x60) != 0)
            {
                _referenceSlices++;
            }
        }

        switch (type)
        {
            case H264NalUnitType.Idr:
                keyframe = true;
                break;
            case H264NalUnitType.Sps:
                if (sps.IsEmpty)
                {
                    sps = nal;
                }

                break;
            case H264NalUnitType.Pps:
                if (pps.IsEmpty)
                {
                    pps = nal;
                }

                break;
            default:
                break;
        }
    }

    private void UpdateParameterSets(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        bool spsChanged = !sps.IsEmpty && (_sps is null || !sps.SequenceEqual(_sps));
        bool ppsChanged = !pps.IsEmpty && (_pps is null || !pps.SequenceEqual(_pps));
        if (!spsChanged && !ppsChanged)
        {
            return;
        }

        if (spsChanged)
        {
            SequenceParameterSet = H264SequenceParameterSet.Parse(sps);
            _sps = sps.ToArray();
        }

        if (ppsChanged)
        {
            _pps = pps.ToArray();
        }

        if (_sps is not null && _pps is not null)
        {
            DecoderConfiguration = AvcDecoderConfigurationRecord.Build(_sps, _pps);
            ConfigurationChanged = true;
        }
    }
}
