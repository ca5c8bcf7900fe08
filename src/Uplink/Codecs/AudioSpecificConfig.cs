namespace Uplink.Codecs;

/// <summary>
/// The leading fields of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): object type, sample rate,
/// channel configuration, and explicit or backward-compatible SBR / PS signalling.
/// </summary>
public sealed class AudioSpecificConfig
{
    private AudioSpecificConfig()
    {
    }

    /// <summary>The audio object type of the core coder: 2 AAC LC, 1 Main, 4 LTP, 23 LD, 39 ELD …</summary>
    public int ObjectType { get; private set; }

    /// <summary>The core sample rate in Hz.</summary>
    public int SampleRate { get; private set; }

    /// <summary>The SBR output sample rate in Hz (HE-AAC), or null when SBR is not signalled.</summary>
    public int? ExtensionSampleRate { get; private set; }

    /// <summary>True when parametric stereo (HE-AAC v2) is signalled.</summary>
    public bool PsPresent { get; private set; }

    /// <summary>channelConfiguration (0 means a program config element defines the channels).</summary>
    public int ChannelConfiguration { get; private set; }

    /// <summary>The number of channels of the channel configuration (0 for configuration 0).</summary>
    public int Channels => AacSamplingFrequencies.GetChannels(ChannelConfiguration);

    /// <summary>
    /// Samples per channel per frame of the core coder: 1024, or 960 when frameLengthFlag is set (read for the
    /// general-audio object types only; 1024 otherwise).
    /// </summary>
    public int SamplesPerFrame { get; private set; } = 1024;

    /// <summary>Parses an AudioSpecificConfig.</summary>
    /// <exception cref="InvalidDataException">The config is truncated or names a reserved sampling frequency index.</exception>
    public static AudioSpecificConfig Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            throw new InvalidDataException($"AudioSpecificConfig is {data.Length} bytes, too short (at least 2 needed)");
        }

        var reader = new BitstreamReader(data, "AudioSpecificConfig");
        var config = new AudioSpecificConfig();
        config.ObjectType = ReadObjectType(ref reader);
        config.SampleRate = ReadSampleRate(ref reader);
        config.ChannelConfiguration = (int)reader.ReadBits(4);
        bool explicitSbr = false;
        if (config.ObjectType is 5 or 29)
        {
            explicitSbr = true;
            config.PsPresent = config.ObjectType == 29;
            config.ExtensionSampleRate = ReadSampleRate(ref reader);
            config.ObjectType = ReadObjectType(ref reader);
            if (config.ObjectType == 22)
            {
                reader.SkipBits(4); // extensionChannelConfiguration
            }
        }

        if (config.ObjectType is 1 or 2 or 3 or 4 or 6 or 7 or 17 or 19 or 20 or 21 or 22 or 23)
        {
            if (!config.ReadGASpecificConfig(ref reader))
            {
                return config; // a program config element follows; SBR signalling after it is not looked for
            }
        }
        else
        {
            return config;
        }

        if (!explicitSbr && reader.BitsLeft >= 16)
        {
            config.ReadSyncExtension(ref reader);
        }

        return config;
    }

    /// <summary>The 2-byte AudioSpecificConfig that describes the frames of an ADTS stream.</summary>
    public static byte[] FromAdts(in AdtsHeader header)
    {
        int objectType = header.ObjectType;
        int index = header.SamplingFrequencyIndex;
        return
        [
            (byte)((objectType << 3) | (index >> 1)),
            (byte)(((index & 1) << 7) | (header.ChannelConfiguration << 3)),
        ];
    }

    private static int ReadObjectType(ref BitstreamReader reader)
    {
        int objectType = (int)reader.ReadBits(5);
        return objectType == 31 ? 32 + (int)reader.ReadBits(6) : objectType;
    }

    private static int ReadSampleRate(ref BitstreamReader reader)
    {
        int bit = reader.BitPosition;
        int index = (int)reader.ReadBits(4);
        if (index == 15)
        {
            int rate = (int)reader.ReadBits(24);
            return rate != 0 ? rate : throw new InvalidDataException($"AudioSpecificConfig explicit sample rate at bit {bit + 4} is 0");
        }

        int tableRate = AacSamplingFrequencies.GetRate(index);
        return tableRate != 0
            ? tableRate
            : throw new InvalidDataException($"AudioSpecificConfig samplingFrequencyIndex {index} at bit {bit} is reserved");
    }

    /// <returns>False when a program config element follows (channel configuration 0).</returns>
    private bool ReadGASpecificConfig(ref BitstreamReader reader)
    {
        SamplesPerFrame = reader.ReadBit() ? 960 : 1024; // frameLengthFlag
        if (reader.ReadBit()) // dependsOnCoreCoder
        {
            reader.SkipBits(14); // coreCoderDelay
        }

        bool extensionFlag = reader.ReadBit();
        if (ChannelConfiguration == 0)
        {
            return false;
        }

        if (ObjectType is 6 or 20)
        {
            reader.SkipBits(3); // layerNr
        }

        if (extensionFlag)
        {
            if (ObjectType == 22)
            {
                reader.SkipBits(16); // numOfSubFrame, layer_length
            }

            if (ObjectType is 17 or 19 or 20 or 23)
            {
                reader.SkipBits(3); // the three resilience flags
            }

            reader.SkipBits(1); // extensionFlag3
        }

        return true;
    }

    private void ReadSyncExtension(ref BitstreamReader reader)
    {
        if (reader.ReadBits(11) != 0x2B7)
        {
            return;
        }

        int extensionObjectType = ReadObjectType(ref reader);
        if (extensionObjectType != 5 || reader.BitsLeft < 1)
        {
            return;
        }

        if (reader.ReadBit()) // sbrPresentFlag
        {
            ExtensionSampleRate = ReadSampleRate(ref reader);
            if (reader.BitsLeft >= 12 && reader.ReadBits(11) == 0x548)
            {
                PsPresent = reader.ReadBit();
            }
        }
    }
}
