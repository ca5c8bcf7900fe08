using Uplink.Protocol.Chunks;
using Uplink.Tests.Session;

namespace Uplink.Tests.Hostile;

/// <summary>When the hostile bytes arrive: before the connect answer, or right after NetStream.Publish.Start while media flows.</summary>
public enum Phase
{
    Connect,
    Publishing,
}

/// <summary>What a hostile message must end in.</summary>
public enum Outcome
{
    /// <summary>Harmless: the client reads past it (answers the ping that follows) and the stream goes on.</summary>
    Ignored,

    /// <summary>A clear <see cref="RtmpException"/> of kind <see cref="RtmpErrorKind.Protocol"/>.</summary>
    Protocol,

    /// <summary>An incomplete message the client waits for: connect times out; after publish, the stream goes on (nothing after it can be read).</summary>
    Waits,
}

/// <summary>
/// Runs the client against a <see cref="ScriptedRtmpServer"/> that sends hostile bytes at a phase, and checks the outcome.
/// Every wait is bounded, so a hang fails the test instead of stalling the suite.
/// </summary>
internal static class HostileServerRun
{
    public const uint ProbeStamp = 0xC0FFEE;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly Lazy<IReadOnlyList<byte[]>> Video = new(ElementaryStreams.VideoAccessUnits);

    public static async Task ExpectAsync(Phase phase, byte[] hostile, Outcome outcome, string? names = null)
    {
        // A ping after the hostile bytes proves the client read past them and still answers.
        byte[] sent = outcome == Outcome.Ignored ? [.. hostile, .. new HostileChunks().Ping(ProbeStamp).ToArray()] : hostile;
        // A connect that is never answered: whatever the hostile bytes announce is all there is.
        await using var server = new ScriptedRtmpServer { ServerChunkSize = 0, IgnoreConnect = phase == Phase.Connect && outcome == Outcome.Waits };
        if (phase == Phase.Connect)
        {
            server.AfterHandshake = sent;
        }
        else
        {
            server.AfterPublish = sent;
        }

        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            ConnectTimeout = outcome == Outcome.Waits && phase == Phase.Connect ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(5),
            OnStatusChanged = e =>
            {
                if (e.Status == RtmpWriterStatus.Disconnected)
                {
                    lost.TrySetResult(e.Reason);
                }
            },
        });

        if (phase == Phase.Connect && outcome != Outcome.Ignored)
        {
            var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(Bound));
            AssertClear(ex, outcome == Outcome.Waits ? RtmpErrorKind.Timeout : RtmpErrorKind.Protocol, names);
            return;
        }

        if (phase == Phase.Publishing && outcome == Outcome.Protocol)
        {
            try
            {
                await writer.ConnectAsync().WaitAsync(Bound);
            }
            catch (RtmpException ex)
            {
                // The hostile message came in the same read as NetStream.Publish.Start.
                AssertClear(ex, RtmpErrorKind.Protocol, names);
                return;
            }

            // The loss shows at a write once the receive loop has read the hostile message.
            var writeError = await Assert.ThrowsAsync<RtmpException>(() => WriteUntilFailureAsync(writer).WaitAsync(Bound));
            AssertClear(writeError, RtmpErrorKind.Protocol, names);
            return;
        }

        await writer.ConnectAsync().WaitAsync(Bound);
        int half = Video.Value.Count / 2;
        await WriteFramesAsync(writer, 0, half).WaitAsync(Bound);
        if (outcome == Outcome.Ignored)
        {
            await server.PongFor(ProbeStamp).WaitAsync(Bound);
        }

        await WriteFramesAsync(writer, half, Video.Value.Count).WaitAsync(Bound);
        Assert.False(lost.Task.IsCompleted, lost.Task.IsCompleted ? lost.Task.Result : "");
        await writer.DisconnectAsync().WaitAsync(Bound);
        await server.ConnectionEnded.Task.WaitAsync(Bound);
        var frames = server.Media.Where(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).ToList();
        Assert.Equal(Video.Value.Count, frames.Count);
    }

    public static void AssertClear(RtmpException ex, RtmpErrorKind kind, string? names)
    {
        Assert.True(ex.Kind == kind, $"{ex.Kind}, expected {kind}: {ex.Message}");
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
        Assert.True(ex.Message.Length < 400, $"a {ex.Message.Length}-character message");
        if (names is not null)
        {
            Assert.Contains(names, ex.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task WriteUntilFailureAsync(RtmpWriter writer)
    {
        TimeSpan frame = TimeSpan.FromMilliseconds(40);
        for (int i = 0; ; i++)
        {
            await writer.WriteVideoAsync(Video.Value[i % Video.Value.Count], frame * i, frame * i);
            if (i % Video.Value.Count == Video.Value.Count - 1)
            {
                await Task.Yield();
            }
        }
    }

    private static async Task WriteFramesAsync(RtmpWriter writer, int from, int to)
    {
        TimeSpan frame = TimeSpan.FromMilliseconds(40);
        for (int i = from; i < to; i++)
        {
            await writer.WriteVideoAsync(Video.Value[i], frame * i, frame * i);
        }
    }
}
