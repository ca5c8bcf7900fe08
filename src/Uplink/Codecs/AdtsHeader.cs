namespace Uplink.Codecs;

/// <summary>An ADTS frame header (ISO/IEC 14496-3 1.A.2.2 / ISO/IEC 13818-7 6.2): 7 bytes, or 9 with a CRC.</summary>
public readonly struct AdtsHeader
{
    private AdtsHeader(byte b1, byte b2, byte b3, byte b4, byte b5, byte b6)
    {
        IsMpeg2 = (b1 & 0x08) != 0;
        HasCrc = (b1 & 0x01) == 0;
        Profile = b2 >> 6;
        SamplingFrequencyIndex = (b2 >> 2) & 0x0F;
        ChannelConfiguration = ((b2 & 0x01) << 2) | (b3 >> 6);
        FrameLength = ((b3 & 0x03) << 11) | (b4 << 3) | (b5 >> 5);
        BufferFullness = ((b5 & 0x1F) << 6) | (b6 >> 2);
        RawDataBlockCount = (b6 & 0x03) + 1;
    }

    /// <summary>The ID bit: true for MPEG-2 AAC, false for MPEG-4 AAC. The payload is the same.</summary>
    public bool IsMpeg2 { get; }

    /// <summary>True when protection_absent is 0, so a 16-bit CRC follows the fixed header.</summary>
    public bool HasCrc { get; }

    /// <summary>The 2-bit profile field: the AAC audio object type minus one.</summary>
    public int Profile { get; }

    /// <summary>The AAC audio object type: 1 Main, 2 LC, 3 SSR, 4 LTP.</summary>
    public int ObjectType => Profile + 1;

    /// <summary>sampling_frequency_index (0 to 12).</summary>
    public int SamplingFrequencyIndex { get; }

    /// <summary>The sample rate in Hz.</summary>
    public int SampleRate => AacSamplingFrequencies.GetRate(SamplingFrequencyIndex);

    /// <summary>channel_configuration (0 to 7; 0 means a program config element in the payload defines them).</summary>
    public int ChannelConfiguration { get; }

    /// <summary>The number of channels (configuration 7 is 7.1, 8 channels); 0 for configuration 0.</summary>
    public int Channels => AacSamplingFrequencies.GetChannels(ChannelConfiguration);

    /// <summary>aac_frame_length: the whole frame, header included.</summary>
    public int FrameLength { get; }

    /// <summary>adts_buffer_fullness (0x7FF means variable bit rate).</summary>
    public int BufferFullness { get; }

    /// <summary>The number of raw data blocks in the frame (number_of_raw_data_blocks_in_frame + 1).</summary>
    public int RawDataBlockCount { get; }

    /// <summary>The header length: 7, or 9 with a CRC.</summary>
    public int HeaderLength => HasCrc ? 9 : 7;

    /// <summary>
    /// Parses the ADTS header at the start of <paramref name="data"/>. False when there is no sync word, the layer is
    /// not 0, the sampling frequency index is reserved (13 to 15), the buffer is shorter than the header, or
    /// frame_length is shorter than the header.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < 7 || data[0] != 0xFF || (data[1] & 0xF6) != 0xF0)
        {
            return false;
        }

        var parsed = new AdtsHeader(data[1], data[2], data[3], data[4], data[5], data[6]);
        if (parsed.SampleRate == 0 || data.Length < parsed.HeaderLength || parsed.FrameLength < parsed.HeaderLength)
        {
            return false;
        }

        header = parsed;
        return true;
    }
}
