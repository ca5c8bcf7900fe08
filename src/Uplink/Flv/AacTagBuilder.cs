using System.Buffers;
using Uplink.Codecs;

namespace Uplink.Flv;

/// <summary>
/// Tracks the AAC configuration of the audio pin: given by the media type (raw AAC), or derived from each
/// ADTS header (a header describing a different configuration makes a new AudioSpecificConfig).
/// </summary>
internal sealed class AacTagBuilder : AudioTagBuilder
{
    private int _adtsObjectType = -1;
    private int _adtsFrequencyIndex = -1;
    private int _adtsChannels = -1;

    public AacTagBuilder(AudioMediaType mediaType)
    {
        IsAdts = mediaType.IsAdts;
        if (!mediaType.AudioSpecificConfig.IsEmpty)
        {
            SetConfiguration(mediaType.AudioSpecificConfig.Span);
        }
    }

    public bool IsAdts { get; }

    public override AudioCodec Codec => AudioCodec.Aac;

    /// <summary>The current configuration, parsed (sample rate, channels), null until known.</summary>
    public AudioSpecificConfig? Parsed { get; private set; }

    /// <summary>The core sample rate of the current configuration (ADTS frames are 1024 samples at this rate), 0 until known.</summary>
    public int CoreSampleRate => Parsed?.SampleRate ?? 0;

    public override int? SampleRate => Parsed?.SampleRate;

    public override int? Channels => Parsed?.Channels;

    public override bool WriteSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> configuration)
    {
        if (TrackId > 0)
        {
            FlvTags.WriteExAudio(output, FlvTags.ExSequenceStart, AudioCodec.Aac, configuration, Form);
        }
        else
        {
            FlvTags.WriteAac(output, FlvTags.AacSequenceHeader, configuration);
        }

        return true;
    }

    public override void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> frame)
    {
        if (TrackId > 0)
        {
            FlvTags.WriteExAudio(output, FlvTags.ExCodedFrames, AudioCodec.Aac, frame, Form);
        }
        else
        {
            FlvTags.WriteAac(output, FlvTags.AacRaw, frame);
        }
    }

    /// <summary>Adopts the configuration an ADTS header describes, when it differs from the current one.</summary>
    public void ObserveAdts(in AdtsHeader header)
    {
        if (Configuration is not null && header.ObjectType == _adtsObjectType && header.SamplingFrequencyIndex == _adtsFrequencyIndex && header.ChannelConfiguration == _adtsChannels)
        {
            return;
        }

        _adtsObjectType = header.ObjectType;
        _adtsFrequencyIndex = header.SamplingFrequencyIndex;
        _adtsChannels = header.ChannelConfiguration;
        SetConfiguration(Codecs.AudioSpecificConfig.FromAdts(header));
    }

    /// <summary>Adopts a new AudioSpecificConfig (a mid-stream format change), when it differs from the current one.</summary>
    public override void SetConfiguration(ReadOnlySpan<byte> config)
    {
        if (Configuration is not null && config.SequenceEqual(Configuration))
        {
            return;
        }

        Parsed = Codecs.AudioSpecificConfig.Parse(config);
        Configuration = config.ToArray();
        ConfigurationChanged = true;
    }
}
