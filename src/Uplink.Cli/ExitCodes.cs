namespace Uplink.Cli;

/// <summary>The command's exit codes; documented in the README and in --help.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int BadInput = 2;
    public const int Connection = 3;

    /// <summary>With several destinations: some did not receive the whole stream, at least one did.</summary>
    public const int SomeDestinationsFailed = 4;
}
