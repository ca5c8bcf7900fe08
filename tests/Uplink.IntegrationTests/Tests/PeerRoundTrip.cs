using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary>Publish a clip to a peer, wait for the peer's finished recording, compare it frame by frame with the clip.</summary>
internal static class PeerRoundTrip
{
    /// <summary>How long a peer may take to close a recording after the publisher exited.</summary>
    public static readonly TimeSpan RecordingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long one publish may take (clips are a few seconds, sent without real-time pacing).</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="publish"/>(clip, url), requires exit code 0, then asserts the recording holds the
    /// clip's frames <paramref name="repeat"/> times.
    /// </summary>
    public static async Task AssertRecordedAsync(
        IRtmpPeer peer, string publisherName, string clipCase, Func<string, string, Task<ProcessResult>> publish, int repeat = 1)
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Get(clipCase));
        var stream = StreamNames.Next(clipCase);
        var context = $"{publisherName} → {peer.Name}, clip {clipCase}";

        var result = await publish(clip, peer.PublishUrl(stream));
        Assert.True(!result.TimedOut && result.ExitCode == 0, $"{context}: the publisher failed.\n{result.Describe()}");

        string recording;
        try
        {
            recording = await peer.WaitForRecordingAsync(stream, RecordingTimeout);
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{context}: no recording. {ex.Message}\n--- publisher ---\n{result.Describe()}");
            throw;
        }

        await RecordingComparison.AssertSameFramesAsync(clip, recording, context, repeat);
    }
}
