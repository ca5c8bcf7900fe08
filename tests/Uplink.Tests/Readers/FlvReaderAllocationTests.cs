using Uplink.Media;

namespace Uplink.Tests.Readers;

[Collection(MeasuredAloneCollection.Name)]
public class FlvReaderAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Steady_state_reading_allocates_nothing_per_frame(bool pipe)
    {
        var writer = new FlvTestWriter()
            .AvcSequenceHeader(0, [1, 0x64, 0, 0x1F, 0xFF, 0xE0, 0])
            .AacSequenceHeader(0, [0x12, 0x10]);
        for (uint i = 0; i < 1000; i++)
        {
            writer.AvcFrame(i * 40, i % 50 == 0, FlvTestWriter.NalUnit(i % 50 == 0 ? 20_000 : 1_500, (byte)i), compositionTime: 80);
            writer.AacFrame(i * 23, FlvTestWriter.NalUnit(300, (byte)i));
        }

        byte[] bytes = writer.ToArray();
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192) : new MemoryStream(bytes);
        await using FlvReader reader = await FlvReader.OpenAsync(stream);
        long checksum = ReaderAllocation.ReadSynchronously(reader, 200);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 500, ref checksum);

        Assert.Equal(1700, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Steady_state_reading_of_Enhanced_FLV_allocates_nothing_per_frame()
    {
        // hvc1 CodedFrames (with composition time) and CodedFramesX, Opus frames, and skipped Metadata packets.
        var writer = new FlvTestWriter().Tag(9, 0, [0x90, .. "hvc1"u8, 1, 2, 3]).Tag(8, 0, [0x90, .. "Opus"u8, 4, 5]);
        for (uint i = 0; i < 1000; i++)
        {
            byte[] nal = FlvTestWriter.NalUnit(i % 50 == 0 ? 20_000 : 1_500, (byte)i);
            writer.Tag(9, i * 40, i % 2 == 0 ? [(byte)(i % 50 == 0 ? 0x91 : 0xA1), .. "hvc1"u8, 0, 0, 80, .. nal] : [0xA3, .. "hvc1"u8, .. nal]);
            writer.Tag(8, i * 20, [0x91, .. "Opus"u8, .. FlvTestWriter.NalUnit(300, (byte)i)]);
            if (i % 100 == 0)
            {
                writer.Tag(9, i * 40, [0xD4, .. "hvc1"u8, 2, 0, 9]);
            }
        }

        await using FlvReader reader = await FlvReader.OpenAsync(new NonSeekableChunkedStream(writer.ToArray(), seed: 3, maxChunk: 8192));
        long checksum = ReaderAllocation.ReadSynchronously(reader, 200);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 500, ref checksum);

        Assert.Equal(1700, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Steady_state_reading_of_every_multitrack_track_allocates_nothing_per_frame()
    {
        // av01 track 0 plain, tracks 1 and 2 in one ManyTracks tag; ac-3 track 0 plain, track 1 as OneTrack.
        var writer = new FlvTestWriter();
        for (uint i = 0; i < 1000; i++)
        {
            byte[] frame = FlvTestWriter.NalUnit(1_500, (byte)i);
            byte[] small = FlvTestWriter.NalUnit(300, (byte)i);
            writer.Tag(9, i * 40, [0x91, .. "av01"u8, .. frame]);
            writer.Tag(9, i * 40, [0x96, 0x11, .. "av01"u8, 1, 0, (byte)(small.Length >> 8), (byte)small.Length, .. small, 2, 0, (byte)(small.Length >> 8), (byte)small.Length, .. small]);
            writer.Tag(8, i * 32, [0x91, .. "ac-3"u8, .. small]);
            writer.Tag(8, i * 32, [0x95, 0x01, .. "ac-3"u8, 1, .. small]);
        }

        await using FlvReader reader = await FlvReader.OpenAsync(new NonSeekableChunkedStream(writer.ToArray(), seed: 5, maxChunk: 8192), new MediaReaderOptions { AllTracks = true });
        long checksum = ReaderAllocation.ReadSynchronously(reader, 200);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 500, ref checksum);

        Assert.Equal((3, 2), (reader.VideoTracks.Count, reader.AudioTracks.Count));
        Assert.Equal(1700, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }
}
