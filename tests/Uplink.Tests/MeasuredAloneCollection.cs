namespace Uplink.Tests;

/// <summary>
/// Tests that count allocations, and fuzz tests that load the runtime, run here: alone, after the parallel ones.
/// Thousands of readers on pool threads make the runtime tier up and start workers at random moments, which a
/// per-thread allocation count running beside them would see.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAloneCollection
{
    public const string Name = "Measured alone";
}
