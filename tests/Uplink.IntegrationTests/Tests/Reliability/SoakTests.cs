using System.Globalization;
using Uplink.IntegrationTests.Peers;
using Xunit.Abstractions;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>
/// The reconnect soak (run by bench/soak.sh, excluded from the default run): one real-time publish while the server is
/// disrupted many times, as SOAK_MODE, SOAK_DISRUPTIONS, SOAK_INTERVAL_SECONDS or SOAK_DURATION_SECONDS, and SOAK_SEED
/// say (<see cref="SoakSettings.FromEnvironment"/>). Every reconnection must be made and lose nothing, the repeats stay
/// within a GOP per reconnection, uplink's memory stays flat. The numbers go to the test output and to
/// bench/.cache/soak-MODE-DATE.md.
/// </summary>
[Collection(RunsAloneCollection.Name)]
[Trait("Category", "Soak")]
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Many_disruptions_lose_nothing_repeat_about_a_gop_each_and_leave_memory_flat()
    {
        var settings = SoakSettings.FromEnvironment();
        var outcome = await SoakRunner.RunAsync(settings, output.WriteLine);
        var problems = outcome.Problems(extraGops: settings.Disruptions, checkMemory: true);
        var report = outcome.ToMarkdown(problems);
        var directory = Path.Combine(RequiredTools.RepositoryRoot, "bench", ".cache");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"soak-{settings.ModeName}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md"));
        await File.WriteAllTextAsync(path, report);
        output.WriteLine(report);
        output.WriteLine("SOAK_REPORT " + path);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
