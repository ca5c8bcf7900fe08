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
        long checksum = ReaderAllocation.ReadSynchronously(reader, 300);

        long allocated = ReaderAllocation.QuietestWindow(reader, 4, 500, ref checksum);

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
}
