namespace Uplink.IntegrationTests.Tests;

/// <summary>
/// Tests that give a port back to the system and need it again (a server killed and restarted on the same port)
/// run here, alone, so no test running beside them can be handed that port in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "Runs alone";
}
