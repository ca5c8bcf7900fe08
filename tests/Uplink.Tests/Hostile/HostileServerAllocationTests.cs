using Xunit.Abstractions;

namespace Uplink.Tests.Hostile;

/// <summary>
/// What hostile servers cost in memory: the whole run (connect, publish, frames, the hostile bytes, disconnect) stays
/// within a bound far below what the server announces. Counts process-wide allocation, so it runs alone.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class HostileServerAllocationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => [.. Hostile.Keys];

    private static readonly Dictionary<string, (Func<byte[]> Bytes, Outcome Outcome, long Bound)> Hostile = new()
    {
        // Announced, never sent.
        ["16 MB message announced"] = (() => new HostileChunks().Message(20, 9, new byte[10], announcedLength: 0xFFFFFF), Outcome.Protocol, 4 << 20),
        ["4 MB messages announced on 1000 chunk streams, 128 bytes each sent"] = (UnfinishedEverywhere, Outcome.Waits, 8 << 20),
        ["20 000 ping requests"] = (PingFlood, Outcome.Ignored, 32 << 20),
        ["chunk size 1 for a 64 KB message"] = (() => new HostileChunks().SetChunkSize(1).Message(20, 9, new byte[64 * 1024]).SetChunkSize(128), Outcome.Ignored, 8 << 20),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_server_costs_bounded_memory(string name)
    {
        (Func<byte[]> bytes, Outcome outcome, long bound) = Hostile[name];
        byte[] hostile = bytes();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await HostileServerRun.ExpectAsync(Phase.Publishing, hostile, outcome);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"{name}: {allocated:N0} bytes allocated for {hostile.Length:N0} hostile bytes");
        Assert.True(allocated < bound, $"{name}: allocated {allocated:N0} bytes, bound {bound:N0}");
    }

    private static byte[] UnfinishedEverywhere()
    {
        var h = new HostileChunks();
        for (int csid = 64; csid < 1064; csid++)
        {
            h.BasicHeader(0, csid).UInt24(0).UInt24(4 << 20).Raw(9).Raw(0, 0, 0, 0).Raw(new byte[128]);
        }

        return h;
    }

    private static byte[] PingFlood()
    {
        var h = new HostileChunks();
        for (uint i = 0; i < 20_000; i++)
        {
            h.Ping(i);
        }

        return h;
    }
}
