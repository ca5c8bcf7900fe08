using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Packaging;

/// <summary>
/// Runs the <c>dotnet</c> that runs the tests (<c>DOTNET_HOST_PATH</c>, else the one on PATH) as a child process, with
/// extra environment variables set through <c>/usr/bin/env</c>. Build servers are disabled for every command, so no
/// MSBuild node or compiler server outlives it holding the captured stdout open.
/// </summary>
internal static class DotnetCli
{
    /// <summary>The dotnet executable.</summary>
    public static string Path =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The folder holding the dotnet executable, for DOTNET_ROOT of an installed tool's launcher.</summary>
    public static string Root => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(ResolvedPath))!;

    /// <summary>Runs <c>dotnet ARGS</c> in the repository root with <paramref name="environment"/> added.</summary>
    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, params string[] environment) =>
        RunProgramAsync(Path, arguments, timeout, environment);

    /// <summary>Runs <paramref name="program"/> with <paramref name="environment"/> (NAME=value) added to the test's own.</summary>
    public static Task<ProcessResult> RunProgramAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, params string[] environment) =>
        ExternalProcess.RunAsync(
            "/usr/bin/env",
            ["DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_NOLOGO=1", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1", .. environment, program, .. arguments],
            timeout,
            Peers.RequiredTools.RepositoryRoot);

    private static string ResolvedPath => Path.Contains('/', StringComparison.Ordinal) ? Path : Peers.RequiredTools.Find("dotnet", "the .NET 10 SDK");
}
