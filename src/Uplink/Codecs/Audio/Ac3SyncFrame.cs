namespace Uplink.Codecs.Audio;

/// <summary>
/// The header of an AC-3 (ATSC A/52 5.3) or E-AC-3 (A/52 Annex E) syncframe: enough to split a buffer into frames, time
/// them and describe the stream.
/// </summary>
/// <param name="Length">The frame's size in bytes.</param>
/// <param name="SampleRate">The sample rate in Hz.</param>
/// <param name="Channels">The channel count, the LFE channel included.</param>
/// <param name="Samples">The samples per channel the frame decodes to (1536 for AC-3; 256 per audio block for E-AC-3).</param>
/// <param name="ChannelMode">acmod (0 to 7).</param>
/// <param name="Lfe">lfeon.</param>
/// <param name="IsEnhanced">An E-AC-3 frame (bsid 11 to 16).</param>
/// <param name="IsDependent">An E-AC-3 dependent substream (strmtyp 1): it extends the independent frame before it.</param>
internal readonly record struct Ac3SyncFrame(int Length, int SampleRate, int Channels, int Samples, int ChannelMode, bool Lfe, bool IsEnhanced, bool IsDependent)
{
    /// <summary>The fewest bytes <see cref="TryRead"/> needs.</summary>
    public const int HeaderSize = 8;

    private static readonly int[] Bitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640];
    private static readonly int[] ChannelsByMode = [2, 1, 2, 3, 3, 4, 4, 5];

    /// <summary>Reads the syncframe header at the start of <paramref name="data"/>.</summary>
    /// <returns>Null with <paramref name="problem"/> set when it is not a valid header.</returns>
    public static Ac3SyncFrame? TryRead(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = null;
        if (data.Length < HeaderSize || data[0] != 0x0B || data[1] != 0x77)
        {
            problem = data.Length < HeaderSize ? $"{data.Length} bytes are too few for a syncframe header" : "no AC-3 syncword (0x0B77)";
            return null;
        }

        int bsid = data[5] >> 3;
        var bits = new BitstreamReader(data[2..], "AC-3 syncframe header");
        if (bsid <= 8)
        {
            bits.ReadBits(16); // crc1
            int fscod = (int)bits.ReadBits(2);
            int frmsizecod = (int)bits.ReadBits(6);
            if (fscod == 3 || frmsizecod >= 38)
            {
                problem = fscod == 3 ? "reserved sample rate code 3" : $"frame size code {frmsizecod} is out of range";
                return null;
            }

            bits.ReadBits(5 + 3); // bsid, bsmod
            int acmod = (int)bits.ReadBits(3);
            if ((acmod & 1) != 0 && acmod != 1)
            {
                bits.ReadBits(2);
            }

            if ((acmod & 4) != 0)
            {
                bits.ReadBits(2);
            }

            if (acmod == 2)
            {
                bits.ReadBits(2);
            }

            bool lfe = bits.ReadBit();
            int kbps = Bitrates[frmsizecod >> 1];
            int words = fscod switch
            {
                0 => kbps * 2,
                1 => (kbps * 1536 * 10 / 441 / 16) + (frmsizecod & 1),
                _ => kbps * 3,
            };
            int rate = fscod switch { 0 => 48000, 1 => 44100, _ => 32000 };
            return new Ac3SyncFrame(words * 2, rate, ChannelsByMode[acmod] + (lfe ? 1 : 0), 1536, acmod, lfe, false, false);
        }

        if (bsid is < 11 or > 16)
        {
            problem = $"bitstream id {bsid} is neither AC-3 (8 or less) nor E-AC-3 (11 to 16)";
            return null;
        }

        int strmtyp = (int)bits.ReadBits(2);
        bits.ReadBits(3); // substreamid
        int frmsiz = (int)bits.ReadBits(11);
        int code = (int)bits.ReadBits(2);
        int blocks;
        int sampleRate;
        if (code == 3)
        {
            int code2 = (int)bits.ReadBits(2);
            if (code2 == 3)
            {
                problem = "reserved reduced sample rate code 3";
                return null;
            }

            sampleRate = code2 switch { 0 => 24000, 1 => 22050, _ => 16000 };
            blocks = 6;
        }
        else
        {
            sampleRate = code switch { 0 => 48000, 1 => 44100, _ => 32000 };
            blocks = (int)bits.ReadBits(2) switch { 0 => 1, 1 => 2, 2 => 3, _ => 6 };
        }

        int mode = (int)bits.ReadBits(3);
        bool lfeOn = bits.ReadBit();
        if (strmtyp == 3)
        {
            problem = "reserved E-AC-3 stream type 3";
            return null;
        }

        return new Ac3SyncFrame((frmsiz + 1) * 2, sampleRate, ChannelsByMode[mode] + (lfeOn ? 1 : 0), blocks * 256, mode, lfeOn, true, strmtyp == 1);
    }
}
