using System.Globalization;

namespace Uplink.IntegrationTests.Media;

/// <summary>
/// What <see cref="ClipGenerator"/> encodes: by default H.264 (libx264) from testsrc2 and AAC from a sine, in FLV.
/// <see cref="Format"/> and <see cref="MovFlags"/> pick another container (the FLV clip remuxed with <c>-c copy</c>, so
/// the frames are the FLV clip's); <see cref="VideoEncoder"/> and <see cref="AudioEncoder"/> pick other codecs
/// (then the clip is encoded straight into <see cref="Format"/>).
/// </summary>
public sealed record ClipOptions
{
    /// <summary>Whether the clip has a video stream.</summary>
    public bool Video { get; init; } = true;

    /// <summary>Frame width in pixels (even: 4:2:0).</summary>
    public int Width { get; init; } = 320;

    /// <summary>Frame height in pixels (even: 4:2:0).</summary>
    public int Height { get; init; } = 180;

    /// <summary>Frames per second.</summary>
    public int Fps { get; init; } = 25;

    /// <summary>Frames from one keyframe to the next (fixed: no scene-cut keyframes).</summary>
    public int GopFrames { get; init; } = 50;

    /// <summary>Whether B-frames are used (then PTS differs from DTS: composition offsets).</summary>
    public bool BFrames { get; init; } = true;

    /// <summary>H.264 profile: baseline, main or high (baseline forbids B-frames).</summary>
    public string Profile { get; init; } = "high";

    /// <summary>Whether the clip has an audio stream.</summary>
    public bool Audio { get; init; } = true;

    /// <summary>Audio channels (1 or 2).</summary>
    public int AudioChannels { get; init; } = 2;

    /// <summary>Audio sample rate in Hz.</summary>
    public int AudioSampleRate { get; init; } = 48000;

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds { get; init; } = 3;

    /// <summary>
    /// The ffmpeg muxer: flv (default), mp4, mov, mpegts, matroska, webm, h264 (raw Annex-B, video only) or adts (raw AAC,
    /// audio only).
    /// </summary>
    public string Format { get; init; } = "flv";

    /// <summary>
    /// The mp4/mov muxer's <c>-movflags</c>: null leaves the moov at the end, <c>+faststart</c> puts it first,
    /// <c>frag_keyframe+empty_moov+default_base_moof</c> makes fragmented MP4.
    /// </summary>
    public string? MovFlags { get; init; }

    /// <summary>A constant H.264 bit rate in kbit/s (padded with filler data, so the rate is real even for a test pattern); null lets x264 choose.</summary>
    public int? VideoBitrateKbps { get; init; }

    /// <summary>The ffmpeg video encoder: libx264 (default), or e.g. libx265 or mpeg2video for codecs RTMP cannot carry.</summary>
    public string VideoEncoder { get; init; } = "libx264";

    /// <summary>The ffmpeg audio encoder: aac (default), or e.g. libmp3lame, ac3 or mp2 for codecs RTMP cannot carry.</summary>
    public string AudioEncoder { get; init; } = "aac";

    /// <summary>True when the codecs are the defaults (H.264 and AAC), so any container is a remux of the FLV clip.</summary>
    public bool HasDefaultCodecs => VideoEncoder == "libx264" && AudioEncoder == "aac";

    /// <summary>A file name that says what the clip is.</summary>
    public string FileName
    {
        get
        {
            var videoCodec = VideoEncoder == "libx264" ? Profile : VideoEncoder;
            var rate = VideoBitrateKbps is int kbps ? $"-{kbps}k" : "";
            var video = Video ? $"v{Width}x{Height}-{Fps}fps-g{GopFrames}-{videoCodec}{(BFrames ? "-bf" : "")}{rate}" : "novideo";
            var audioCodec = AudioEncoder == "aac" ? "" : "-" + AudioEncoder;
            var audio = Audio ? $"a{AudioChannels}ch{AudioSampleRate}{audioCodec}" : "noaudio";
            var flags = MovFlags is null ? "" : "_" + MovFlags.TrimStart('+').Replace('+', '-');
            var extension = Format switch
            {
                "mpegts" => "ts",
                "matroska" => "mkv",
                "adts" => "aac",
                _ => Format,
            };
            return string.Create(CultureInfo.InvariantCulture, $"{video}_{audio}_{DurationSeconds}s{flags}.{extension}");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => FileName;
}
