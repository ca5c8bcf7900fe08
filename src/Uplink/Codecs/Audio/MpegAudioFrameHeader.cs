namespace Uplink.Codecs.Audio;

/// <summary>The 4-byte header of an MPEG-1/2/2.5 audio layer III (MP3) frame (ISO/IEC 11172-3 2.4.1.3, 13818-3).</summary>
/// <param name="Length">The frame's size in bytes, padding included.</param>
/// <param name="SampleRate">The sample rate in Hz.</param>
/// <param name="Channels">1 for single channel, else 2.</param>
/// <param name="Samples">Samples per channel: 1152 for MPEG-1, 576 for MPEG-2 and 2.5.</param>
internal readonly record struct MpegAudioFrameHeader(int Length, int SampleRate, int Channels, int Samples)
{
    /// <summary>The header's size.</summary>
    public const int HeaderSize = 4;

    private static readonly int[] Mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    private static readonly int[] Mpeg1Rates = [44100, 48000, 32000];

    /// <summary>Reads the frame header at the start of <paramref name="data"/>.</summary>
    /// <returns>Null with <paramref name="problem"/> set when it is not a layer III frame header RTMP can carry.</returns>
    public static MpegAudioFrameHeader? TryRead(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = null;
        if (data.Length < HeaderSize || data[0] != 0xFF || (data[1] & 0xE0) != 0xE0)
        {
            problem = data.Length < HeaderSize ? $"{data.Length} bytes are too few for a frame header" : "no MPEG audio sync (11 set bits)";
            return null;
        }

        int version = (data[1] >> 3) & 3; // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
        int layer = (data[1] >> 1) & 3;   // 1 layer III
        int bitrateIndex = data[2] >> 4;
        int rateIndex = (data[2] >> 2) & 3;
        if (version == 1 || layer != 1 || bitrateIndex is 0 or 15 || rateIndex == 3)
        {
            problem = version == 1 ? "reserved MPEG audio version"
                : layer != 1 ? $"MPEG audio layer {4 - layer} is not MP3 (layer III)"
                : bitrateIndex == 0 ? "free-format bit rate, which gives no frame length"
                : bitrateIndex == 15 ? "bit rate index 15 is invalid"
                : "reserved sample rate index 3";
            return null;
        }

        bool mpeg1 = version == 3;
        int sampleRate = Mpeg1Rates[rateIndex] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
        int kbps = (mpeg1 ? Mpeg1Bitrates : Mpeg2Bitrates)[bitrateIndex];
        int padding = (data[2] >> 1) & 1;
        int length = ((mpeg1 ? 144 : 72) * kbps * 1000 / sampleRate) + padding;
        return new MpegAudioFrameHeader(length, sampleRate, (data[3] >> 6) == 3 ? 1 : 2, mpeg1 ? 1152 : 576);
    }
}
