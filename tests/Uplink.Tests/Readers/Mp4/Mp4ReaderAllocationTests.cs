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
        long checksum = ReaderAllocation.ReadSynchronously(reader, 20);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 39, ref checksum);

        Assert.Equal(137, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }
}
