using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

[Collection(MeasuredAloneCollection.Name)]
public class Mp4ReaderAllocationTests
{
    [Theory]
    [InlineData("faststart.mp4", false)]
    [InlineData("faststart.mp4", true)]
    [InlineData("moov-at-end.mp4", false)]
    [InlineData("fragmented.mp4", false)]
    [InlineData("fragmented-base-moof.mp4", true)]
    [InlineData("negative-cts.mp4", true)]
    public async Task Steady_state_reading_allocates_nothing_per_frame(string fileName, bool pipe)
    {
        byte[] bytes = Mp4TestData.Bytes(fileName);
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192) : new MemoryStream(bytes);
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(stream);
        long checksum = ReadSynchronously(reader, 20);

        long before = GC.GetAllocatedBytesForCurrentThread();
        checksum += ReadSynchronously(reader, 117);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(137, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    /// <summary>Reads frames on this thread (the streams complete synchronously) so the allocation counter sees everything.</summary>
    private static long ReadSynchronously(Mp4Reader reader, int frames)
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
}
