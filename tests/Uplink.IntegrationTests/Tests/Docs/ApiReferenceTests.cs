using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Tests.Packaging;

namespace Uplink.IntegrationTests.Tests.Docs;

/// <summary>
/// The documentation site builds: docs/build.sh runs the docfx of the tool manifest (restored from NuGet like any package,
/// so this fails rather than skips where it cannot run), treats its warnings as errors, and writes the API reference of
/// the shipped libraries and the articles into artifacts/docs/.
/// </summary>
public class ApiReferenceTests
{
    // About 20 s alone on two cores; the rest is room for a machine busy with the other tests.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_site_builds_without_warnings_with_the_writers_page_and_the_articles()
    {
        string site = Path.Combine(RequiredTools.RepositoryRoot, "artifacts", "docs");

        var result = await DotnetCli.RunProgramAsync(RequiredTools.Find("bash", "apt-get install bash"), ["docs/build.sh"], BuildTimeout);

        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe());
        string writerPage = Path.Combine(site, "api", "Uplink.RtmpWriter.html");
        Assert.True(File.Exists(writerPage), $"no {writerPage}\n{result.Describe()}");
        string html = await File.ReadAllTextAsync(writerPage);
        Assert.Contains("WriteVideoAsync", html, StringComparison.Ordinal);
        Assert.Contains("RtmpWriterOptions", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(site, "api", "Uplink.Media.MediaReader.html")), "no page for Uplink.Media.MediaReader");
        Assert.True(File.Exists(Path.Combine(site, "api", "Uplink.Server.RtmpServer.html")), "no page for Uplink.Server.RtmpServer");
        Assert.True(File.Exists(Path.Combine(site, "getting-started.html")), "no getting-started.html");
        Assert.True(File.Exists(Path.Combine(site, "architecture.html")), "no architecture.html");

        // The CLI is an application, not a library: it has no pages.
        Assert.DoesNotContain(
            Directory.EnumerateFiles(Path.Combine(site, "api")),
            page => Path.GetFileName(page).StartsWith("Uplink.Cli", StringComparison.Ordinal));
    }
}
