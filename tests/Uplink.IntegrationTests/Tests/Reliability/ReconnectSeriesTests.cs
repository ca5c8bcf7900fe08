using Xunit.Abstractions;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>
/// A short series of disruptions during one real-time publish, through the soak's machinery (<see cref="SoakRunner"/>):
/// every reconnection is made, no source video frame is missing from the recordings, and the repeats stay within a
/// GOP per reconnection.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class ReconnectSeriesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Four_kills_of_nginx_in_45_s_lose_nothing()
    {
        var outcome = await SoakRunner.RunAsync(SoakSettings.Spread(SoakMode.Kill, disruptions: 4, durationSeconds: 45, seed: 4), output.WriteLine);
        AssertPassed(outcome);
    }

    [Fact]
    public async Task Three_connection_cuts_to_nginx_lose_nothing()
    {
        var outcome = await SoakRunner.RunAsync(SoakSettings.Spread(SoakMode.Cut, disruptions: 3, durationSeconds: 30, seed: 3), output.WriteLine);
        AssertPassed(outcome);
    }

    private void AssertPassed(SoakOutcome outcome)
    {
        var problems = outcome.Problems(extraGops: 4, checkMemory: false);
        output.WriteLine(outcome.ToMarkdown(problems));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
