using System.Buffers;

using Uplink.Codecs;

namespace Uplink.Flv;

/// <summary>
/// Turns the video input's samples into FLV video tag bodies for one codec: it finds keyframes and frames no other
/// depends on, follows the codec configuration (a change makes a new sequence header) and writes each frame in the
/// form RTMP carries it — the legacy AVC tag for H.264, the Enhanced RTMP FourCC tag for HEVC, AV1 and VP9.
/// </summary>
internal abstract class VideoTagBuilder
{
    public abstract VideoCodec Codec { get; }

    /// <summary>The track this builder writes (0, the default track; others go out as Multitrack packets naming it).</summary>
    public byte TrackId { get; init; }

    /// <summary>The sub-millisecond part of the timestamp of the frame being written, in ns (ModEx); 0 otherwise.</summary>
    public int NanoOffset { get; set; }

    /// <summary>The extended header's form for what is written now.</summary>
    protected ExTrack Form => new(TrackId, NanoOffset);

    /// <summary>The codec as messages name it: H.264, HEVC, AV1, VP9.</summary>
    public string CodecName => StreamDescription.Name(Codec);

    /// <summary>The current decoder configuration record (avcC, hvcC, av1C, vpcC), null until known.</summary>
    public byte[]? DecoderConfiguration { get; protected set; }

    /// <summary>True when <see cref="DecoderConfiguration"/> changed since the caller last cleared it (a sequence header is due).</summary>
    public bool ConfigurationChanged { get; set; }

    /// <summary>True when the frame last written is one no other frame depends on, so live mode may drop it alone.</summary>
    public bool IsNonReference { get; protected set; }

    /// <summary>False for codecs whose frames carry no composition time offset (AV1, VP9): PTS must equal DTS.</summary>
    public virtual bool CarriesCompositionTime => true;

    /// <summary>Picture width from the configuration, when known.</summary>
    public abstract int? Width { get; }

    /// <summary>Picture height from the configuration, when known.</summary>
    public abstract int? Height { get; }

    /// <summary>Frame rate from the configuration, when known.</summary>
    public abstract double? FrameRate { get; }

    /// <summary>True when the tags carry the Enhanced RTMP header (a FourCC); false for the legacy H.264 tag.</summary>
    public virtual bool IsEnhanced => true;

    /// <summary>The <c>videocodecid</c> onMetaData gives: 7 for legacy H.264, the FourCC as a number otherwise.</summary>
    public double MetadataCodecId => IsEnhanced ? FlvTags.FourCcOf(Codec) : 7;

    /// <summary>What the media type declares, for the message of a frame that is not in that form.</summary>
    public abstract string DeclaredForm { get; }

    /// <param name="mediaType">The track's media type.</param>
    /// <param name="enhancedH264">Send H.264 in the extended <c>avc1</c> form (always so on tracks other than 0: a Multitrack packet has no legacy form).</param>
    /// <param name="trackId">The track's id.</param>
    public static VideoTagBuilder Create(VideoMediaType mediaType, bool enhancedH264 = false, byte trackId = 0) => mediaType.Codec switch
    {
        VideoCodec.H264 => new AvcTagBuilder(mediaType, enhancedH264 || trackId > 0) { TrackId = trackId },
        VideoCodec.Hevc => new HevcTagBuilder(mediaType) { TrackId = trackId },
        VideoCodec.Av1 => new Av1TagBuilder(mediaType) { TrackId = trackId },
        VideoCodec.Vp9 => new Vp9TagBuilder(mediaType) { TrackId = trackId },
        _ => throw new NotSupportedException($"video codec {mediaType.Codec} is not supported"),
    };

    /// <summary>Reads one frame and writes its tag body, in one pass where the codec allows.</summary>
    /// <returns>True when the frame is a keyframe (a random access point).</returns>
    /// <exception cref="InvalidDataException">The frame is malformed or not in the declared form.</exception>
    public abstract bool InspectAndWrite(ReadOnlySpan<byte> accessUnit, int compositionTimeMs, IBufferWriter<byte> output);

    /// <summary>Writes the sequence header tag body for <paramref name="configuration"/>.</summary>
    public abstract void WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration);

    /// <summary>Writes the tag body that ends the sequence, or nothing when the codec's legacy form has none worth sending.</summary>
    /// <returns>False when nothing was written.</returns>
    public virtual bool WriteSequenceEnd(IBufferWriter<byte> output)
    {
        if (!IsEnhanced)
        {
            return false;
        }

        ExTrack form = Form;
        Span<byte> span = output.GetSpan(form.HeaderSize);
        output.Advance(FlvTags.WriteExVideoHeader(span, FlvTags.KeyFrame, FlvTags.ExSequenceEnd, Codec, form));
        return true;
    }

    /// <summary>
    /// The HDR <c>colorInfo</c> metadata packet for the current configuration, or false when the stream signals no HDR
    /// (then none is sent: SDR needs no hint).
    /// </summary>
    public virtual bool WriteColorInfo(IBufferWriter<byte> output) => false;

    /// <summary>Adopts a configuration record given mid-stream, when it differs from the current one.</summary>
    /// <exception cref="InvalidDataException">The record is malformed.</exception>
    public abstract void SetConfiguration(ReadOnlySpan<byte> decoderConfigurationRecord);
}
