using System.Globalization;
using Uplink.Media;

namespace Uplink.LoadTest;

/// <summary>One frame of the in-memory stream: track, decode and presentation time (ms from the clip's start), bytes.</summary>
internal sealed record StreamFrame(bool IsVideo, long DtsMs, long PtsMs, byte[] Data);

/// <summary>
/// The stream every publisher sends, built once in memory: a 10 s H.264 + AAC clip at the target bitrate
/// (ffmpeg, 640x360 at 30 fps, a keyframe every second, 96 kbit/s AAC), looped by the publishers with
/// timestamps that keep increasing.
/// </summary>
internal sealed class SyntheticStream
{
    private const int AudioBitrate = 96_000;

    private SyntheticStream(VideoMediaType video, AudioMediaType audio, StreamFrame[] frames, long durationMs)
    {
        Video = video;
        Audio = audio;
        Frames = frames;
        DurationMs = durationMs;
    }

    /// <summary>The video pin's media type (length-prefixed H.264 with its configuration record).</summary>
    public VideoMediaType Video { get; }

    /// <summary>The audio pin's media type (raw AAC with its AudioSpecificConfig).</summary>
    public AudioMediaType Audio { get; }

    /// <summary>Frames in decode order, sequence headers left out.</summary>
    public IReadOnlyList<StreamFrame> Frames { get; }

    /// <summary>How long one pass of the clip lasts; the next pass's timestamps start here.</summary>
    public long DurationMs { get; }

    /// <summary>Makes the clip at <paramref name="path"/> when absent, then reads it into memory.</summary>
    public static async Task<SyntheticStream> LoadAsync(string path, int bitrate)
    {
        if (!File.Exists(path))
        {
            await GenerateAsync(path, bitrate).ConfigureAwait(false);
        }

        await using FileStream file = File.OpenRead(path);
        using FlvReader reader = await FlvReader.OpenAsync(file).ConfigureAwait(false);
        VideoMediaType video = reader.Video ?? throw new InvalidDataException($"{path}: no H.264 video");
        AudioMediaType audio = reader.Audio ?? throw new InvalidDataException($"{path}: no AAC audio");
        var frames = new List<StreamFrame>();
        long lastVideo = 0;
        long lastAudio = 0;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            MediaFrame f = reader.Current;
            if (f.IsConfiguration)
            {
                continue;
            }

            bool isVideo = f.Track == MediaTrack.Video;
            long dts = (long)f.Dts.TotalMilliseconds;
            frames.Add(new StreamFrame(isVideo, dts, (long)f.Pts.TotalMilliseconds, f.Data.ToArray()));
            if (isVideo)
            {
                lastVideo = dts;
            }
            else
            {
                lastAudio = dts;
            }
        }

        if (frames.Count == 0)
        {
            throw new InvalidDataException($"{path}: no frames");
        }

        // One frame interval past the last frame, so the next pass does not repeat a timestamp.
        long duration = Math.Max(lastVideo + 34, lastAudio + 22);
        return new SyntheticStream(video, audio, [.. frames], duration);
    }

    private static async Task GenerateAsync(string path, int bitrate)
    {
        string videoBitrate = (bitrate - AudioBitrate).ToString(CultureInfo.InvariantCulture);
        await Uplink.Bench.FfmpegClip.MakeAsync(path, [
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000",
            "-t", "10",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
            "-b:v", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate,
            "-c:a", "aac", "-b:a", AudioBitrate.ToString(CultureInfo.InvariantCulture), "-ac", "2"], "load-test clip").ConfigureAwait(false);
    }
}
