namespace Uplink.Media.Matroska;

/// <summary>Builds the AudioSpecificConfig of an AAC track that has no CodecPrivate (the old A_AAC/MPEG4/LC style IDs).</summary>
internal static class MatroskaAacConfig
{
    /// <summary>
    /// An AudioSpecificConfig for an AAC track without CodecPrivate: the object type from the CodecID's profile (MAIN 1,
    /// LC 2, SSR 3, LTP 4; LC when none), the sampling frequency (its index, or the 24-bit escape) and the channel
    /// configuration; for /SBR IDs the backward-compatible SBR signalling with the OutputSamplingFrequency (FFmpeg's form).
    /// </summary>
    public static byte[] Build(MatroskaTrack track)
    {
        string profile = track.CodecId.Length > MatroskaCodecs.Aac.Length ? track.CodecId[(MatroskaCodecs.Aac.Length + 1)..] : "";
        int objectType = profile.Contains("MAIN", StringComparison.Ordinal) ? 1
            : profile.Contains("SSR", StringComparison.Ordinal) ? 3
            : profile.Contains("LTP", StringComparison.Ordinal) ? 4
            : 2;
        int channelConfiguration = track.Channels switch
        {
            >= 1 and <= 6 => (int)track.Channels,
            8 => 7,
            _ => throw new ArgumentException($"{track.Channels} channels have no AAC channel configuration"),
        };

        var bits = new BitPacker();
        bits.Write(objectType, 5);
        WriteSampleRate(ref bits, track.SamplingFrequency);
        bits.Write(channelConfiguration, 4);
        bits.Write(0, 3); // GASpecificConfig: 1024-sample frames, no core coder, no extension
        if (profile.EndsWith("SBR", StringComparison.Ordinal))
        {
            bits.Write(0x2B7, 11); // syncExtensionType
            bits.Write(5, 5); // SBR
            bits.Write(1, 1); // sbrPresentFlag
            WriteSampleRate(ref bits, track.OutputSamplingFrequency ?? (track.SamplingFrequency * 2));
        }

        return bits.ToArray();
    }

    private static void WriteSampleRate(ref BitPacker bits, double frequency)
    {
        if (!(frequency is >= 1 and < (1 << 24)))
        {
            throw new ArgumentException($"the sampling frequency {frequency} Hz is not a valid AAC sample rate");
        }

        int rate = (int)Math.Round(frequency);
        int index = Array.IndexOf(SampleRates, rate);
        bits.Write(index < 0 ? 15 : index, 4);
        if (index < 0)
        {
            bits.Write(rate, 24);
        }
    }

    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>Packs fields most significant bit first; at most 128 bits.</summary>
    private struct BitPacker
    {
        private UInt128 _bits;
        private int _count;

        public void Write(int value, int width)
        {
            _bits = (_bits << width) | (UInt128)((ulong)value & ((1UL << width) - 1));
            _count += width;
        }

        public readonly byte[] ToArray()
        {
            int bytes = (_count + 7) / 8;
            UInt128 aligned = _bits << ((bytes * 8) - _count);
            byte[] result = new byte[bytes];
            for (int i = 0; i < bytes; i++)
            {
                result[i] = (byte)(aligned >> (8 * (bytes - 1 - i)));
            }

            return result;
        }
    }
}
