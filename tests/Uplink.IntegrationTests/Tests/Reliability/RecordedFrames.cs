using Uplink.IntegrationTests.Media;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>What a reconnect may cost, checked on the recordings: nothing lost, a bounded number of frames twice.</summary>
internal static class RecordedFrames
{
    /// <summary>
    /// Every video frame of <paramref name="clip"/> is in one of <paramref name="recordings"/> (compared by packet MD5), and
    /// together they hold at most <paramref name="repeatedFrames"/> frames more than the clip.
    /// </summary>
    /// <returns>The recordings' video frames, in order.</returns>
    public static async Task<IReadOnlyList<FrameHash>> AssertEveryFrameAndRepeatsWithinAsync(string clip, IReadOnlyList<string> recordings, int repeatedFrames)
    {
        var source = await FrameHashes.ComputeAsync(clip, MediaKind.Video, HashMode.Packets);
        var recorded = new List<FrameHash>();
        foreach (string recording in recordings)
        {
            recorded.AddRange(await FrameHashes.ComputeAsync(recording, MediaKind.Video, HashMode.Packets));
        }

        var recordedSet = recorded.Select(h => h.Md5).ToHashSet();
        var missing = source.Where(h => !recordedSet.Contains(h.Md5)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {source.Count} source frames are in no recording, first {missing.FirstOrDefault()}");
        Assert.True(recorded.Count <= source.Count + repeatedFrames, $"{recorded.Count} video frames recorded for {source.Count} sent: more than {repeatedFrames} repeated");
        return recorded;
    }
}
