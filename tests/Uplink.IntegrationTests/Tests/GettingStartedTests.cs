using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Tests.Packaging;
using Uplink.Server;

namespace Uplink.IntegrationTests.Tests;

/// <summary>
/// docs/getting-started.md's code is a compiled program (samples/GettingStarted): every C# block of the guide is one of its
/// "// snippet: NAME" … "// end snippet" regions, and the program publishes the sample as a file, as an encoder's
/// Annex-B/ADTS frames and as AVCC frames.
/// </summary>
public class GettingStartedTests
{
    private static string Root => RequiredTools.RepositoryRoot;

    private static string Guide => File.ReadAllText(Path.Combine(Root, "docs", "getting-started.md"));

    [Fact]
    public void The_guide_shows_every_snippet_of_the_sample_word_for_word()
    {
        IReadOnlyDictionary<string, string> snippets = Snippets();
        Assert.NotEmpty(snippets);
        string guide = Guide;
        foreach ((string name, string code) in snippets)
        {
            Assert.True(
                guide.Contains("```csharp\n" + code + "\n```", StringComparison.Ordinal),
                $"docs/getting-started.md does not show the snippet '{name}' of samples/GettingStarted word for word in a ```csharp block:\n{code}");
        }
    }

    [Fact]
    public void Every_csharp_block_of_the_guide_is_a_snippet_of_the_sample()
    {
        HashSet<string> snippets = [.. Snippets().Values];
        foreach (Match block in Regex.Matches(Guide, "^```(?:csharp|cs|c#)\n(.*?)\n```", RegexOptions.Singleline | RegexOptions.Multiline))
        {
            Assert.True(
                snippets.Contains(block.Groups[1].Value),
                $"docs/getting-started.md has C# that samples/GettingStarted does not compile (make it a snippet there):\n{block.Groups[1].Value}");
        }
    }

    [Fact]
    public async Task The_sample_publishes_the_file_and_the_encoders_frames_and_the_server_receives_them()
    {
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        var ended = new ConcurrentDictionary<string, PublishSessionSummary>();
        var allEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) =>
        {
            ended[s.StreamName] = s;
            if (ended.Count == 3)
            {
                allEnded.TrySetResult();
            }
        };
        await server.StartAsync();

        // Built by the project reference, in the configuration the tests were built in.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string sample = Path.Combine(Root, "samples", "GettingStarted", "bin", configuration, "net10.0", "GettingStarted.dll");
        var result = await DotnetCli.RunAsync([sample, $"rtmp://127.0.0.1:{server.Port}/live"], TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.Describe());
        await allEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["avcc", "file", "frames"], ended.Keys.Order(StringComparer.Ordinal));

        // The file (step 2) and the AVCC frames (step 3) go out without live mode: every frame arrives.
        Assert.Equal((125, 236), (ended["file"].VideoFrames, ended["file"].AudioFrames));
        Assert.Equal((125, 236), (ended["avcc"].VideoFrames, ended["avcc"].AudioFrames));
        Assert.Contains("sent 125 video and 236 audio frames (5.1 s)", result.StandardOutput, StringComparison.Ordinal);

        // The Annex-B frames go out in live mode (step 4), which drops rather than wait if this machine is too busy to
        // keep up: the server received exactly what the writer says it sent, and sent and dropped add up to every frame.
        Match live = Regex.Match(result.StandardOutput, @"sent (\d+) video and (\d+) audio frames, dropped (\d+) video and (\d+) audio, 0 reconnects");
        Assert.True(live.Success, result.Describe());
        long Count(int group) => long.Parse(live.Groups[group].Value, CultureInfo.InvariantCulture);
        Assert.Equal((Count(1), Count(2)), (ended["frames"].VideoFrames, ended["frames"].AudioFrames));
        Assert.Equal((125, 236), (Count(1) + Count(3), Count(2) + Count(4)));
    }

    /// <summary>The sample's snippets by name, each without the indentation its place in the code gives it.</summary>
    private static IReadOnlyDictionary<string, string> Snippets()
    {
        var snippets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, "samples", "GettingStarted"), "*.cs").Order(StringComparer.Ordinal))
        {
            string code = File.ReadAllText(file);
            foreach (Match m in Regex.Matches(code, @"^[ \t]*// snippet: (\S+)\n(.*?)^[ \t]*// end snippet\n", RegexOptions.Singleline | RegexOptions.Multiline))
            {
                string[] lines = m.Groups[2].Value.TrimEnd('\n').Split('\n');
                int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart(' ').Length);
                string snippet = string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart(' ')));
                Assert.True(snippets.TryAdd(m.Groups[1].Value, snippet), $"{file}: a second snippet named '{m.Groups[1].Value}'");
            }
        }

        return snippets;
    }
}
