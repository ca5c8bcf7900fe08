using System.Text;

namespace Uplink.IntegrationTests.Media;

/// <summary>
/// Asserts that a server's recording holds exactly the frames of the source: the same number of video
/// and audio frames with the same MD5s, in order. Timestamps are not compared (servers rebase them and
/// recordings start at 0); they are shown in messages for orientation.
/// </summary>
public static class RecordingComparison
{
    /// <summary>
    /// Fails unless <paramref name="recording"/> holds the frames of <paramref name="source"/>, repeated
    /// <paramref name="repeat"/> times. Video compares decoded frames. Audio compares decoded frames for a
    /// single pass; for repeats it compares packets, because an AAC frame decodes with its predecessor's
    /// overlap and so the first frame of a repeat legitimately decodes differently.
    /// </summary>
    public static async Task AssertSameFramesAsync(string source, string recording, string context, int repeat = 1)
    {
        var problems = new StringBuilder();
        var expectedVideo = await FrameHashes.ComputeAsync(source, MediaKind.Video);
        var actualVideo = await FrameHashes.ComputeAsync(recording, MediaKind.Video);
        problems.Append(Describe("video (decoded)", Repeat(expectedVideo, repeat), actualVideo));

        var audioMode = repeat == 1 ? HashMode.Decoded : HashMode.Packets;
        var expectedAudio = await FrameHashes.ComputeAsync(source, MediaKind.Audio, audioMode);
        var actualAudio = await FrameHashes.ComputeAsync(recording, MediaKind.Audio, audioMode);
        problems.Append(Describe(audioMode == HashMode.Decoded ? "audio (decoded)" : "audio (packets)", Repeat(expectedAudio, repeat), actualAudio));

        if (expectedVideo.Count + expectedAudio.Count == 0)
        {
            problems.Append("the source has no frames at all, so nothing was tested\n");
        }

        if (problems.Length > 0)
        {
            Assert.Fail($"{context}: the recording differs from the source{(repeat > 1 ? $" x{repeat}" : "")}.\n  source:    {source}\n  recording: {recording}\n{problems}");
        }
    }

    /// <summary>
    /// Describes how <paramref name="actual"/> differs from <paramref name="expected"/>: counts and the
    /// first differing index with both sides' pts, size and md5. Empty when they are equal.
    /// </summary>
    public static string Describe(string what, IReadOnlyList<FrameHash> expected, IReadOnlyList<FrameHash> actual)
    {
        var common = Math.Min(expected.Count, actual.Count);
        var first = -1;
        for (var i = 0; i < common; i++)
        {
            if (!string.Equals(expected[i].Md5, actual[i].Md5, StringComparison.Ordinal))
            {
                first = i;
                break;
            }
        }

        if (first < 0 && expected.Count == actual.Count)
        {
            return "";
        }

        var text = new StringBuilder($"  {what}: source {expected.Count} frames, recording {actual.Count} frames");
        if (first >= 0)
        {
            var mismatches = 0;
            for (var i = first; i < common; i++)
            {
                mismatches += string.Equals(expected[i].Md5, actual[i].Md5, StringComparison.Ordinal) ? 0 : 1;
            }

            text.Append($"; {mismatches} of the first {common} differ, first at index {first}: source {expected[first]} vs recording {actual[first]}");
        }
        else if (actual.Count < expected.Count)
        {
            text.Append($"; the first {common} match, the recording lacks source {expected[common]} onwards");
        }
        else
        {
            text.Append($"; the first {common} match, the recording has extra {actual[common]} onwards");
        }

        return text.Append('\n').ToString();
    }

    private static List<FrameHash> Repeat(IReadOnlyList<FrameHash> hashes, int times)
    {
        var repeated = new List<FrameHash>(hashes.Count * times);
        for (var pass = 0; pass < times; pass++)
        {
            foreach (var hash in hashes)
            {
                repeated.Add(hash with { Index = repeated.Count });
            }
        }

        return repeated;
    }

    /// <summary>
    /// Both files decode, with FFmpeg 8.1, to the same per-stream MD5 sequences (video planes; audio as s16, encoder delay
    /// kept); timestamps are not compared.
    /// </summary>
    public static async Task AssertSameDecodedFramesAsync(string source, string recording, string context)
    {
        var expected = await Peers.FfmpegLibraries.FrameMd5Async(source);
        var actual = await Peers.FfmpegLibraries.FrameMd5Async(recording);
        var problems = "";
        foreach (var kind in new[] { MediaKind.Video, MediaKind.Audio })
        {
            problems += Describe($"{kind} (decoded)", expected.Frames(kind), actual.Frames(kind));
        }

        Xunit.Assert.True(expected.Streams.Count == actual.Streams.Count, $"{context}: source streams [{string.Join("; ", expected.CodecLines)}], recording [{string.Join("; ", actual.CodecLines)}]");
        Xunit.Assert.True(problems.Length == 0, $"{context}: the recording differs from the source.\n  source:    {source}\n  recording: {recording}\n{problems}");
    }

    /// <summary>
    /// Like <see cref="AssertSameDecodedFramesAsync"/> for every track: the n-th video stream of the recording decodes to
    /// exactly the n-th video stream of the source, likewise audio, and the recording has the source's tracks of each kind,
    /// no more, no fewer.
    /// </summary>
    public static async Task AssertSameDecodedTracksAsync(string source, string recording, string context)
    {
        var expected = await Peers.FfmpegLibraries.FrameMd5Async(source);
        var actual = await Peers.FfmpegLibraries.FrameMd5Async(recording);
        var problems = "";
        foreach (var kind in new[] { MediaKind.Video, MediaKind.Audio })
        {
            var expectedTracks = expected.Streams.Where(s => s.Kind == kind).ToList();
            var actualTracks = actual.Streams.Where(s => s.Kind == kind).ToList();
            if (expectedTracks.Count != actualTracks.Count)
            {
                problems += $"  {kind}: source {expectedTracks.Count} tracks [{string.Join("; ", expectedTracks)}], recording {actualTracks.Count} [{string.Join("; ", actualTracks)}]\n";
                continue;
            }

            for (var i = 0; i < expectedTracks.Count; i++)
            {
                problems += Describe($"{kind} track {i} ({expectedTracks[i].Description}, decoded)", expectedTracks[i].Frames, actualTracks[i].Frames);
            }
        }

        if (expected.Streams.Count == 0)
        {
            problems += "  the source has no streams at all, so nothing was tested\n";
        }

        Xunit.Assert.True(problems.Length == 0, $"{context}: the recording differs from the source.\n  source:    {source}\n  recording: {recording}\n{problems}");
    }
}
