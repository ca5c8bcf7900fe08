using Uplink.Media;
using Uplink.Tests.Readers.Matroska;
using Uplink.Tests.Readers.Mp4;
using Uplink.Tests.Readers.MpegTs;
using static Uplink.Tests.Readers.Matroska.MatroskaTestFiles;

namespace Uplink.Tests.Readers;

/// <summary>With <see cref="MediaReaderOptions.AllTracks"/> steady-state reading allocates nothing per frame either.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class MultiTrackAllocationTests
{
    private static readonly MediaReaderOptions AllTracks = new() { AllTracks = true };

    [Fact]
    public async Task Mp4_with_every_track_allocates_nothing_per_frame()
    {
        byte[] bytes = Mp4TestData.Bytes("extra-tracks.mp4");
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192), AllTracks);
        long checksum = ReaderAllocation.ReadSynchronously(reader, 10);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 30, ref checksum);

        Assert.Equal(2, reader.AudioTracks.Count);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Matroska_with_every_track_allocates_nothing_per_frame()
    {
        var clusters = new List<EbmlElement>();
        for (int c = 0; c < 10; c++)
        {
            var blocks = new List<EbmlElement>();
            for (short i = 0; i < 25; i++)
            {
                blocks.Add(SimpleBlockOf(1, (short)(i * 40), i == 0, [0, 0, 0, 2, 0x65, (byte)i]));
                blocks.Add(SimpleBlockOf(2, (short)(i * 40), true, [0x21, (byte)i]));
                blocks.Add(SimpleBlockOf(3, (short)(i * 40), true, [0x22, (byte)i]));
            }

            clusters.Add(ClusterOf((ulong)(c * 1000), blocks));
        }

        byte[] bytes = Build([InfoOf(), TracksOf(VideoTrack(), AudioTrack(number: 2), AudioTrack(number: 3)), .. clusters]);
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192), AllTracks);
        long checksum = ReaderAllocation.ReadSynchronously(reader, 100);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 200, ref checksum);

        Assert.Equal(2, reader.AudioTracks.Count);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task MpegTs_with_two_programs_allocates_nothing_per_frame()
    {
        const int Pmt2 = 0x1100, V2 = 0x200, A2 = 0x201;
        var writer = new MpegTsTestWriter();
        for (int i = 0; i < 600; i++)
        {
            if (i % 100 == 0)
            {
                // Tables repeat, as in a real stream.
                writer.Pat((1, MpegTsTestWriter.PmtPid), (2, Pmt2))
                    .Pmt(1, MpegTsTestWriter.PmtPid, 0, (0x1B, MpegTsTestWriter.VideoPid, []), (0x0F, MpegTsTestWriter.AudioPid, []))
                    .Pmt(2, Pmt2, 0, (0x24, V2, []), (0x0F, A2, []));
            }

            long dts = 90_000 + (i * 3600L);
            writer.Pes(MpegTsTestWriter.VideoPid, dts + 7200, dts, MpegTsTestWriter.AccessUnit(i % 50 == 0, 1_500, (byte)i), bounded: false);
            writer.Pes(V2, dts, null, [0, 0, 0, 1, (byte)((i % 50 == 0 ? 19 : 1) << 1), 1, .. new byte[800], (byte)(i | 1)], bounded: false);
            writer.Pes(MpegTsTestWriter.AudioPid, dts, null, MpegTsTestWriter.AdtsFrame(300, fill: (byte)i));
            writer.Pes(A2, dts, null, MpegTsTestWriter.AdtsFrame(200, fill: (byte)(i + 1)));
        }

        byte[] bytes = writer.ToArray();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(new NonSeekableChunkedStream(bytes, seed: 9, maxChunk: 8192), AllTracks);
        long checksum = ReaderAllocation.ReadSynchronously(reader, 300);

        long allocated = ReaderAllocation.QuietestWindow(reader, 3, 600, ref checksum);

        Assert.Equal(2, reader.VideoTracks.Count);
        Assert.Equal(2, reader.AudioTracks.Count);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(0, allocated);
    }
}
