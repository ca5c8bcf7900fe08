using System.Buffers;

namespace Uplink.Flv;

/// <summary>
/// Turns the audio input's frames into FLV audio tag bodies for one codec: it follows the codec configuration (a change
/// makes a new sequence header), splits writes that hold several self-delimiting frames, and writes each frame in the
/// form RTMP carries it — the legacy tag for AAC and MP3, the Enhanced RTMP FourCC tag for Opus, FLAC, AC-3 and E-AC-3.
/// </summary>
internal abstract class AudioTagBuilder
{
    public abstract AudioCodec Codec { get; }

    /// <summary>The track this builder writes (0, the default track; others go out as Multitrack packets naming it).</summary>
    public byte TrackId { get; init; }

    /// <summary>The sub-millisecond part of the timestamp of the frame being written, in ns (ModEx); 0 otherwise.</summary>
    public int NanoOffset { get; set; }

    /// <summary>The extended header's form for what is written now.</summary>
    protected ExTrack Form => new(TrackId, NanoOffset);

    /// <summary>
    /// What the sequence header carries (AudioSpecificConfig, OpusHead, FLAC STREAMINFO; empty for AC-3, E-AC-3 and MP3
    /// once their first frame is seen); null until known, and frames before it cannot be sent.
    /// </summary>
    public byte[]? Configuration { get; protected set; }

    /// <summary>True when <see cref="Configuration"/> changed since the caller last cleared it (a sequence header is due).</summary>
    public bool ConfigurationChanged { get; set; }

    public abstract int? SampleRate { get; }

    public abstract int? Channels { get; }

    /// <summary>The <c>audiocodecid</c> onMetaData gives: 10 for AAC, 2 for MP3, the FourCC as a number for the others.</summary>
    public double MetadataCodecId => Codec switch
    {
        AudioCodec.Aac when TrackId == 0 => 10,
        AudioCodec.Mp3 when TrackId == 0 => 2,
        _ => FlvTags.FourCcOf(Codec),
    };

    /// <param name="mediaType">The track's media type.</param>
    /// <param name="trackId">The track's id: AAC and MP3 go in the legacy tag on track 0, in the extended one (<c>mp4a</c>, <c>.mp3</c>) on the others.</param>
    public static AudioTagBuilder Create(AudioMediaType mediaType, byte trackId = 0) => mediaType.Codec switch
    {
        AudioCodec.Aac => new AacTagBuilder(mediaType) { TrackId = trackId },
        AudioCodec.Mp3 => new Mp3TagBuilder() { TrackId = trackId },
        _ => new ExAudioTagBuilder(mediaType) { TrackId = trackId },
    };

    /// <summary>
    /// The length of the frame at the start of <paramref name="data"/> and the samples it holds, for codecs whose writes
    /// may hold several frames; the whole write, with 0 samples (unknown), for one frame per write.
    /// </summary>
    /// <exception cref="InvalidDataException">No valid frame header at the start, or the frame overruns the data.</exception>
    public virtual int NextFrame(ReadOnlySpan<byte> data, out int samples, out int sampleRate)
    {
        samples = 0;
        sampleRate = 0;
        return data.Length;
    }

    /// <summary>Writes the sequence header tag body for <paramref name="configuration"/>.</summary>
    /// <returns>False, writing nothing, for a codec that has none (MP3).</returns>
    public abstract bool WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration);

    /// <summary>Writes the MultichannelConfig packet that follows the sequence header, when the codec sends one.</summary>
    /// <returns>False when nothing was written.</returns>
    public virtual bool WriteChannelConfiguration(IBufferWriter<byte> output) => false;

    /// <summary>Writes one frame's tag body.</summary>
    public abstract void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> frame);

    /// <summary>Adopts a configuration given mid-stream, when it differs from the current one.</summary>
    /// <exception cref="InvalidDataException">The configuration is malformed.</exception>
    public abstract void SetConfiguration(ReadOnlySpan<byte> configuration);
}
