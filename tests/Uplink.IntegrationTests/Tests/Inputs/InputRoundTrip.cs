using System.Text;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// Publishes an input of any format to a peer and compares the recording frame by frame with the files that were
/// published: decoded video hashed from the video file, decoded audio from the audio file (the <c>--audio</c> file when
/// there is one). With repeats, audio compares packets (an AAC frame decodes with its predecessor's overlap) taken from
/// the FLV clip the input was remuxed from, because MPEG-TS and ADTS packets carry ADTS headers that FLV does not.
/// </summary>
internal static class InputRoundTrip
{
    /// <summary>Runs <c>uplink publish INPUT URL --no-realtime [--audio FILE] EXTRA…</c> and compares the recording.</summary>
    public static async Task AssertPublishedAsync(IRtmpPeer peer, string caseName, InputCase input, IReadOnlyList<string> moreArguments, int repeat = 1)
    {
        var inputPath = await ClipGenerator.GetAsync(input.Input);
        var audioPath = input.AudioInput is null ? null : await ClipGenerator.GetAsync(input.AudioInput);
        var origin = await ClipGenerator.GetAsync(input.Origin);
        var stream = StreamNames.Next("input");
        List<string> arguments = ["publish", inputPath, peer.PublishUrl(stream), "--no-realtime"];
        if (audioPath is not null)
        {
            arguments.AddRange(["--audio", audioPath]);
        }

        arguments.AddRange(input.ExtraArguments ?? []);
        arguments.AddRange(moreArguments);
        var result = await UplinkCli.RunAsync(arguments, PeerRoundTrip.PublishTimeout);
        var context = $"{string.Join(' ', ["uplink publish", .. moreArguments])} → {peer.Name}, input {caseName}";
        await AssertRecordingAsync(peer, stream, result, context, inputPath, audioPath ?? inputPath, origin, repeat);
    }

    /// <summary>
    /// Requires <paramref name="result"/> to be a success, waits for the recording of <paramref name="stream"/> and
    /// asserts it holds the frames of the sources <paramref name="repeat"/> times.
    /// </summary>
    public static async Task AssertRecordingAsync(
        IRtmpPeer peer, string stream, ProcessResult result, string context, string videoSource, string audioSource, string audioPacketSource, int repeat)
    {
        Assert.True(!result.TimedOut && result.ExitCode == 0, $"{context}: the publisher failed.\n{result.Describe()}");
        string recording;
        try
        {
            recording = await peer.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{context}: no recording. {ex.Message}\n--- publisher ---\n{result.Describe()}");
            throw;
        }

        var problems = new StringBuilder();
        var expectedVideo = Repeat(await FrameHashes.ComputeAsync(videoSource, MediaKind.Video), repeat);
        var actualVideo = await FrameHashes.ComputeAsync(recording, MediaKind.Video);
        problems.Append(RecordingComparison.Describe("video (decoded)", expectedVideo, actualVideo));

        var audioMode = repeat == 1 ? HashMode.Decoded : HashMode.Packets;
        var expectedAudio = Repeat(await FrameHashes.ComputeAsync(repeat == 1 ? audioSource : audioPacketSource, MediaKind.Audio, audioMode), repeat);
        var actualAudio = await FrameHashes.ComputeAsync(recording, MediaKind.Audio, audioMode);
        problems.Append(RecordingComparison.Describe(audioMode == HashMode.Decoded ? "audio (decoded)" : "audio (packets)", expectedAudio, actualAudio));
        if (expectedVideo.Count + expectedAudio.Count == 0)
        {
            problems.Append("  the source has no frames at all, so nothing was tested\n");
        }

        if (problems.Length > 0)
        {
            Assert.Fail(
                $"{context}: the recording differs from the source{(repeat > 1 ? $" x{repeat}" : "")}.\n  video source: {videoSource}\n  audio source: {audioSource}\n" +
                $"  recording:    {recording}\n{problems}--- publisher ---\n{result.Describe()}");
        }
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
}
