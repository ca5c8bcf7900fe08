namespace Uplink.Media.Matroska;

/// <summary>
/// Maps a track's CodecID (and CodecPrivate) to the media type the writer takes — today H.264 and AAC — and names the
/// codecs it cannot map, for the refusal.
/// </summary>
internal static class MatroskaCodecs
{
    /// <summary>H.264 with an avcC CodecPrivate and length-prefixed NAL units in the blocks.</summary>
    public const string H264 = "V_MPEG4/ISO/AVC";

    /// <summary>AAC with an AudioSpecificConfig CodecPrivate and raw AAC frames in the blocks.</summary>
    public const string Aac = "A_AAC";

    // Where the new media types will be mapped, as the core gains them (the track model keeps what each one needs):
    //   V_MPEGH/ISO/HEVC  CodecPrivate = HEVCDecoderConfigurationRecord (hvcC); length-prefixed NAL units; B-frames,
    //                     so DTS comes from the same reorder rule as H.264 (sps_max_num_reorder_pics for the delay)
    //   V_AV1             CodecPrivate = AV1CodecConfigurationRecord (av1C, 4 bytes + config OBUs); no reordering
    //   V_VP9, V_VP8      no CodecPrivate (VP9 may carry a CodecPrivate of profile/level features); no reordering
    //   A_OPUS            CodecPrivate = OpusHead; CodecDelay = pre-skip (ns), SeekPreRoll = 80 ms
    //   A_FLAC            CodecPrivate = "fLaC" + metadata blocks (STREAMINFO first)
    //   A_AC3, A_EAC3     no CodecPrivate: the dac3/dec3 fields come from the first frame's sync frame header
    //   A_MPEG/L3         no CodecPrivate; SamplingFrequency and Channels describe it
    // Until then they are refused in TryCreateVideo/TryCreateAudio below, with the name CodecName gives them.

    /// <summary>
    /// The video media type of <paramref name="track"/>, or null with the reason in <paramref name="refusal"/> when RTMP
    /// cannot carry its codec.
    /// </summary>
    /// <exception cref="InvalidDataException">An H.264 track's CodecPrivate is missing or is not an avcC.</exception>
    public static VideoMediaType? TryCreateVideo(MatroskaTrack track, byte[]? codecPrivate, out string? refusal)
    {
        refusal = null;
        if (track.CodecId != H264)
        {
            refusal = $"{CodecName(track.CodecId)} cannot be published over RTMP";
            return null;
        }

        if (codecPrivate is null)
        {
            throw MatroskaErrors.Invalid($"{track.Label}: {H264} has no CodecPrivate (the avcC decoder configuration record) in the TrackEntry at offset {track.Offset}");
        }

        try
        {
            return VideoMediaType.H264(codecPrivate);
        }
        catch (ArgumentException e)
        {
            throw MatroskaErrors.Invalid($"{track.Label}: the avcC in the CodecPrivate at offset {track.CodecPrivateOffset} is malformed: {e.Message}");
        }
    }

    /// <summary>
    /// The audio media type of <paramref name="track"/>, or null with the reason in <paramref name="refusal"/> when RTMP
    /// cannot carry its codec. AAC without a CodecPrivate (the old A_AAC/MPEG4/LC style IDs) gets an
    /// AudioSpecificConfig built from the ID, SamplingFrequency and Channels, as FFmpeg builds it.
    /// </summary>
    /// <exception cref="InvalidDataException">The AudioSpecificConfig is malformed or cannot be built.</exception>
    public static AudioMediaType? TryCreateAudio(MatroskaTrack track, byte[]? codecPrivate, out string? refusal)
    {
        refusal = null;
        if (track.CodecId != Aac && !track.CodecId.StartsWith(Aac + "/", StringComparison.Ordinal))
        {
            refusal = $"{CodecName(track.CodecId)} cannot be published over RTMP";
            return null;
        }

        try
        {
            return AudioMediaType.Aac(codecPrivate is { Length: > 0 } ? codecPrivate : BuildAudioSpecificConfig(track));
        }
        catch (ArgumentException e)
        {
            throw MatroskaErrors.Invalid(codecPrivate is { Length: > 0 }
                ? $"{track.Label}: the AudioSpecificConfig in the CodecPrivate at offset {track.CodecPrivateOffset} is malformed: {e.Message}"
                : $"{track.Label}: no AudioSpecificConfig can be built for {track.CodecId} from the TrackEntry at offset {track.Offset}: {e.Message}");
        }
    }

