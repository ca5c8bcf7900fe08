using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Cli;

/// <summary>
/// Runs the real <c>uplink</c> command as a separate process: <c>dotnet Uplink.Cli.dll …</c>, where Uplink.Cli.dll
/// (with its runtimeconfig.json and deps.json) is copied next to the tests by the ProjectReference to
/// src/Uplink.Cli.
/// </summary>
public static class UplinkCli
{
    /// <summary>Where the built CLI is.</summary>
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "Uplink.Cli.dll");

    /// <summary>Runs <c>uplink ARGS</c>; kills it when <paramref name="timeout"/> passes.</summary>
    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        CheckBuilt();
        return ExternalProcess.RunAsync(Dotnet, [AssemblyPath, .. arguments], timeout);
    }

    /// <summary>Starts <c>uplink ARGS</c> and returns at once, for tests that talk to the running process.</summary>
    public static ExternalProcess Start(IEnumerable<string> arguments)
    {
        CheckBuilt();
        return ExternalProcess.Start(Dotnet, [AssemblyPath, .. arguments]);
    }

    // DOTNET_HOST_PATH is the dotnet that runs `dotnet test`; fall back to PATH.
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void CheckBuilt()
    {
        foreach (var file in new[] { AssemblyPath, Path.ChangeExtension(AssemblyPath, ".runtimeconfig.json") })
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"{file} is missing: the test project must reference src/Uplink.Cli so the CLI is built next to the tests.");
            }
        }

    }
}
