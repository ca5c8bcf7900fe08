using Uplink.Media;

namespace Uplink.Tests.Readers.Matroska;

[Collection(MeasuredAloneCollection.Name)]
public class MatroskaReaderAllocationTests
{
    [Theory]
    [InlineData("standard.mkv", false)]
    [InlineData("standard.mkv", true)]
    [InlineData("live.mkv", true)]
    [InlineData("laced", true)]
    [InlineData("groups", false)]
    [InlineData("stripped", true)]
    public async Task Steady_state_reading_allocates_nothing_per_frame(string file, bool pipe)
    {
        byte[] bytes = file switch
        {
            "laced" => MatroskaTestFiles.WithLacedAudio("standard.mkv", Lacing.Ebml, 4),
            "groups" => MatroskaTestFiles.WithBlockGroups("standard.mkv"),
            "stripped" => MatroskaTestFiles.WithHeaderStripping("standard.mkv", 2),
            _ => MatroskaTestData.Bytes(file),
        };
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192) : new MemoryStream(bytes);
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(stream);
        long checksum = ReaderAllocation.ReadSynchronously(reader, 20);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 39, ref checksum);

        Assert.Equal(137, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }
}
