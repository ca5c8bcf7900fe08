namespace Uplink.Fuzz.Targets;

/// <summary>The bounds every target holds its input to; crossing one is a finding.</summary>
internal static class FuzzBounds
{
    /// <summary>How long one input may take (wall clock) in the targets that run on other threads.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Bytes one input may allocate on the calling thread: a fixed allowance plus a multiple of its length.</summary>
    public static long AllocationLimit(int inputLength) => (16L * 1024 * 1024) + (16L * inputLength);

    /// <summary>Frames (or messages, or values) one input may yield: more than this is output from nothing.</summary>
    public static long OutputLimit(int inputLength) => 1024 + (4L * inputLength);

    /// <summary>Throws when the calling thread allocated more than <see cref="AllocationLimit"/> since <paramref name="before"/>.</summary>
    public static void CheckAllocation(long before, int inputLength, string what)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationLimit(inputLength))
        {
            throw new FuzzFindingException($"{what}: allocated {allocated} bytes for {inputLength} bytes of input");
        }
    }

    /// <summary>Completes a value task that should complete synchronously over an in-memory stream, waiting (bounded) if it does not.</summary>
    public static T Complete<T>(ValueTask<T> task, string what)
    {
        if (task.IsCompleted)
        {
            return task.GetAwaiter().GetResult();
        }

        Task<T> t = task.AsTask();
        if (!((IAsyncResult)t).AsyncWaitHandle.WaitOne(Timeout))
        {
            throw new FuzzFindingException($"{what} did not finish in {Timeout.TotalSeconds} s");
        }

        return t.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Complete{T}(ValueTask{T}, string)"/>
    public static void Complete(ValueTask task, string what)
    {
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
            return;
        }

        Task t = task.AsTask();
        if (!((IAsyncResult)t).AsyncWaitHandle.WaitOne(Timeout))
        {
            throw new FuzzFindingException($"{what} did not finish in {Timeout.TotalSeconds} s");
        }

        t.GetAwaiter().GetResult();
    }
}