    /// <summary>A human name for a CodecID, such as "HEVC (V_MPEGH/ISO/HEVC)".</summary>
    public static string CodecName(string codecId)
    {
        string? name = codecId switch
        {
            H264 => "H.264",
            "V_MPEGH/ISO/HEVC" => "HEVC",
            "V_MPEGI/ISO/VVC" => "VVC",
            "V_AV1" => "AV1",
            "V_VP9" => "VP9",
            "V_VP8" => "VP8",
            "V_MPEG1" => "MPEG-1 video",
            "V_MPEG2" => "MPEG-2 video",
            "V_MPEG4/ISO/SP" or "V_MPEG4/ISO/ASP" or "V_MPEG4/ISO/AP" or "V_MPEG4/MS/V3" => "MPEG-4 Part 2",
            "V_THEORA" => "Theora",
            "V_PRORES" => "ProRes",
            "V_FFV1" => "FFV1",
            "V_MJPEG" => "Motion JPEG",
            "V_UNCOMPRESSED" => "uncompressed video",
            "V_DIRAC" => "Dirac",
            "V_MS/VFW/FOURCC" => "video in a VfW BITMAPINFOHEADER",
            "V_QUICKTIME" => "QuickTime video",
            "A_OPUS" => "Opus",
            "A_VORBIS" => "Vorbis",
            "A_FLAC" => "FLAC",
            "A_AC3" or "A_AC3/BSID9" or "A_AC3/BSID10" => "AC-3",
            "A_EAC3" => "E-AC-3",
            "A_MPEG/L3" => "MP3",
            "A_MPEG/L2" => "MP2",
            "A_MPEG/L1" => "MPEG audio layer 1",
            "A_DTS" or "A_DTS/EXPRESS" or "A_DTS/LOSSLESS" => "DTS",
            "A_TRUEHD" => "Dolby TrueHD",
            "A_MLP" => "MLP",
            "A_ALAC" => "ALAC",
            "A_TTA1" => "TTA",
            "A_WAVPACK4" => "WavPack",
            "A_PCM/INT/LIT" or "A_PCM/INT/BIG" or "A_PCM/FLOAT/IEEE" => "PCM",
            "A_MS/ACM" => "audio in an ACM WAVEFORMATEX",
            "A_QUICKTIME" => "QuickTime audio",
            _ when codecId.StartsWith("A_AAC", StringComparison.Ordinal) => "AAC",
            _ when codecId.StartsWith("V_REAL/", StringComparison.Ordinal) => "RealVideo",
            _ when codecId.StartsWith("A_REAL/", StringComparison.Ordinal) => "RealAudio",
            _ => null,
        };
        return name is null ? $"codec {(codecId.Length == 0 ? "(no CodecID)" : codecId)}" : $"{name} ({codecId})";
    }

    /// <summary>
    /// An AudioSpecificConfig for an AAC track without CodecPrivate: the object type from the CodecID's profile (MAIN 1,
    /// LC 2, SSR 3, LTP 4; LC when none), the sampling frequency (its index, or the 24-bit escape) and the channel
    /// configuration; for /SBR IDs the backward-compatible SBR signalling with the OutputSamplingFrequency (FFmpeg's form).
    /// </summary>
    internal static byte[] BuildAudioSpecificConfig(MatroskaTrack track)
    {
        string profile = track.CodecId.Length > Aac.Length ? track.CodecId[(Aac.Length + 1)..] : "";
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
