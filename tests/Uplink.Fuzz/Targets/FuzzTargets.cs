namespace Uplink.Fuzz.Targets;

/// <summary>Every fuzz target, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } = [.. MediaReaderTargets.All(), .. ProtocolTargets.All(), ServerTarget.Target()];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
