using System.Globalization;

namespace Uplink.IntegrationTests.Media;

/// <summary>One stream of tests/peers/node-av/framemd5.js's output: what FFmpeg 8.1 decoded and each frame's MD5.</summary>
/// <param name="Index">The stream's number in the output (0, 1, … over the file's video and audio streams).</param>
/// <param name="Kind">Video or audio.</param>
/// <param name="Codec">The codec's FFmpeg name: h264, hevc, av1, vp9, aac, opus, flac, ac3, eac3, mp3…</param>
/// <param name="Description">The whole <c>#codec</c> header after the index, e.g. <c>hevc 320x180 yuv420p</c> or <c>opus 48000 2ch fltp</c>.</param>
/// <param name="Decoder">The FFmpeg decoder used (libdav1d for AV1, mp3float for MP3).</param>
/// <param name="Reorder">The decoder's frame reordering depth (has_b_frames): above 0 when the video has B-frames.</param>
/// <param name="Frames">Every decoded frame in output order.</param>
public sealed record FfmpegStreamHashes(
    int Index, MediaKind Kind, string Codec, string Description, string Decoder, int Reorder, IReadOnlyList<FrameHash> Frames)
{
    /// <summary>The frames' MD5s, in order (what the tests compare).</summary>
    public IReadOnlyList<string> Md5s => [.. Frames.Select(f => f.Md5)];

    /// <inheritdoc/>
    public override string ToString() => $"stream {Index}: {Description} (decoder {Decoder}), {Frames.Count} frames";
}

/// <summary>The parsed output of tests/peers/node-av/framemd5.js for one file.</summary>
/// <param name="Streams">The video and audio streams, in output order.</param>
/// <param name="CodecLines">The <c>#codec N: …</c> header lines as printed.</param>
public sealed record FfmpegFrameHashes(IReadOnlyList<FfmpegStreamHashes> Streams, IReadOnlyList<string> CodecLines)
{
    /// <summary>The first video stream, or null.</summary>
    public FfmpegStreamHashes? Video => Streams.FirstOrDefault(s => s.Kind == MediaKind.Video);

    /// <summary>The first audio stream, or null.</summary>
    public FfmpegStreamHashes? Audio => Streams.FirstOrDefault(s => s.Kind == MediaKind.Audio);

    /// <summary>The frames of the first stream of <paramref name="kind"/>, empty when there is none.</summary>
    public IReadOnlyList<FrameHash> Frames(MediaKind kind) => (kind == MediaKind.Video ? Video : Audio)?.Frames ?? [];

    /// <summary>
    /// Parses framemd5.js's text: <c>#media_type N:</c>, <c>#codec N:</c>, <c>#decoder N:</c> and <c>#reorder N:</c>
    /// headers, then <c>stream, dts, pts, duration, size, md5</c> lines.
    /// </summary>
    public static FfmpegFrameHashes Parse(string text)
    {
        var kinds = new SortedDictionary<int, MediaKind>();
        var descriptions = new Dictionary<int, string>();
        var decoders = new Dictionary<int, string>();
        var reorders = new Dictionary<int, int>();
        var frames = new Dictionary<int, List<FrameHash>>();
        var codecLines = new List<string>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                if (Header(line, "#media_type ") is (int i, string type))
                {
                    kinds[i] = type == "video" ? MediaKind.Video : type == "audio" ? MediaKind.Audio : throw new FormatException($"Unexpected media type: {line}");
                }
                else if (Header(line, "#codec ") is (int c, string description))
                {
                    descriptions[c] = description;
                    codecLines.Add(line);
                }
                else if (Header(line, "#decoder ") is (int d, string decoder))
                {
                    decoders[d] = decoder;
                }
                else if (Header(line, "#reorder ") is (int r, string reorder))
                {
                    reorders[r] = int.Parse(reorder, CultureInfo.InvariantCulture);
                }

                continue;
            }

            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 6)
            {
                throw new FormatException($"Unexpected framemd5 line: {line}");
            }

            var stream = int.Parse(fields[0], CultureInfo.InvariantCulture);
            if (!frames.TryGetValue(stream, out var list))
            {
                frames[stream] = list = [];
            }

            list.Add(new FrameHash(
                list.Count,
                long.Parse(fields[2], CultureInfo.InvariantCulture),
                int.Parse(fields[4], CultureInfo.InvariantCulture),
                fields[5]));
        }

        var streams = kinds.Select(k => new FfmpegStreamHashes(
            k.Key,
            k.Value,
            descriptions.TryGetValue(k.Key, out var d) ? d.Split(' ')[0] : "",
            descriptions.GetValueOrDefault(k.Key, ""),
            decoders.GetValueOrDefault(k.Key, ""),
            reorders.GetValueOrDefault(k.Key),
            frames.TryGetValue(k.Key, out var f) ? f : [])).ToList();
        return new FfmpegFrameHashes(streams, codecLines);
    }

    private static (int Index, string Value)? Header(string line, string prefix)
    {
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var colon = line.IndexOf(':', prefix.Length);
        return colon < 0 || !int.TryParse(line.AsSpan(prefix.Length, colon - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? null
            : (index, line[(colon + 1)..].Trim());
    }
}
