using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Cli;

/// <summary>FFmpeg as the reference publisher: <c>ffmpeg -i CLIP -c copy -f flv URL</c> (as fast as the network takes it, or with <c>-re</c> in real time).</summary>
public static class FfmpegPublisher
{
    /// <summary>Publishes <paramref name="clip"/> to <paramref name="url"/> and waits for ffmpeg to exit.</summary>
    public static Task<ProcessResult> PublishAsync(string clip, string url, TimeSpan timeout) =>
        ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-i", clip, "-c", "copy", "-f", "flv", url], timeout);

    /// <summary>Starts publishing <paramref name="clip"/> in real time (<c>-re</c>), as a live source does, and returns at once.</summary>
    public static ExternalProcess StartRealTime(string clip, string url) =>
        ExternalProcess.Start(RequiredTools.Ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-re", "-i", clip, "-c", "copy", "-f", "flv", url]);
}
