using System.Net;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Tests.Packaging;
using Uplink.Server;

namespace Uplink.IntegrationTests.Tests;

/// <summary>The README's library example is a compiled program (samples/ReadmeExample) that publishes the sample.</summary>
public class ReadmeExampleTests
{
    private static string Root => RequiredTools.RepositoryRoot;

    [Fact]
    public void The_readme_shows_the_compiled_example_word_for_word()
    {
        string program = File.ReadAllText(Path.Combine(Root, "samples", "ReadmeExample", "Program.cs"));
        string region = program.Split("// README begin\n")[1].Split("// README end")[0].TrimEnd('\n');
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));

        Assert.Contains("```csharp\n" + region + "\n```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_readme_example_publishes_the_sample_and_the_server_receives_every_frame()
    {
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);

        // Built by the project reference, in the configuration the tests were built in.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string example = Path.Combine(Root, "samples", "ReadmeExample", "bin", configuration, "net10.0", "ReadmeExample.dll");
        var result = await DotnetCli.RunAsync(
            [example, Path.Combine(Root, "samples", "sample.flv"), $"rtmp://127.0.0.1:{server.Port}/live/readme"], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("sent 125 video and 236 audio frames", result.StandardOutput, StringComparison.Ordinal);
        PublishSessionSummary received = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((125, 236), (received.VideoFrames, received.AudioFrames));
    }
}
