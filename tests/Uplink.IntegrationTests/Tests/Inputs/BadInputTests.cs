using System.Diagnostics;
using System.Text;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// Input that is no media at all, or cut short, is refused quickly by both <c>uplink publish</c> and <c>uplink probe</c>:
/// exit 2, one <c>uplink: error:</c> line, no stack trace, no hang.
/// </summary>
public sealed class BadInputTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    /// <summary>"A few seconds": dotnet's start-up on a busy 2-core machine plus reading at most a few MB.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Kinds of bad input × the two commands that read input.</summary>
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var command in new[] { "publish", "probe" })
            {
                foreach (var kind in new[] { "empty", "random_1MB", "text", "mp4_truncated_to_1000_bytes", "missing" })
                {
                    data.Add(kind, command);
                }
            }

            return data;
        }
    }

    /// <summary>Each bad input exits 2 with one error line within the deadline.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_exits_2_with_one_error_line_quickly(string kind, string command)
    {
        var directory = Directory.CreateTempSubdirectory("uplink-bad-input-").FullName;
        try
        {
            var input = Path.Combine(directory, kind + ".bin");
            switch (kind)
            {
                case "empty":
                    await File.WriteAllBytesAsync(input, []);
                    break;
                case "random_1MB":
                    var random = new byte[1 << 20];
#pragma warning disable CA5394 // Not security: a fixed seed, so a failure is reproducible.
                    new Random(20261124).NextBytes(random);
#pragma warning restore CA5394
                    await File.WriteAllBytesAsync(input, random);
                    break;
                case "text":
                    await File.WriteAllTextAsync(input, string.Concat(Enumerable.Repeat("This is a text file, not a video. 0123456789\n", 200)), Encoding.ASCII);
                    break;
                case "mp4_truncated_to_1000_bytes":
                    var mp4 = await File.ReadAllBytesAsync(await ClipGenerator.GetAsync(InputCases.Get("mp4_faststart_high_bframes_640x360_48k_stereo").Input));
                    await File.WriteAllBytesAsync(input, mp4.AsSpan(0, 1000).ToArray());
                    break;
                case "missing":
                    break;
                default:
                    throw new ArgumentException($"unknown kind {kind}", nameof(kind));
            }

            List<string> arguments = command == "publish"
                ? ["publish", input, fixture.Peer.PublishUrl(StreamNames.Next("bad-input")), "--no-realtime"]
                : ["probe", input];
            var clock = Stopwatch.StartNew();
            // Killed only well after the deadline, so a slow exit is reported with its time rather than as a hang.
            var result = await UplinkCli.RunAsync(arguments, Deadline * 2);
            clock.Stop();

            CliAssert.FailedWithOneErrorLine(result, 2);
            Assert.True(clock.Elapsed < Deadline, $"refusing {kind} input took {clock.Elapsed.TotalSeconds:0.0} s, more than {Deadline.TotalSeconds:0} s.\n{result.Describe()}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
