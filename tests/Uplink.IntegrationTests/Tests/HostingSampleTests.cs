using System.Net;
using System.Net.Sockets;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Tests.Packaging;

namespace Uplink.IntegrationTests.Tests;

/// <summary>samples/HostingSample: the embedded server and a writer from appsettings.json in the generic host.</summary>
public class HostingSampleTests
{
    private static string Root => RequiredTools.RepositoryRoot;

    [Fact]
    public async Task The_hosting_sample_runs_server_and_writer_from_appsettings_and_the_server_receives_every_frame()
    {
        // Built by the project reference, in the configuration the tests were built in.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string sample = Path.Combine(Root, "samples", "HostingSample", "bin", configuration, "net10.0", "HostingSample.dll");
        int port = FreePort();

        // appsettings.json gives the rest (buffer, reconnection, close timeout); these keep the run off port 1935 and fast.
        var result = await DotnetCli.RunAsync(
            [sample, "--Sample:Input=" + Path.Combine(Root, "samples", "sample.flv"), "--Sample:RealTime=false",
             $"--Uplink:Server:Listen=127.0.0.1:{port}", $"--Uplink:Writer:Url=rtmp://127.0.0.1:{port}/live/hosted"],
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("OutputBufferSize = 4194304", result.StandardOutput, StringComparison.Ordinal); // from appsettings.json
        Assert.Contains("sent 125 video and 236 audio frames", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("the server received 125 video and 236 audio frames", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("/live/hosted", result.StandardOutput, StringComparison.Ordinal); // the stream name is masked in logs
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
