using Uplink.Codecs;

namespace Uplink.Flv;

/// <summary>
/// Tracks the AAC configuration of the audio pin: given by the media type (raw AAC), or derived from each
/// ADTS header (a header describing a different configuration makes a new AudioSpecificConfig).
/// </summary>
internal sealed class AudioTagBuilder
{
    private byte[]? _config;
    private int _adtsObjectType = -1;
    private int _adtsFrequencyIndex = -1;
    private int _adtsChannels = -1;

    public AudioTagBuilder(AudioMediaType mediaType)
    {
        IsAdts = mediaType.IsAdts;
        if (!mediaType.AudioSpecificConfig.IsEmpty)
        {
            SetConfiguration(mediaType.AudioSpecificConfig.Span);
        }
    }

    public bool IsAdts { get; }

    /// <summary>The current AudioSpecificConfig, null until known.</summary>
    public byte[]? AudioSpecificConfig => _config;

    /// <summary>The current configuration, parsed (sample rate, channels), null until known.</summary>
    public AudioSpecificConfig? Parsed { get; private set; }

    /// <summary>True when the configuration changed since the caller last cleared it (a sequence header is due).</summary>
    public bool ConfigurationChanged { get; set; }

    /// <summary>The core sample rate of the current configuration (ADTS frames are 1024 samples at this rate), 0 until known.</summary>
    public int SampleRate => Parsed?.SampleRate ?? 0;

    /// <summary>Adopts the configuration an ADTS header describes, when it differs from the current one.</summary>
    public void ObserveAdts(in AdtsHeader header)
    {
        if (_config is not null && header.ObjectType == _adtsObjectType && header.SamplingFrequencyIndex == _adtsFrequencyIndex && header.ChannelConfiguration == _adtsChannels)
        {
            return;
        }

        _adtsObjectType = header.ObjectType;
        _adtsFrequencyIndex = header.SamplingFrequencyIndex;
        _adtsChannels = header.ChannelConfiguration;
        SetConfiguration(Codecs.AudioSpecificConfig.FromAdts(header));
    }

    /// <summary>Adopts a new AudioSpecificConfig (a mid-stream format change), when it differs from the current one.</summary>
    public void SetConfiguration(ReadOnlySpan<byte> config)
    {
        if (_config is not null && config.SequenceEqual(_config))
        {
            return;
        }

        Parsed = Codecs.AudioSpecificConfig.Parse(config);
        _config = config.ToArray();
        ConfigurationChanged = true;
    }
}
