namespace Uplink.Fuzz.Targets;

/// <summary>
/// One entry point under fuzz. <see cref="Run"/> feeds it one input and returns the outcome: "end" when the input was
/// read to its end, or the name of the documented data exception it failed with. Anything else escapes as an
/// exception — the finding: a BCL exception (index, null, overflow, cast, argument), a <see cref="FuzzFindingException"/>
/// for a hang, runaway output or runaway allocation.
/// </summary>
internal sealed class FuzzTarget(string name, string description, Func<byte[], string> run)
{
    /// <summary>The name given on the command line and used for the corpus folder.</summary>
    public string Name { get; } = name;

    /// <summary>What the target feeds the input to.</summary>
    public string Description { get; } = description;

    /// <summary>Runs one input: "end" or the expected exception's name; throws on a finding.</summary>
    public string Run(byte[] input) => run(input);
}

/// <summary>An input made a target misbehave without a BCL exception: it hung, produced output from nothing, or allocated without bound.</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
