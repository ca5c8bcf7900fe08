using System.Buffers;

namespace Uplink.Flv;

/// <summary>FLV tag bodies as RTMP carries them (legacy AVC/AAC signalling, FLV specification 10.1 E.4).</summary>
internal static class FlvTags
{
    /// <summary>AAC sound byte: format 10, 44 kHz, 16-bit, stereo — the spec fixes these fields for AAC; the real values live in the AudioSpecificConfig.</summary>
    public const byte AacSoundByte = 0xAF;

    public const byte AacSequenceHeader = 0;
    public const byte AacRaw = 1;

    public const byte AvcSequenceHeader = 0;
    public const byte AvcNalu = 1;
    public const byte AvcEndOfSequence = 2;

    /// <summary>Size of the video tag header: frame type/codec, AVC packet type, 24-bit composition time.</summary>
    public const int VideoHeaderSize = 5;

    /// <summary>Size of the audio tag header: sound byte, AAC packet type.</summary>
    public const int AudioHeaderSize = 2;

    /// <summary>Largest composition time offset a signed 24-bit field holds, in ms.</summary>
    public const int MaxCompositionTime = 0x7FFFFF;

    /// <summary>Writes the 5-byte video tag header.</summary>
    public static void WriteVideoHeader(Span<byte> destination, bool keyframe, byte avcPacketType, int compositionTimeMs)
    {
        if (compositionTimeMs is > MaxCompositionTime or < -MaxCompositionTime - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(compositionTimeMs), compositionTimeMs, "composition time offset (PTS - DTS) does not fit a signed 24-bit millisecond field");
        }

        destination[0] = keyframe ? (byte)0x17 : (byte)0x27;
        destination[1] = avcPacketType;
        destination[2] = (byte)(compositionTimeMs >> 16);
        destination[3] = (byte)(compositionTimeMs >> 8);
        destination[4] = (byte)compositionTimeMs;
    }

    /// <summary>Writes an AVC sequence header tag body: keyframe, packet type 0, the AVCDecoderConfigurationRecord.</summary>
    public static void WriteAvcSequenceHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> decoderConfigurationRecord)
    {
        Span<byte> span = output.GetSpan(VideoHeaderSize + decoderConfigurationRecord.Length);
        WriteVideoHeader(span, keyframe: true, AvcSequenceHeader, 0);
        decoderConfigurationRecord.CopyTo(span[VideoHeaderSize..]);
        output.Advance(VideoHeaderSize + decoderConfigurationRecord.Length);
    }

    /// <summary>Writes an AAC tag body: the sound byte, the packet type, then the AudioSpecificConfig or the raw frame.</summary>
    public static void WriteAac(IBufferWriter<byte> output, byte aacPacketType, ReadOnlySpan<byte> data)
    {
        Span<byte> span = output.GetSpan(AudioHeaderSize + data.Length);
        span[0] = AacSoundByte;
        span[1] = aacPacketType;
        data.CopyTo(span[AudioHeaderSize..]);
        output.Advance(AudioHeaderSize + data.Length);
    }
}
