using Uplink.Messages;
using Uplink.Sending;

namespace Uplink.Tests.Sending;

public class AsyncSignalTests
{
    [Fact]
    public async Task A_set_before_the_wait_is_remembered_once()
    {
        var signal = new AsyncSignal();
        signal.Set();
        signal.Set();
        Assert.True(signal.WaitAsync().IsCompleted);
        ValueTask second = signal.WaitAsync();
        Assert.False(second.IsCompleted);
        signal.Set();
        await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_waiter_wakes_on_every_set_from_another_thread_and_none_is_lost()
    {
        // The producer sets after each item; the consumer drains what it sees and waits again. Every item must be
        // seen: a lost wake-up would leave the consumer waiting with items queued (the test would time out).
        var signal = new AsyncSignal();
        int produced = 0;
        const int Items = 200_000;
        Task producer = Task.Run(() =>
        {
            for (int i = 0; i < Items; i++)
            {
                Interlocked.Increment(ref produced);
                signal.Set();
            }
        });

        int consumed = 0;
        while (consumed < Items)
        {
            int available = Volatile.Read(ref produced);
            if (available > consumed)
            {
                consumed = available;
                continue;
            }

            await signal.WaitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        await producer;
        Assert.Equal(Items, consumed);
    }
}
