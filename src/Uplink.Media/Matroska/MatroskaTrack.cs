namespace Uplink.Media.Matroska;

/// <summary>
/// One TrackEntry as the file declares it, whatever its codec: everything a mapping to a media type needs (codec ID,
/// CodecPrivate, delays, durations, picture and sound fields), so codecs the core does not carry yet keep what they
/// will need. <see cref="MatroskaCodecs"/> maps the ones it can.
/// </summary>
internal sealed class MatroskaTrack
{
    /// <summary>TrackType values (RFC 9559 5.1.4.1.3).</summary>
    public const ulong VideoType = 1;

    /// <inheritdoc cref="VideoType"/>
    public const ulong AudioType = 2;

    /// <summary>The stream offset of the TrackEntry, for messages.</summary>
    public long Offset { get; init; }

    /// <summary>TrackNumber: what blocks name their track by.</summary>
    public ulong Number { get; set; }

    /// <summary>TrackType: 1 video, 2 audio, 0x11 subtitle, 0x21 metadata …</summary>
    public ulong Type { get; set; }

    /// <summary>CodecID, such as V_MPEG4/ISO/AVC, A_AAC, V_MPEGH/ISO/HEVC, V_AV1, A_OPUS.</summary>
    public string CodecId { get; set; } = "";

    /// <summary>CodecPrivate: the decoder configuration (avcC, AudioSpecificConfig, hvcC, av1C, OpusHead, FLAC headers …); null when absent.</summary>
    public byte[]? CodecPrivate { get; set; }

    /// <summary>The stream offset of the CodecPrivate element, for messages.</summary>
    public long CodecPrivateOffset { get; set; }

    /// <summary>CodecDelay in nanoseconds: decoder delay to skip at the start (Opus pre-skip).</summary>
    public ulong CodecDelay { get; set; }

    /// <summary>SeekPreRoll in nanoseconds: how much must be decoded before a seek target (Opus: 80 ms).</summary>
    public ulong SeekPreRoll { get; set; }

    /// <summary>DefaultDuration in nanoseconds: the duration of one frame (video: 1 / frame rate); 0 when absent.</summary>
    public ulong DefaultDuration { get; set; }

    /// <summary>FlagEnabled (default 1).</summary>
    public bool IsEnabled { get; set; } = true;

    /// <summary>FlagDefault (default 1): the track a player picks when the user has no preference.</summary>
    public bool IsDefault { get; set; } = true;

    /// <summary>FlagForced (default 0).</summary>
    public bool IsForced { get; set; }

    /// <summary>Name, when given.</summary>
    public string? Name { get; set; }

    /// <summary>Language (ISO 639-2), when given.</summary>
    public string? Language { get; set; }

    /// <summary>Video PixelWidth; 0 when absent.</summary>
    public ulong PixelWidth { get; set; }

    /// <summary>Video PixelHeight; 0 when absent.</summary>
    public ulong PixelHeight { get; set; }

    /// <summary>Audio SamplingFrequency in Hz (default 8000).</summary>
    public double SamplingFrequency { get; set; } = 8000;

    /// <summary>Audio OutputSamplingFrequency in Hz (SBR doubles it); null when absent.</summary>
    public double? OutputSamplingFrequency { get; set; }

    /// <summary>Audio Channels (default 1).</summary>
    public ulong Channels { get; set; } = 1;

    /// <summary>Audio BitDepth; 0 when absent.</summary>
    public ulong BitDepth { get; set; }

    /// <summary>The ContentEncodings, in the order the file lists them; empty when frames are stored as they are.</summary>
    public List<MatroskaContentEncoding> Encodings { get; } = [];

    /// <summary>The media kind of a video or audio track; null for any other type.</summary>
    public MediaTrack? Kind => Type switch
    {
        VideoType => MediaTrack.Video,
        AudioType => MediaTrack.Audio,
        _ => null,
    };

    /// <summary>"track 1 (video)", for messages.</summary>
    public string Label => $"track {Number} ({Type switch { VideoType => "video", AudioType => "audio", 0x11 => "subtitles", _ => $"type {Type}" }})";
}

/// <summary>One ContentEncoding of a track: compression (header stripping, zlib …) or encryption.</summary>
/// <param name="Scope">ContentEncodingScope bits: 1 the frames, 2 the CodecPrivate, 4 the next encoding.</param>
/// <param name="Type">ContentEncodingType: 0 compression, 1 encryption.</param>
/// <param name="Algorithm">ContentCompAlgo for compression: 0 zlib, 1 bzlib, 2 lzo1x, 3 header stripping.</param>
/// <param name="Settings">ContentCompSettings: for header stripping, the bytes removed from the start of every frame.</param>
internal sealed record MatroskaContentEncoding(ulong Scope, ulong Type, ulong Algorithm, byte[] Settings)
{
    public const ulong HeaderStripping = 3;

    public bool IsHeaderStripping => Type == 0 && Algorithm == HeaderStripping;

    /// <summary>What the encoding is, for messages.</summary>
    public string Description => Type switch
    {
        0 => Algorithm switch
        {
            0 => "zlib-compressed",
            1 => "bzlib-compressed",
            2 => "LZO-compressed",
            HeaderStripping => "header-stripped",
            _ => $"compressed (ContentCompAlgo {Algorithm})",
        },
        1 => "encrypted",
        _ => $"encoded (ContentEncodingType {Type})",
    };
}
