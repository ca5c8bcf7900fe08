using System.Globalization;

namespace Uplink.IntegrationTests.Media;

/// <summary>
/// What <see cref="Peers.FfmpegLibraries.MakeClipAsync"/> encodes with FFmpeg 8.1 (tests/peers/node-av/make-clip.js):
/// testsrc2 video and a stereo sine (440 Hz beeping left, 660 Hz right), in the container named by <see cref="Container"/>.
/// Defaults: HEVC + AAC in MP4, 2 s, 320x180, 25 fps, a keyframe every second, no B-frames.
/// </summary>
public sealed record FfmpegClipOptions
{
    /// <summary>hevc (libx265), av1 (libsvtav1), vp9 (libvpx-vp9), h264 (libx264) or none.</summary>
    public string Video { get; init; } = "hevc";

    /// <summary>aac, opus (libopus), flac, ac3, eac3, mp3 (libmp3lame) or none.</summary>
    public string Audio { get; init; } = "aac";

    /// <summary>The file extension, which picks the muxer: mp4, mov, mkv, webm, flv or ts.</summary>
    public string Container { get; init; } = "mp4";

    /// <summary>Length in seconds.</summary>
    public double Seconds { get; init; } = 2;

    /// <summary>Two B-frames between references (h264 and hevc), so packets are reordered (PTS ≠ DTS).</summary>
    public bool BFrames { get; init; }

    /// <summary>Frame width in pixels (even).</summary>
    public int Width { get; init; } = 320;

    /// <summary>Frame height in pixels (even).</summary>
    public int Height { get; init; } = 180;

    /// <summary>Frames per second (the GOP is one second of frames).</summary>
    public int Fps { get; init; } = 25;

    /// <summary>MP4/MOV muxer flags, as <c>-movflags</c> takes them (negative_cts_offsets, frag_keyframe+empty_moov …); null for none.</summary>
    public string? MovFlags { get; init; }

    /// <summary>The muxer's max_delay in seconds, as ffmpeg's <c>-muxdelay</c> (the CLI uses 0.7; with it MPEG-TS packs several audio frames per PES); null for the library's 0.</summary>
    public double? MuxDelay { get; init; }

    /// <summary>A file name that says what the clip is.</summary>
    public string FileName => string.Create(
        CultureInfo.InvariantCulture,
        $"{Video}{(BFrames ? "-bf" : "")}_{Audio}_{Width}x{Height}-{Fps}fps_{Seconds}s{(MovFlags is null ? "" : "_" + MovFlags.Replace('+', '-'))}{(MuxDelay is double d ? "_muxdelay" + d.ToString(CultureInfo.InvariantCulture) : "")}.{Container}");

    /// <summary>The make-clip.js arguments after the output path.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var inv = CultureInfo.InvariantCulture;
        List<string> arguments =
        [
            "--video", Video, "--audio", Audio, "--seconds", Seconds.ToString(inv),
            "--size", string.Create(inv, $"{Width}x{Height}"), "--fps", Fps.ToString(inv),
        ];
        if (BFrames)
        {
            arguments.Add("--bframes");
        }

        if (MovFlags is not null)
        {
            arguments.AddRange(["--movflags", MovFlags]);
        }

        if (MuxDelay is double muxDelay)
        {
            arguments.AddRange(["--muxdelay", muxDelay.ToString(inv)]);
        }

        return arguments;
    }

    /// <inheritdoc/>
    public override string ToString() => FileName;
}
