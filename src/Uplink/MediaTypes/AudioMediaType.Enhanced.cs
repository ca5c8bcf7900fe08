using Uplink.Codecs.Audio;

namespace Uplink;

/// <summary>The audio codecs beyond AAC: Opus, FLAC, AC-3, E-AC-3 and MP3.</summary>
public sealed partial class AudioMediaType
{
    private AudioMediaType(AudioCodec codec, byte[] decoderConfiguration)
    {
        Codec = codec;
        DecoderConfiguration = decoderConfiguration;
    }

    /// <summary>A media type that names the codec alone (the relay's, whose frames arrive as built tags).</summary>
    internal static AudioMediaType OfCodec(AudioCodec codec) => codec == AudioCodec.Aac ? AacAdts : new AudioMediaType(codec, []);

    /// <summary>AC-3 syncframes; each write may hold several, which go out one per message.</summary>
    public static AudioMediaType Ac3 { get; } = new(AudioCodec.Ac3, []);

    /// <summary>E-AC-3 syncframes (an independent frame with its dependent substreams per access unit); each write may hold several.</summary>
    public static AudioMediaType Eac3 { get; } = new(AudioCodec.Eac3, []);

    /// <summary>MP3 (MPEG-1, 2 or 2.5 layer III) frames; each write may hold several, which go out one per message.</summary>
    public static AudioMediaType Mp3 { get; } = new(AudioCodec.Mp3, []);

    /// <summary>The codec of the frames.</summary>
    public AudioCodec Codec { get; }

    /// <summary>
    /// The configuration sent as the sequence header: the AudioSpecificConfig (AAC), the OpusHead (Opus), or "fLaC" and
    /// the STREAMINFO block (FLAC); empty when the frames describe themselves (ADTS, AC-3, E-AC-3, MP3).
    /// </summary>
    public ReadOnlyMemory<byte> DecoderConfiguration { get; }

    /// <summary>Opus packets, one per write, described by their identification header.</summary>
    /// <param name="header">The OpusHead (RFC 7845 5.1, as Matroska and Ogg carry it) or the body of an MP4 dOps box.</param>
    /// <exception cref="ArgumentException">The header is malformed.</exception>
    public static AudioMediaType Opus(ReadOnlySpan<byte> header)
    {
        try
        {
            byte[] head = OpusHeader.Normalize(header, out int channels, out _);

            // Opus always decodes at 48 kHz; the input rate in the header is informative only.
            return new AudioMediaType(AudioCodec.Opus, head) { SampleRate = 48000, Channels = channels };
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, nameof(header), e);
        }
    }

    /// <summary>FLAC frames, one per write, described by the stream's STREAMINFO.</summary>
    /// <param name="header">STREAMINFO alone (34 bytes), the "fLaC" stream header with its metadata blocks, or the body of an MP4 dfLa box.</param>
    /// <exception cref="ArgumentException">No STREAMINFO is found.</exception>
    public static AudioMediaType Flac(ReadOnlySpan<byte> header)
    {
        try
        {
            byte[] body = FlacStreamInfo.Normalize(header, out int sampleRate, out int channels, out _);
            return new AudioMediaType(AudioCodec.Flac, body) { SampleRate = sampleRate, Channels = channels };
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, nameof(header), e);
        }
    }

    private string DescribeEnhanced()
    {
        string name = Codecs.StreamDescription.Name(Codec);
        return name + DescribeRateAndChannels();
    }
}
