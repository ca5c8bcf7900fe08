using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>Counts what a reader allocates per frame in steady state, for the readers' allocation tests.</summary>
internal static class ReaderAllocation
{
    /// <summary>Reads <paramref name="frames"/> frames on this thread (the streams complete synchronously), returning a checksum of what was read.</summary>
    public static long ReadSynchronously(IMediaReader reader, int frames)
    {
        long checksum = 0;
        for (int i = 0; i < frames; i++)
        {
            ValueTask<bool> read = reader.ReadAsync();
            Assert.True(read.IsCompletedSuccessfully);
            Assert.True(read.Result);
            MediaFrame frame = reader.Current;
            checksum += frame.Data.Span[^1] + frame.Dts.Ticks + frame.Pts.Ticks;
        }

        return checksum;
    }

    /// <summary>
    /// Bytes allocated on this thread over the quietest of <paramref name="windows"/> windows of <paramref name="framesPerWindow"/>
    /// frames. The runtime itself (JIT, pool trimming after a GC) may allocate on this thread once in a while; a per-frame
    /// allocation would show in every window.
    /// </summary>
    public static long QuietestWindow(IMediaReader reader, int windows, int framesPerWindow, ref long checksum)
    {
        long allocated = long.MaxValue;
        for (int window = 0; window < windows; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            checksum += ReadSynchronously(reader, framesPerWindow);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return allocated;
    }
}
