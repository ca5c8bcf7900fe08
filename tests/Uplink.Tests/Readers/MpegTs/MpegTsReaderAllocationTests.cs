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
        long checksum = ReaderAllocation.ReadSynchronously(reader, 300);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 800, ref checksum);

        Assert.Equal(2700, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Steady_state_reading_of_HEVC_and_AC3_allocates_nothing_per_frame()
    {
        var writer = new MpegTsTestWriter().Pat().Pmt(0, (0x24, MpegTsTestWriter.VideoPid, []), (0x81, MpegTsTestWriter.AudioPid, []));
        for (int i = 0; i < 1500; i++)
        {
            long dts = 90_000 + (i * 3600L);
            bool irap = i % 50 == 0;
            byte[] accessUnit = [0, 0, 0, 1, (byte)((irap ? 19 : 1) << 1), 1, .. new byte[irap ? 20_000 : 1_500]];
            accessUnit[^1] = (byte)i;
            writer.Pes(MpegTsTestWriter.VideoPid, dts + 7200, dts, accessUnit, bounded: false);
            writer.Pes(MpegTsTestWriter.AudioPid, dts, null, [0x0B, 0x77, .. new byte[400], (byte)i, 0x0B, 0x77, .. new byte[300]], streamId: 0xBD);
        }

        byte[] bytes = writer.ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192));
        long checksum = ReaderAllocation.ReadSynchronously(reader, 300);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 800, ref checksum);

        Assert.Equal(VideoCodec.Hevc, reader.Video?.Codec);
        Assert.Equal(AudioCodec.Ac3, reader.Audio?.Codec);
        Assert.Equal(2700, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }
}
