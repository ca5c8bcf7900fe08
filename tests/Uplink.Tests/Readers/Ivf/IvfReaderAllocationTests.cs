using Uplink.Media;

namespace Uplink.Tests.Readers.Ivf;

[Collection(MeasuredAloneCollection.Name)]
public class IvfReaderAllocationTests
{
    [Theory]
    [InlineData("svt-main.ivf", false)]
    [InlineData("svt-main.ivf", true)]
    [InlineData("aom-main.ivf", true)]
    public async Task Steady_state_reading_allocates_nothing_per_frame(string file, bool pipe)
    {
        // 400 frames: the file's 10 (two key frames with their sequence header each) over and over.
        byte[] bytes = IvfTestFiles.Build(IvfTestFiles.Frames(file), repeat: 40);
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192) : new MemoryStream(bytes);
        await using IvfReader reader = await IvfReader.OpenAsync(stream);
        long checksum = ReaderAllocation.ReadSynchronously(reader, 20);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 100, ref checksum);

        Assert.Equal(320, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }
}
