using Uplink.Fuzz.Targets;

namespace Uplink.Tests.Fuzzing;

/// <summary>
/// Every input of the fuzz corpus (tests/Uplink.Fuzz/Corpus) and every crash the fuzzer found (tests/Uplink.Fuzz/Crashes)
/// runs through the same target code as under afl-fuzz: it must end cleanly or with the target's documented data
/// error, within a time bound; the targets themselves fail on runaway allocation or output.
/// </summary>
public class FuzzCorpusTests
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in new[] { "FuzzCorpus", "FuzzCrashes" })
        {
            string root = Path.Combine(AppContext.BaseDirectory, folder);
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (string file in Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetRelativePath(AppContext.BaseDirectory, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Input_ends_cleanly_or_with_a_documented_data_error(string target, string file)
    {
        FuzzTarget? fuzzTarget = FuzzTargets.Find(target);
        Assert.True(fuzzTarget is not null, $"{file} is in a folder named for no fuzz target");
        byte[] input = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, file));

        // On a thread of its own, so a hang costs the time bound rather than a pool thread forever.
        using var cancel = new CancellationTokenSource();
        string outcome = await Task.Factory.StartNew(() => fuzzTarget.Run(input), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .WaitAsync(TimeBound, cancel.Token);

        Assert.False(string.IsNullOrEmpty(outcome), $"{file}: no outcome");
    }

    [Fact]
    public void Every_target_has_a_seed_corpus()
    {
        foreach (FuzzTarget target in FuzzTargets.All)
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", target.Name);
            Assert.True(Directory.Exists(folder) && Directory.GetFiles(folder).Length > 0, $"no seeds for {target.Name} in {folder}");
        }
    }

    [Fact]
    public void A_target_names_a_clean_end_and_a_data_error()
    {
        FuzzTarget amf = FuzzTargets.Find("amf")!;
        Assert.Equal("end", amf.Run([0x05]));
        Assert.Equal(nameof(InvalidDataException), amf.Run([0x02, 0xFF, 0xFF]));
    }
}
