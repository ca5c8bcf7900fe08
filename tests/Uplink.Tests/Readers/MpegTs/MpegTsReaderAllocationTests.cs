using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

[Collection(MeasuredAloneCollection.Name)]
public class MpegTsReaderAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Steady_state_reading_allocates_nothing_per_frame(bool pipe)
    {
        var writer = new MpegTsTestWriter().Program();
        for (int i = 0; i < 1000; i++)
        {
            long dts = 90_000 + (i * 3600L);
            writer.Pes(MpegTsTestWriter.VideoPid, dts + 7200, dts, MpegTsTestWriter.AccessUnit(i % 50 == 0, i % 50 == 0 ? 20_000 : 1_500, (byte)i), bounded: false);
            writer.Pes(MpegTsTestWriter.AudioPid, dts, null, [.. MpegTsTestWriter.AdtsFrame(300, fill: (byte)i), .. MpegTsTestWriter.AdtsFrame(250, fill: (byte)i)]);
            if (i % 100 == 0)
            {
                writer.Program(); // tables repeat, as in a real stream
            }
        }

        byte[] bytes = writer.ToArray();
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192) : new MemoryStream(bytes);
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(stream);
        long checksum = ReadSynchronously(reader, 300);

        // Several windows, the quietest counts: the runtime itself (JIT, pool trimming after a GC) may allocate on
        // this thread once in a while, while a per-frame allocation would show in every window.
        long allocated = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            checksum += ReadSynchronously(reader, 800);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(2700, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(0, allocated);
    }

    /// <summary>Reads frames on this thread (the streams complete synchronously) so the allocation counter sees everything.</summary>
    private static long ReadSynchronously(MpegTsReader reader, int frames)
    {
        long checksum = 0;
        for (int i = 0; i < frames; i++)
        {
            ValueTask<bool> read = reader.ReadAsync();
            Assert.True(read.IsCompletedSuccessfully);
            Assert.True(read.Result);
            MediaFrame frame = reader.Current;
            checksum += frame.Data.Span[^1] + frame.Dts.Ticks;
        }

        return checksum;
    }
}
