using Uplink.Media;
using static Uplink.Tests.Readers.Matroska.EbmlElement;
using static Uplink.Tests.Readers.Matroska.MatroskaTestFiles;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>
/// Damage after the header is skipped with a warning: a cut recording ends after its last complete frame, garbage is
/// skipped to the next Cluster, an unusable block is dropped — and every frame delivered equals the clean file's.
/// </summary>
public class MatroskaReaderDamageTests
{
    private static readonly byte[] Clean = MatroskaTestData.Bytes("standard.mkv");

    private static async Task<(List<MatroskaFrameRecord> Frames, List<string> Warnings)> ReadAsync(byte[] bytes, bool pipe = false, int seed = 1)
    {
        var warnings = new List<string>();
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed, maxChunk: 3000) : new MemoryStream(bytes);
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(stream, new MediaReaderOptions { OnWarning = warnings.Add });
        return (frames, warnings);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(37, true)]
    [InlineData(100, false)]
    [InlineData(137, true)]
    public async Task A_recording_cut_inside_a_block_ends_after_the_last_complete_frame_with_a_warning(int frame, bool pipe)
    {
        List<MatroskaFrameRecord> all = await MatroskaFrameRecord.ReadAllAsync(Clean);
        long cut = all[frame].Offset + 5;
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(Clean[..(int)cut], pipe);
        Assert.Equal(frame, frames.Count);
        Assert.True(all.Zip(frames).All(pair => pair.First.SameAs(pair.Second)));
        string warning = Assert.Single(warnings);
        Assert.StartsWith($"Matroska: the stream ends at offset {cut}, inside the element 0xA3 at offset ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_cut_between_two_blocks_ends_with_a_warning_about_the_cluster_size()
    {
        EbmlElement cluster = Clusters(Sample("standard.mkv")).Last();
        long cut = cluster.Children![4].Offset;
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(Clean[..(int)cut], pipe: true);
        Assert.Equal((await MatroskaFrameRecord.ReadAllAsync(Clean)).Count(f => f.Offset < cut), frames.Count);
        Assert.Equal($"Matroska: the stream ends at offset {cut}, inside the cluster at offset {cluster.Offset} ({cluster.DataOffset + EbmlElement.Write(cluster.Children).Length - cluster.Offset} bytes declared)", Assert.Single(warnings));
    }

    [Fact]
    public async Task A_recording_cut_between_clusters_ends_with_a_warning_about_the_segment_size()
    {
        long second = Clusters(Sample("standard.mkv")).ElementAt(1).Offset;
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(Clean[..(int)second], pipe: true);
        Assert.NotEmpty(frames);
        Assert.Contains("before the end of the segment at offset", Assert.Single(warnings), StringComparison.Ordinal);

        // An unknown-size segment ends cleanly wherever its elements do.
        byte[] live = MatroskaTestData.Bytes("live.mkv");
        long cluster = Clusters(Sample("live.mkv")).ElementAt(2).Offset;
        (frames, warnings) = await ReadAsync(live[..(int)cluster]);
        Assert.NotEmpty(frames);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 5000)]
    [InlineData(3, 1)]
    public async Task Garbage_inside_a_cluster_is_skipped_to_the_next_cluster_with_a_warning(int cluster, int length)
    {
        List<MatroskaFrameRecord> all = await MatroskaFrameRecord.ReadAllAsync(Clean);
        EbmlElement damaged = Clusters(Sample("standard.mkv")).ElementAt(cluster);
        EbmlElement next = Clusters(Sample("standard.mkv")).ElementAt(cluster + 1);
        byte[] bytes = (byte[])Clean.Clone();
        int at = (int)damaged.Children![3].Offset; // a block's header
        new Random(cluster).NextBytes(bytes.AsSpan(at, length));
        bytes[at] = 0; // not a valid element header

        foreach (bool pipe in new[] { false, true })
        {
            (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(bytes, pipe, seed: length);
            string warning = Assert.Single(warnings);
            Assert.StartsWith($"Matroska: the bytes at offset {at} are not a valid element header; skipped ", warning, StringComparison.Ordinal);
            Assert.EndsWith($"bytes to the next cluster at offset {next.Offset}", warning, StringComparison.Ordinal);
            // The frames lost are missing from the video DTS rule's queue, so the DTS of the next frames differ.
            Assert.Equal(all.Where(f => f.Offset < at || f.Offset > next.Offset), frames, (a, b) => a.SameAs(b with { Dts = a.Dts }));
            Assert.True(frames.Where(f => f.Track == MediaTrack.Video).Zip(frames.Where(f => f.Track == MediaTrack.Video).Skip(1)).All(pair => pair.First.Dts < pair.Second.Dts && pair.Second.Dts <= pair.Second.Pts));
        }
    }

    [Fact]
    public async Task Garbage_after_the_last_cluster_ends_the_stream_with_a_warning()
    {
        byte[] live = [.. MatroskaTestData.Bytes("live.mkv"), 0, 1, 2, 3, 4, 5];
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(live, pipe: true);
        Assert.Equal(138, frames.Count);
        Assert.Contains("no cluster follows in the", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_concatenated_second_segment_is_not_read()
    {
        byte[] live = MatroskaTestData.Bytes("live.mkv");
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync([.. live, .. live]);
        Assert.Equal(138, frames.Count);
        Assert.Equal($"Matroska: another segment starts at offset {live.Length} (concatenated files); only the first one is read", Assert.Single(warnings));
    }

    [Fact]
    public async Task Unusable_blocks_are_skipped_with_a_warning()
    {
        byte[] badLacing = [.. BlockData(2, 20, 0x80, Lacing.Xiph, [1], [2])];
        badLacing[4] = 200; // 201 laced frames, with sizes for 1
        byte[] bytes = Build([InfoOf(), TracksOf(AudioTrack()),
            new EbmlElement(Cluster, SimpleBlockOf(2, 0, true, [1]), UInt(Timestamp, 1000), SimpleBlockOf(2, 10, true, [2]), new EbmlElement(SimpleBlock, badLacing),
                SimpleBlockOf(2, 5, true, [3]), SimpleBlockOf(2, 30, true, [4]), new EbmlElement(SimpleBlock, new byte[] { 0x82, 0 }))]);
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(bytes);

        Assert.Equal([[2], [4]], frames.Select(f => f.Data));
        Assert.Equal(4, warnings.Count);
        Assert.Contains("comes before the Timestamp of its cluster", warnings[0], StringComparison.Ordinal);
        Assert.Contains("its Xiph lace sizes run past its end", warnings[1], StringComparison.Ordinal);
        Assert.Contains("goes back in time (00:00:01.0050000 after 00:00:01.0100000); it is skipped", warnings[2], StringComparison.Ordinal);
        Assert.Contains("is too short for its header; it is skipped", warnings[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_timestamp_gone_wild_is_taken_for_damage_unless_the_next_clusters_keep_to_it()
    {
        static EbmlElement Cluster(ulong timestamp, byte data) => ClusterOf(timestamp, SimpleBlockOf(1, 0, true, [0, 0, 0, 1, 0x65]), SimpleBlockOf(2, 0, true, [data]));
        byte[] flipped = Build([InfoOf(), TracksOf(VideoTrack(), AudioTrack()), Cluster(0, 1), Cluster(1UL << 40, 2), Cluster(1000, 3)]);
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(flipped);
        Assert.Equal([[1], [3]], frames.Where(f => f.Track == MediaTrack.Audio).Select(f => f.Data));
        Assert.Matches(@"^Matroska: the cluster at offset \d+ has Timestamp 1099511627776, 12725\.\d\d:\d\d:\d\d\.\d+ away from the previous cluster's: taken for damage; skipped \d+ bytes to the next cluster at offset \d+$", Assert.Single(warnings));

        // Three clusters keep to the new time: the jump is real, after two clusters taken for damage.
        byte[] jump = Build([InfoOf(), TracksOf(VideoTrack(), AudioTrack()), Cluster(0, 1), Cluster(4_000_000, 2), Cluster(4_001_000, 3), Cluster(4_002_000, 4)]);
        (frames, warnings) = await ReadAsync(jump);
        Assert.Equal([[1], [4]], frames.Where(f => f.Track == MediaTrack.Audio).Select(f => f.Data));
        Assert.Equal(2, warnings.Count);
    }

    [Fact]
    public async Task Frames_going_back_in_a_run_are_warned_once_with_a_count_not_once_a_frame()
    {
        byte[] avcC = H264TestSps.AvcC(H264TestSps.WithoutVui(66), H264TestSps.PpsOf(AvcC));
        byte[] bytes = Build([InfoOf(), TracksOf(VideoTrack(avcC: avcC), AudioTrack()),
            ClusterOf(0, [SimpleBlockOf(1, 400, true, [0, 0, 0, 1, 0x65]), SimpleBlockOf(2, 1000, true, [1]),
                .. Enumerable.Range(0, 20).SelectMany(i => new[] { SimpleBlockOf(1, (short)(i * 10), false, [0, 0, 0, 1, 0x41]), SimpleBlockOf(2, (short)(i * 23), true, [2]) })])]);
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(bytes);

        Assert.Equal(1 + 1 + 20, frames.Count); // the 20 audio frames going back are dropped; the video frames raised
        Assert.True(warnings.Count == 4, string.Join("\n", warnings));
        Assert.StartsWith("Matroska: the video frame at offset", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("Matroska: the audio frame at offset", warnings[1], StringComparison.Ordinal);
        Assert.Equal("Matroska: 19 more video frames right after it were shown before frames decoded earlier; their PTS were raised to their DTS", warnings[2]);
        Assert.Equal("Matroska: 19 more audio frames right after it went back in time too and were skipped", warnings[3]);
    }

    [Fact]
    public async Task A_video_frame_reordered_deeper_than_declared_is_raised_to_its_DTS_and_the_delay_grows()
    {
        short[] pts = [0, 160, 40, 80, 20, 120, 200, 240];
        byte[] bytes = Build([InfoOf(), TracksOf(VideoTrack()), ClusterOf(0, pts.Select((p, i) => SimpleBlockOf(1, p, i == 0, [0, 0, 0, 1, (byte)i])))]);
        var warnings = new List<string>();
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(bytes), new MediaReaderOptions { OnWarning = warnings.Add });
        Assert.Equal(2, reader.VideoReorderDelay);
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(reader);

        Assert.Equal(3, reader.VideoReorderDelay);
        Assert.Equal([-80, -40, 0, 40, 40, 40, 80, 120], frames.Select(f => (int)f.Dts.TotalMilliseconds));
        Assert.Equal([0, 160, 40, 80, 40, 120, 200, 240], frames.Select(f => (int)f.Pts.TotalMilliseconds));
        Assert.Contains("reorders deeper than the 2 frames the reader assumed; its PTS is raised to its DTS 00:00:00.0400000", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_element_that_cannot_be_where_it_is_is_skipped_to_the_next_cluster()
    {
        EbmlElement odd = new(0x4286, new byte[] { 1 }); // EBMLVersion: a child of the EBML header only
        byte[] inCluster = Build([InfoOf(), TracksOf(AudioTrack()),
            ClusterOf(0, SimpleBlockOf(2, 0, true, [1]), odd, SimpleBlockOf(2, 23, true, [2])),
            ClusterOf(100, SimpleBlockOf(2, 0, true, [3]))]);
        (List<MatroskaFrameRecord> frames, List<string> warnings) = await ReadAsync(inCluster, pipe: true);
        Assert.Equal([[1], [3]], frames.Select(f => f.Data));
        Assert.Matches(@"^Matroska: element 0x4286 at offset \d+ cannot be a child of the cluster at offset \d+; skipped 11 bytes to the next cluster at offset \d+$", Assert.Single(warnings));

        byte[] inSegment = Build([InfoOf(), TracksOf(AudioTrack()), ClusterOf(0, SimpleBlockOf(2, 0, true, [1])), odd, ClusterOf(100, SimpleBlockOf(2, 0, true, [3]))]);
        (frames, warnings) = await ReadAsync(inSegment);
        Assert.Equal([[1], [3]], frames.Select(f => f.Data));
        Assert.Matches(@"^Matroska: element 0x4286 at offset \d+ cannot be a child of the Segment; skipped 4 bytes to the next cluster at offset \d+$", Assert.Single(warnings));
    }
}
