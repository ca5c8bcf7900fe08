namespace Uplink.Tests.Session;

/// <summary>Counts process-wide allocation, so it runs alone (see <see cref="MeasuredAloneCollection"/>).</summary>
[Collection(MeasuredAloneCollection.Name)]
public class HostileServerMemoryTests
{
    [Fact]
    public async Task A_16_MB_message_announced_and_never_sent_costs_a_timeout_not_the_memory()
    {
        // Type 0 header on chunk stream 3: 0xFFFFFF bytes of command, then nothing more.
        await using var server = new ScriptedRtmpServer { AfterHandshake = Convert.FromHexString("03000000FFFFFF1400000000") };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(ex.Kind is RtmpErrorKind.Timeout or RtmpErrorKind.Protocol, ex.Message);
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes for a message that never came");
    }
}
