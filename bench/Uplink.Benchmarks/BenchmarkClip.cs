using System.Globalization;
using Uplink.Codecs;
using Uplink.Media;

namespace Uplink.Benchmarks;

/// <summary>
/// Real H.264 + AAC for the benchmarks: a short 1280x720 clip at about 5 Mbit/s (access units of 10–40 KB),
/// encoded by ffmpeg once into the temp directory and read into memory with <see cref="FlvReader"/>.
/// </summary>
internal sealed class BenchmarkClip
{
    private static readonly SemaphoreSlim LoadLock = new(1, 1);
    private static BenchmarkClip? _loaded;

    private BenchmarkClip(byte[] videoConfiguration, byte[] audioConfiguration, List<byte[]> videoFrames, List<bool> keyframes, List<byte[]> audioFrames)
    {
        VideoConfiguration = videoConfiguration;
        AudioConfiguration = audioConfiguration;
        VideoFrames = videoFrames;
        Keyframes = keyframes;
        AudioFrames = audioFrames;
        var record = AvcDecoderConfigurationRecord.Parse(videoConfiguration);
        Sps = record.SequenceParameterSets[0];
        Pps = record.PictureParameterSets[0];
    }

    /// <summary>The AVCDecoderConfigurationRecord (4-byte NAL lengths).</summary>
    public byte[] VideoConfiguration { get; }

    /// <summary>The AAC AudioSpecificConfig.</summary>
    public byte[] AudioConfiguration { get; }

    /// <summary>Video access units in decode order, NAL units prefixed by 4-byte lengths (AVCC, as FLV stores them).</summary>
    public IReadOnlyList<byte[]> VideoFrames { get; }

    /// <summary>Which of <see cref="VideoFrames"/> are keyframes.</summary>
    public IReadOnlyList<bool> Keyframes { get; }

    /// <summary>Raw AAC frames.</summary>
    public IReadOnlyList<byte[]> AudioFrames { get; }

    /// <summary>The first SPS NAL unit (no start code, no length).</summary>
    public byte[] Sps { get; }

    /// <summary>The first PPS NAL unit.</summary>
    public byte[] Pps { get; }

    /// <summary>Index of the first non-key access unit between 10 and 40 KB (a typical P-frame of a 5 Mbit/s 720p stream).</summary>
    public int TypicalFrameIndex
    {
        get
        {
            for (int i = 0; i < VideoFrames.Count; i++)
            {
                if (!Keyframes[i] && VideoFrames[i].Length is >= 10_000 and <= 40_000)
                {
                    return i;
                }
            }

            return VideoFrames.Count / 2;
        }
    }

    /// <summary>Loads (and the first time generates) the clip.</summary>
    public static async Task<BenchmarkClip> LoadAsync()
    {
        await LoadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _loaded ??= await ReadAsync(await EnsureFileAsync().ConfigureAwait(false)).ConfigureAwait(false);
            return _loaded;
        }
        finally
        {
            LoadLock.Release();
        }
    }

    /// <summary>Turns length-prefixed (4-byte) NAL units into Annex-B with 4-byte start codes, optionally led by SPS and PPS.</summary>
    public static byte[] ToAnnexB(ReadOnlySpan<byte> lengthPrefixed, ReadOnlySpan<byte> sps = default, ReadOnlySpan<byte> pps = default)
    {
        using var output = new MemoryStream();
        ReadOnlySpan<byte> startCode = [0, 0, 0, 1];
        if (!sps.IsEmpty)
        {
            output.Write(startCode);
            output.Write(sps);
            output.Write(startCode);
            output.Write(pps);
        }

        foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(lengthPrefixed, 4))
        {
            output.Write(startCode);
            output.Write(nal);
        }

        return output.ToArray();
    }

    private static async Task<string> EnsureFileAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "uplink-bench");
        string path = Path.Combine(directory, "clip-720p-5M.flv");
        if (File.Exists(path))
        {
            return path;
        }

        await Uplink.Bench.FfmpegClip.MakeAsync(path, [
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "4",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-bf", "0", "-g", "60", "-b:v", "5M", "-maxrate", "6M", "-bufsize", "3M",
            "-c:a", "aac", "-b:a", "128k", "-ac", "2"], "benchmark clip").ConfigureAwait(false);
        return path;
    }

    private static async Task<BenchmarkClip> ReadAsync(string path)
    {
        await using FileStream file = File.OpenRead(path);
        using FlvReader reader = await FlvReader.OpenAsync(file).ConfigureAwait(false);
        var video = new List<byte[]>();
        var keyframes = new List<bool>();
        var audio = new List<byte[]>();
        byte[]? videoConfiguration = null;
        byte[]? audioConfiguration = null;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            MediaFrame frame = reader.Current;
            byte[] data = frame.Data.ToArray();
            switch (frame.Track, frame.IsConfiguration)
            {
                case (MediaTrack.Video, true):
                    videoConfiguration ??= data;
                    break;
                case (MediaTrack.Audio, true):
                    audioConfiguration ??= data;
                    break;
                case (MediaTrack.Video, false):
                    video.Add(data);
                    keyframes.Add(frame.IsKeyframe);
                    break;
                default:
                    audio.Add(data);
                    break;
            }
        }

        return new BenchmarkClip(
            videoConfiguration ?? throw new InvalidDataException($"{path}: no AVC sequence header"),
            audioConfiguration ?? throw new InvalidDataException($"{path}: no AAC sequence header"),
            video,
            keyframes,
            audio);
    }
}
