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

    /// <summary>Runs <c>env NAME=VALUE… uplink ARGS</c> (the variables set for uplink alone); kills it when <paramref name="timeout"/> passes.</summary>
    public static Task<ProcessResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        CheckBuilt();
        return ExternalProcess.RunAsync("/usr/bin/env", [.. environment.Select(e => e.Key + "=" + e.Value), Dotnet, AssemblyPath, .. arguments], timeout);
    }

    /// <summary>Starts <c>uplink ARGS</c> and returns at once, for tests that talk to the running process.</summary>
    public static ExternalProcess Start(IEnumerable<string> arguments)
    {
        CheckBuilt();
        return ExternalProcess.Start(Dotnet, [AssemblyPath, .. arguments]);
    }

    /// <summary>
    /// Runs <c>PRODUCER | uplink ARGS</c> through <c>bash -c</c> (so uplink reads the producer's stdout on its stdin, e.g.
    /// with INPUT <c>-</c>); kills both when <paramref name="timeout"/> passes. The exit code is uplink's; when uplink
    /// succeeded but the producer failed it is 99 with <c>uplink-test: the producer exited N</c> on stderr.
    /// </summary>
    public static Task<ProcessResult> RunWithStdinFromAsync(IReadOnlyList<string> producer, IEnumerable<string> arguments, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(producer);
        CheckBuilt();
        var script =
            string.Join(' ', producer.Select(ShellQuote)) + " | " + string.Join(' ', new[] { Dotnet, AssemblyPath }.Concat(arguments).Select(ShellQuote)) +
            "; codes=(\"${PIPESTATUS[@]}\"); if [ \"${codes[1]}\" -ne 0 ]; then exit \"${codes[1]}\"; fi; " +
            "if [ \"${codes[0]}\" -ne 0 ]; then echo \"uplink-test: the producer exited ${codes[0]}\" >&2; exit 99; fi";
        return ExternalProcess.RunAsync("/bin/bash", ["-c", script], timeout);
    }

    private static string ShellQuote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

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
