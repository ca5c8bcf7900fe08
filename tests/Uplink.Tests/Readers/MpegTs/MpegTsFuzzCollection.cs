namespace Uplink.Tests.Readers.MpegTs;

/// <summary>
/// Runs the fuzz tests alone, after the parallel ones: thousands of readers on pool threads make the runtime tier up
/// and start workers at random moments, which other tests' per-thread allocation counts would see.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MpegTsFuzzCollection
{
    public const string Name = "MPEG-TS fuzz";
}
