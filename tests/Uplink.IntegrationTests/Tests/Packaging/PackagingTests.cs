using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Xunit.Abstractions;

namespace Uplink.IntegrationTests.Tests.Packaging;

/// <summary>
/// What users install: the library package, the .NET tool and the native AOT binary, each built from the sources
/// into a temporary folder and then used. The tests of one class run one after another, sharing the compiled libraries.
/// </summary>
public sealed class PackagingTests(PackagingWorkspace workspace, NginxRtmpFixture nginx, ITestOutputHelper output)
    : IClassFixture<PackagingWorkspace>, IClassFixture<NginxRtmpFixture>
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan AotPublishTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private static string Sample => Path.Combine(RequiredTools.RepositoryRoot, "samples", "sample.flv");

    /// <summary>The version the sources build, e.g. 0.1.0 (the informational version without the commit).</summary>
    private static string ExpectedVersion =>
        typeof(RtmpWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [Fact]
    public async Task The_library_packs_with_its_xml_docs_readme_license_and_symbols()
    {
        await RunStepAsync("dotnet pack src/Uplink", DotnetCli.RunAsync(
            ["pack", "src/Uplink", "--artifacts-path", workspace.Artifacts, "-o", workspace.Packages, "--disable-build-servers"], PackTimeout));

        var package = Path.Combine(workspace.Packages, $"Uplink.{ExpectedVersion}.nupkg");
        Assert.True(File.Exists(package), $"no {package}; the folder holds: {string.Join(", ", Directory.GetFiles(workspace.Packages).Select(Path.GetFileName))}");
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("lib/net10.0/Uplink.dll", entries);
            Assert.Contains("lib/net10.0/Uplink.xml", entries);
            Assert.Contains("README.md", entries);

            XNamespace ns = XDocument.Load(zip.GetEntry("Uplink.nuspec")!.Open()).Root!.Name.Namespace;
            var metadata = XDocument.Load(zip.GetEntry("Uplink.nuspec")!.Open()).Root!.Element(ns + "metadata")!;
            Assert.Equal("Uplink", metadata.Element(ns + "id")?.Value);
            Assert.Equal(ExpectedVersion, metadata.Element(ns + "version")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));

            // The docs describe the public entry point.
            using var docs = new StreamReader(zip.GetEntry("lib/net10.0/Uplink.xml")!.Open());
            Assert.Contains("T:Uplink.RtmpWriter", await docs.ReadToEndAsync(), StringComparison.Ordinal);
        }

        var symbols = Path.ChangeExtension(package, ".snupkg");
        Assert.True(File.Exists(symbols), $"no symbol package {symbols}");
        using var symbolZip = ZipFile.OpenRead(symbols);
        Assert.Contains(symbolZip.Entries, e => e.FullName == "lib/net10.0/Uplink.pdb");
    }

    [Fact]
    public async Task The_cli_installs_as_a_dotnet_tool_named_uplink_that_publishes_to_its_embedded_server()
    {
        await RunStepAsync("dotnet pack src/Uplink.Cli", DotnetCli.RunAsync(
            ["pack", "src/Uplink.Cli", "--artifacts-path", workspace.Artifacts, "-o", workspace.Packages, "--disable-build-servers"], PackTimeout));
        Assert.True(File.Exists(Path.Combine(workspace.Packages, $"Uplink.Cli.{ExpectedVersion}.nupkg")), "dotnet pack made no Uplink.Cli package");

        // Only the fresh package: a NuGet.config with just the packages folder, and a NuGet cache of the test's own,
        // so an Uplink.Cli of the same version cached by an earlier run cannot be installed instead.
        var config = Path.Combine(workspace.Root, "NuGet.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{workspace.Packages}" />
              </packageSources>
            </configuration>
            """);
        var tools = Path.Combine(workspace.Root, "tools");
        await RunStepAsync("dotnet tool install", DotnetCli.RunAsync(
            ["tool", "install", "Uplink.Cli", "--tool-path", tools, "--configfile", config, "--version", ExpectedVersion], PackTimeout,
            "NUGET_PACKAGES=" + Path.Combine(workspace.Root, "nuget-cache")));

        var uplink = Path.Combine(tools, "uplink");
        Assert.True(File.Exists(uplink), $"the tool installed no `uplink` command in {tools}");
        var dotnetRoot = "DOTNET_ROOT=" + DotnetCli.Root;

        var version = await DotnetCli.RunProgramAsync(uplink, ["--version"], RunTimeout, dotnetRoot);
        Assert.True(!version.TimedOut && version.ExitCode == 0, version.Describe());
        Assert.StartsWith(ExpectedVersion, version.StandardOutput.Trim(), StringComparison.Ordinal);

        var publish = await DotnetCli.RunProgramAsync(uplink, ["publish", Sample, "--no-realtime"], RunTimeout, dotnetRoot);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, publish.Describe());
        Assert.Contains("by the embedded server", publish.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_native_aot_binary_publishes_the_sample_to_nginx_rtmp_frame_for_frame()
    {
        // ILC links with clang (it falls back to gcc); a CI machine must have it (tests/run-all.sh installs it).
        RequiredTools.Find("clang", "apt-get install clang zlib1g-dev");
        var native = Path.Combine(workspace.Root, "native");
        var publishOutput = await RunStepAsync("dotnet publish -p:PublishAot=true", DotnetCli.RunAsync(
            ["publish", "src/Uplink.Cli", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true",
             "--artifacts-path", workspace.Artifacts, "-o", native, "--disable-build-servers"], AotPublishTimeout));
        Assert.DoesNotContain("warning", publishOutput.StandardOutput, StringComparison.OrdinalIgnoreCase);

        var uplink = Path.Combine(native, "uplink");
        Assert.True(File.Exists(uplink), $"the AOT publish made no `uplink` binary in {native}");
        Assert.False(File.Exists(Path.Combine(native, "Uplink.Cli.dll")), "the AOT publish output holds IL assemblies: it is not a native binary");
        output.WriteLine($"native binary: {new FileInfo(uplink).Length / 1024} KiB");

        var stream = StreamNames.Next("native_aot");
        var publish = await ExternalProcess.RunAsync(uplink, ["publish", Sample, nginx.Peer.PublishUrl(stream), "--no-realtime"], PeerRoundTrip.PublishTimeout);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, "the native uplink failed.\n" + publish.Describe());
        var recording = await nginx.Peer.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameFramesAsync(Sample, recording, $"native uplink → {nginx.Peer.Name}");
    }

    /// <summary>Awaits one build step, logs how long it took, and fails with its output unless it exited 0.</summary>
    private async Task<ProcessResult> RunStepAsync(string step, Task<ProcessResult> running)
    {
        var clock = Stopwatch.StartNew();
        var result = await running;
        output.WriteLine($"{step}: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(!result.TimedOut && result.ExitCode == 0, $"{step} failed.\n{result.Describe()}");
        return result;
    }
}
