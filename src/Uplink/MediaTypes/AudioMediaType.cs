using System.Buffers.Binary;
using System.Globalization;
using Uplink.Codecs;

namespace Uplink;

/// <summary>
/// What the audio input accepts: AAC, either as ADTS frames (the configuration travels in every frame header) or as raw
/// AAC frames described by an AudioSpecificConfig; Opus and FLAC packets described by their stream header; AC-3, E-AC-3
/// and MP3 frames, which describe themselves.
/// </summary>
public sealed partial class AudioMediaType
{
    private const int WaveFormatExSize = 18;
    private const int CbSizeOffset = 16;

    private readonly int _objectType;
    private readonly bool _psPresent;
    private readonly bool _sbrPresent;

    private AudioMediaType(bool isAdts, byte[] audioSpecificConfig, AudioSpecificConfig? parsed)
    {
        IsAdts = isAdts;
        AudioSpecificConfig = audioSpecificConfig;
        DecoderConfiguration = audioSpecificConfig;
        if (parsed is not null)
        {
            _objectType = parsed.ObjectType;
            _psPresent = parsed.PsPresent;
            _sbrPresent = parsed.ExtensionSampleRate is not null;
            SampleRate = parsed.ExtensionSampleRate ?? parsed.SampleRate;
            Channels = parsed.PsPresent && parsed.Channels == 1 ? 2 : parsed.Channels is 0 ? null : parsed.Channels;
        }
    }

    /// <summary>AAC in ADTS frames; the AudioSpecificConfig is derived from the first frame header.</summary>
    public static AudioMediaType AacAdts { get; } = new(true, [], null);

    /// <summary>True when samples are ADTS frames; false when they are raw AAC described by <see cref="AudioSpecificConfig"/>.</summary>
    public bool IsAdts { get; }

    /// <summary>The AudioSpecificConfig sent as the AAC sequence header; empty for ADTS until the first frame.</summary>
    public ReadOnlyMemory<byte> AudioSpecificConfig { get; }

    /// <summary>The output sample rate in Hz (the SBR rate for HE-AAC), when known.</summary>
    public int? SampleRate { get; private init; }

    /// <summary>The number of output channels, when known.</summary>
    public int? Channels { get; private init; }

    /// <summary>Raw AAC frames described by <paramref name="audioSpecificConfig"/>.</summary>
    /// <exception cref="ArgumentException">The AudioSpecificConfig is malformed.</exception>
    public static AudioMediaType Aac(ReadOnlySpan<byte> audioSpecificConfig)
    {
        Codecs.AudioSpecificConfig parsed;
        try
        {
            parsed = Codecs.AudioSpecificConfig.Parse(audioSpecificConfig);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, nameof(audioSpecificConfig), e);
        }

        return new AudioMediaType(false, audioSpecificConfig.ToArray(), parsed);
    }

    /// <summary>
    /// Builds the media type from a DirectShow AM_MEDIA_TYPE: MEDIATYPE_Audio, MEDIASUBTYPE_AAC, format
    /// FORMAT_WaveFormatEx (a WAVEFORMATEX whose cbSize extra bytes are the AudioSpecificConfig) or FORMAT_None (ADTS).
    /// </summary>
    /// <param name="majorType">AM_MEDIA_TYPE.majortype.</param>
    /// <param name="subtype">AM_MEDIA_TYPE.subtype.</param>
    /// <param name="formatType">AM_MEDIA_TYPE.formattype.</param>
    /// <param name="formatBlock">The cbFormat bytes at AM_MEDIA_TYPE.pbFormat (ignored for FORMAT_None).</param>
    /// <exception cref="NotSupportedException">Not AAC, or a format type other than the two accepted.</exception>
    /// <exception cref="ArgumentException">The WAVEFORMATEX block is malformed or carries no AudioSpecificConfig.</exception>
    public static AudioMediaType FromDirectShow(Guid majorType, Guid subtype, Guid formatType, ReadOnlySpan<byte> formatBlock)
    {
        if (majorType != DirectShowGuids.MediaTypeAudio)
        {
            throw new NotSupportedException($"audio input accepts MEDIATYPE_Audio only, got {DirectShowGuids.Describe(majorType)}");
        }

        if (subtype != DirectShowGuids.SubtypeAac)
        {
            throw new NotSupportedException($"audio input accepts AAC only, got {DirectShowGuids.Describe(subtype)}");
        }

        if (formatType == DirectShowGuids.FormatNone)
        {
            return AacAdts;
        }

        if (formatType != DirectShowGuids.FormatWaveFormatEx)
        {
            throw new NotSupportedException(
                $"audio input accepts FORMAT_WaveFormatEx or FORMAT_None, got {DirectShowGuids.Describe(formatType)}");
        }

        if (formatBlock.Length < WaveFormatExSize)
        {
            throw new ArgumentException(
                $"WAVEFORMATEX block is {formatBlock.Length} bytes, too short (at least {WaveFormatExSize} needed)", nameof(formatBlock));
        }

        int extraSize = BinaryPrimitives.ReadUInt16LittleEndian(formatBlock[CbSizeOffset..]);
        if (extraSize == 0)
        {
            throw new ArgumentException(
                "WAVEFORMATEX cbSize at offset 16 is 0: no AudioSpecificConfig follows (use FORMAT_None for ADTS)", nameof(formatBlock));
        }

        if (extraSize > formatBlock.Length - WaveFormatExSize)
        {
            throw new ArgumentException(
                $"WAVEFORMATEX cbSize {extraSize} at offset 16 overruns the block ({formatBlock.Length - WaveFormatExSize} bytes after offset 18)",
                nameof(formatBlock));
        }

        ReadOnlySpan<byte> config = formatBlock.Slice(WaveFormatExSize, extraSize);
        try
        {
            return new AudioMediaType(false, config.ToArray(), Codecs.AudioSpecificConfig.Parse(config));
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"WAVEFORMATEX extra bytes at offset 18: {e.Message}", nameof(formatBlock), e);
        }
    }

    /// <summary>Describes the media type, for example "AAC LC, 44100 Hz, 2 channels" or "AAC, ADTS".</summary>
    public override string ToString()
    {
        if (Codec != AudioCodec.Aac)
        {
            return DescribeEnhanced();
        }

        if (IsAdts)
        {
            return "AAC, ADTS";
        }

        string profile = _objectType switch
        {
            1 => "AAC Main",
            2 when _psPresent => "HE-AAC v2",
            2 when _sbrPresent => "HE-AAC",
            2 => "AAC LC",
            3 => "AAC SSR",
            4 => "AAC LTP",
            23 => "AAC LD",
            39 => "AAC ELD",
            _ => string.Create(CultureInfo.InvariantCulture, $"AAC object type {_objectType}"),
        };
        return profile + DescribeRateAndChannels();
    }

    private string DescribeRateAndChannels()
    {
        string rate = SampleRate is int hz ? string.Create(CultureInfo.InvariantCulture, $", {hz} Hz") : string.Empty;
        string channels = Channels switch
        {
            null => string.Empty,
            1 => ", 1 channel",
            int n => string.Create(CultureInfo.InvariantCulture, $", {n} channels"),
        };
        return rate + channels;
    }
}
