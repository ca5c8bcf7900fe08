using Uplink.Media;
using static Uplink.Tests.Readers.Elementary.ElementaryTestData;

namespace Uplink.Tests.Readers.Elementary;

[Collection(MeasuredAloneCollection.Name)]
public class ElementaryStreamReaderAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Steady_state_reading_allocates_nothing_per_frame(bool pipe)
    {
        byte[] video = Repeat(Bytes("bf3-pyramid.h264"), 20);
        byte[] audio = Repeat(Bytes("tone.aac"), 20);
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            pipe ? new NonSeekableChunkedStream(video, seed: 7, maxChunk: 8192) : new MemoryStream(video),
            pipe ? new NonSeekableChunkedStream(audio, seed: 8, maxChunk: 1000) : new MemoryStream(audio));
        long checksum = ReadSynchronously(reader, 300);

        // Several windows, the quietest counts: the runtime itself (JIT, pool trimming after a GC) may allocate on
        // this thread once in a while, while a per-frame allocation would show in every window.
        long allocated = long.MaxValue;
        for (int window = 0; window < 4; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            checksum += ReadSynchronously(reader, 500);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(2300, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    internal static byte[] Repeat(byte[] bytes, int times)
    {
        var all = new byte[bytes.Length * times];
        for (int i = 0; i < times; i++)
        {
            bytes.CopyTo(all, i * bytes.Length);
        }

        return all;
    }

    /// <summary>Reads frames on this thread (the streams complete synchronously) so the allocation counter sees everything.</summary>
    private static long ReadSynchronously(ElementaryStreamReader reader, int frames)
    {
        long checksum = 0;
        for (int i = 0; i < frames; i++)
        {
            ValueTask<bool> read = reader.ReadAsync();
            Assert.True(read.IsCompletedSuccessfully);
            Assert.True(read.Result);
            MediaFrame frame = reader.Current;
            checksum += frame.Data.Span[^1] + frame.Pts.Ticks;
        }

        return checksum;
    }
}
