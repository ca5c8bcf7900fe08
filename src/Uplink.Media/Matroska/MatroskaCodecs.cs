namespace Uplink.Media.Matroska;

/// <summary>
/// Maps a track's CodecID (and CodecPrivate) to the media type the writer takes, and names the codecs it cannot map,
/// for the refusal.
/// </summary>
/// <remarks>
/// What each codec needs: H.264 and HEVC have their decoder configuration record (avcC, hvcC) as CodecPrivate and
/// length-prefixed NAL units in the blocks; AV1 an av1C (FFmpeg omits it when the encoder gave no sequence header
/// up front: the OBUs carry it in band); VP9 no CodecPrivate, or the WebM "codec features" list FFmpeg writes
/// (profile, level, bit depth, chroma subsampling as ID-length-value triples), which is no vpcC, so the writer takes its
/// configuration from the first key frame; Opus the OpusHead; FLAC "fLaC" and its metadata blocks; AC-3, E-AC-3 and MP3
/// nothing (their frames describe themselves).
/// </remarks>
internal static class MatroskaCodecs
{
    /// <summary>H.264 with an avcC CodecPrivate and length-prefixed NAL units in the blocks.</summary>
    public const string H264 = "V_MPEG4/ISO/AVC";

    /// <summary>HEVC with an hvcC CodecPrivate and length-prefixed NAL units in the blocks.</summary>
    public const string Hevc = "V_MPEGH/ISO/HEVC";

    /// <summary>AAC with an AudioSpecificConfig CodecPrivate and raw AAC frames in the blocks.</summary>
    public const string Aac = "A_AAC";

    /// <summary>
    /// The video media type of <paramref name="track"/>, or null with the reason in <paramref name="refusal"/> when RTMP
    /// cannot carry its codec.
    /// </summary>
    /// <exception cref="InvalidDataException">The CodecPrivate is missing where the codec needs one, or malformed.</exception>
    public static VideoMediaType? TryCreateVideo(MatroskaTrack track, byte[]? codecPrivate, out string? refusal)
    {
        refusal = null;
        switch (track.CodecId)
        {
            case H264:
                return Create(track, codecPrivate, "avcC", static c => VideoMediaType.H264(c));
            case Hevc:
                return Create(track, codecPrivate, "hvcC", static c => VideoMediaType.Hevc(c));
            case "V_AV1":
                return codecPrivate is { Length: > 0 } ? Create(track, codecPrivate, "av1C", static c => VideoMediaType.Av1(c)) : VideoMediaType.Av1();
            case "V_VP9":
                return codecPrivate is { Length: > 0 } && !IsVp9CodecFeatures(codecPrivate)
                    ? Create(track, codecPrivate, "vpcC", static c => VideoMediaType.Vp9(c))
                    : VideoMediaType.Vp9();
            default:
                refusal = $"{CodecName(track.CodecId)} cannot be published over RTMP";
                return null;
        }
    }

    /// <summary>
    /// The audio media type of <paramref name="track"/>, or null with the reason in <paramref name="refusal"/> when RTMP
    /// cannot carry its codec. AAC without a CodecPrivate (the old A_AAC/MPEG4/LC style IDs) gets an
    /// AudioSpecificConfig built from the ID, SamplingFrequency and Channels, as FFmpeg builds it.
    /// </summary>
    /// <exception cref="InvalidDataException">The codec's header is missing, malformed or cannot be built.</exception>
    public static AudioMediaType? TryCreateAudio(MatroskaTrack track, byte[]? codecPrivate, out string? refusal)
    {
        refusal = null;
        if (track.CodecId == Aac || track.CodecId.StartsWith(Aac + "/", StringComparison.Ordinal))
        {
            return CreateAac(track, codecPrivate);
        }

        switch (track.CodecId)
        {
            case "A_OPUS":
                return Create(track, codecPrivate, "OpusHead", static c => AudioMediaType.Opus(c));
            case "A_FLAC":
                return Create(track, codecPrivate, "FLAC stream header", static c => AudioMediaType.Flac(c));
            case "A_AC3" or "A_AC3/BSID9" or "A_AC3/BSID10":
                return AudioMediaType.Ac3;
            case "A_EAC3":
                return AudioMediaType.Eac3;
            case "A_MPEG/L3":
                return AudioMediaType.Mp3;
            default:
                refusal = $"{CodecName(track.CodecId)} cannot be published over RTMP";
                return null;
        }
    }

    /// <summary>
    /// Whether a VP9 CodecPrivate is the WebM codec features list: ID (1 profile, 2 level, 3 bit depth, 4 chroma
    /// subsampling), length 1, value, repeated. A vpcC starts otherwise: its version byte 1 is followed by three flag
    /// bytes of 0 (FullBox body) or, as the 8-byte record, by a level that is never 1.
    /// </summary>
    internal static bool IsVp9CodecFeatures(ReadOnlySpan<byte> codecPrivate)
    {
        if (codecPrivate.Length % 3 != 0)
        {
            return false;
        }

        for (int i = 0; i < codecPrivate.Length; i += 3)
        {
            if (codecPrivate[i] is < 1 or > 4 || codecPrivate[i + 1] != 1)
            {
                return false;
            }
        }

        return true;
    }

    private static T Create<T>(MatroskaTrack track, byte[]? codecPrivate, string what, Func<byte[], T> create)
        where T : class
    {
        if (codecPrivate is not { Length: > 0 })
        {
            string description = what is "avcC" or "hvcC" ? $"{what} decoder configuration record" : what;
            throw MatroskaErrors.Invalid($"{track.Label}: {track.CodecId} has no CodecPrivate (the {description}) in the TrackEntry at offset {track.Offset}");
        }

        try
        {
            return create(codecPrivate);
        }
        catch (ArgumentException e)
        {
            throw MatroskaErrors.Invalid($"{track.Label}: the {what} in the CodecPrivate at offset {track.CodecPrivateOffset} is malformed: {e.Message}");
        }
    }

    private static AudioMediaType CreateAac(MatroskaTrack track, byte[]? codecPrivate)
    {
        try
        {
            return AudioMediaType.Aac(codecPrivate is { Length: > 0 } ? codecPrivate : MatroskaAacConfig.Build(track));
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
}
