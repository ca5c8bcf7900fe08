using Uplink.Media;
using static Uplink.Tests.Readers.Matroska.EbmlElement;
using static Uplink.Tests.Readers.Matroska.MatroskaTestFiles;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>
/// The Matroska layouts ffmpeg 5.1 does not write, made by rewriting its sample (unknown-size clusters, BlockGroups,
/// laced audio, header stripping, old AAC codec IDs) or built from scratch: the frames stay those of the sample.
/// </summary>
public class MatroskaReaderStructureTests
{
    private static readonly byte[] Standard = MatroskaTestData.Bytes("standard.mkv");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unknown_size_clusters_end_where_the_next_cluster_or_the_cues_start(bool pipe)
    {
        byte[] bytes = WithUnknownSizes("standard.mkv");
        Assert.True(bytes.Length > Standard.Length);
        await AssertSameFramesAsync(Standard, pipe ? new NonSeekableChunkedStream(bytes, seed: 4, maxChunk: 1000) : new MemoryStream(bytes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BlockGroups_give_the_same_frames_a_keyframe_being_a_block_without_ReferenceBlock(bool withDuration)
    {
        await AssertSameFramesAsync(Standard, new MemoryStream(WithBlockGroups("standard.mkv", withDuration)));
    }

    [Theory]
    [InlineData(Lacing.Xiph, 4)]
    [InlineData(Lacing.Ebml, 3)]
    [InlineData(Lacing.Ebml, 8)]
    public async Task Laced_audio_frames_follow_each_other_by_the_AAC_frame_duration(Lacing lacing, int perBlock)
    {
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(Standard);
        var warnings = new List<string>();
        List<MatroskaFrameRecord> actual = await MatroskaFrameRecord.ReadAllAsync(WithLacedAudio("standard.mkv", lacing, perBlock), new MediaReaderOptions { OnWarning = warnings.Add });
        Assert.Empty(warnings);

        List<MatroskaFrameRecord> video = actual.Where(f => f.Track == MediaTrack.Video).ToList();
        Assert.True(expected.Where(f => f.Track == MediaTrack.Video).Zip(video).All(pair => pair.First.SameFrameAs(pair.Second)));

        // Each lace's first frame keeps its block's time; the next ones add 1024 samples at 44.1 kHz each, where the
        // sample had them rounded to milliseconds.
        List<MatroskaFrameRecord> expectedAudio = expected.Where(f => f.Track == MediaTrack.Audio).ToList();
        List<MatroskaFrameRecord> audio = actual.Where(f => f.Track == MediaTrack.Audio).ToList();
        Assert.Equal(expectedAudio.Count, audio.Count);
        TimeSpan laceStart = default;
        for (int i = 0, k = 0; i < audio.Count; i++, k++)
        {
            if (i == 0 || audio[i].Offset != audio[i - 1].Offset)
            {
                laceStart = audio[i].Pts;
                k = 0;
                Assert.Equal(expectedAudio[i].Pts, audio[i].Pts);
            }

            Assert.Equal(expectedAudio[i].Data, audio[i].Data);
            Assert.Equal(laceStart + TimeSpan.FromTicks(k * 1024 * TimeSpan.TicksPerSecond / 44100), audio[i].Pts);
            Assert.Equal(audio[i].Pts, audio[i].Dts);
            Assert.True(audio[i].IsKeyframe);
            Assert.InRange((audio[i].Pts - expectedAudio[i].Pts).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public async Task Header_stripping_is_undone_in_every_frame()
    {
        await AssertSameFramesAsync(Standard, new MemoryStream(WithHeaderStripping("standard.mkv", 2)));
    }

    [Fact]
    public async Task Header_stripping_of_the_CodecPrivate_is_undone()
    {
        byte[] asc = Asc;
        EbmlElement audio = AudioTrack(asc: asc[1..]);
        audio.Children!.Add(ContentEncodingOf(2, 0, 3, asc[..1]));
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(Build([InfoOf(), TracksOf(audio)])));
        Assert.Equal(asc, reader.Audio!.AudioSpecificConfig.ToArray());
        Assert.False(await reader.ReadAsync());
    }

    [Theory]
    [InlineData("A_AAC/MPEG4/LC", 44100.0, 2UL, null, "1210")]
    [InlineData("A_AAC/MPEG2/LC", 48000.0, 1UL, null, "1188")]
    [InlineData("A_AAC/MPEG4/MAIN", 22050.0, 6UL, null, "0BB0")]
    [InlineData("A_AAC/MPEG4/LC/SBR", 44100.0, 2UL, 88200.0, "121056E588")]
    [InlineData("A_AAC/MPEG4/LC", 44000.0, 2UL, null, "178055F010")]
    [InlineData("A_AAC", 44100.0, 2UL, null, "1210")]
    public async Task An_AAC_track_without_CodecPrivate_gets_an_AudioSpecificConfig_built_from_its_fields(string codecId, double rate, ulong channels, double? outputRate, string expected)
    {
        EbmlElement audio = AudioTrack(codecId: codecId, rate: rate, channels: channels, withCodecPrivate: false);
        if (outputRate is double output)
        {
            audio.Child(Audio).Children!.Add(Float(OutputSamplingFrequency, output));
        }

        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(Build([InfoOf(), TracksOf(audio)])));
        Assert.Equal(expected, Convert.ToHexString(reader.Audio!.AudioSpecificConfig.Span));
        Assert.Equal((int)(outputRate ?? rate), reader.Audio.SampleRate);
    }

    [Fact]
    public async Task The_FlagDefault_track_of_a_kind_is_preferred_and_the_others_are_ignored_with_a_warning()
    {
        EbmlElement first = AudioTrack(number: 2, rate: 48000, asc: [0x11, 0x90]);
        first.Children!.Add(UInt(FlagDefault, 0));
        EbmlElement second = AudioTrack(number: 3);
        EbmlElement subtitles = new(TrackEntry, UInt(TrackNumber, 4), UInt(TrackType, 0x11), Text(CodecId, "S_TEXT/UTF8"));
        byte[] bytes = Build([InfoOf(), TracksOf(VideoTrack(), first, second, subtitles),
            ClusterOf(0, SimpleBlockOf(4, 0, true, [1, 2, 3]), SimpleBlockOf(2, 0, true, [9]), SimpleBlockOf(3, 0, true, [7, 7]), SimpleBlockOf(1, 0, true, [0, 0, 0, 1, 0x65]))]);
        var warnings = new List<string>();
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(bytes), new MediaReaderOptions { OnWarning = warnings.Add });
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(reader);

        Assert.Equal(44100, reader.Audio!.SampleRate);
        Assert.Equal("Matroska: track 2 (audio) (AAC (A_AAC)) is ignored: only one audio track (track 3 (audio)) is used", Assert.Single(warnings));
        Assert.Equal([[7, 7], [0, 0, 0, 1, 0x65]], frames.Select(f => f.Data));
    }

    [Fact]
    public async Task A_track_RTMP_cannot_carry_gives_way_to_the_next_of_its_kind_with_a_warning_and_disabled_tracks_are_ignored()
    {
        EbmlElement vorbis = AudioTrack(number: 2, codecId: "A_VORBIS", asc: [2, 30, 20, 1, 2, 3]);
        EbmlElement disabled = AudioTrack(number: 3);
        disabled.Children!.Add(UInt(FlagEnabled, 0));
        EbmlElement aac = AudioTrack(number: 4, rate: 48000, asc: [0x11, 0x90]);
        var warnings = new List<string>();
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(Build([TracksOf(vorbis, disabled, aac)])), new MediaReaderOptions { OnWarning = warnings.Add });
        Assert.Equal(48000, reader.Audio!.SampleRate);
        Assert.Null(reader.Video);
        Assert.Equal("Matroska: track 2 (audio): Vorbis (A_VORBIS) cannot be published over RTMP; using track 4 (audio) instead", Assert.Single(warnings));
    }

    [Fact]
    public async Task A_webm_document_is_named_WebM()
    {
        List<EbmlElement> file = Sample("standard.mkv");
        file[0].Child(DocType).Data = "webm"u8.ToArray();
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(Write(file)));
        Assert.Equal("WebM", reader.FormatName);
        Assert.True(await reader.ReadAsync());
    }

    [Fact]
    public async Task Timestamps_follow_the_TimestampScale_and_negative_relative_timestamps()
    {
        // 0.1 ms units: cluster at 1 s, blocks at -0.5 ms and +12.3 ms relative.
        byte[] bytes = Build([InfoOf(scale: 100_000), TracksOf(AudioTrack()), ClusterOf(10_000, SimpleBlockOf(2, -5, true, [1]), SimpleBlockOf(2, 123, true, [2]))]);
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(bytes);
        Assert.Equal([TimeSpan.FromMilliseconds(999.5), TimeSpan.FromMilliseconds(1012.3)], frames.Select(f => f.Pts));
    }

    [Theory]
    [InlineData(Lacing.Xiph)]
    [InlineData(Lacing.Ebml)]
    [InlineData(Lacing.Fixed)]
    public async Task A_laced_block_splits_into_its_frames_timed_by_BlockDuration_or_DefaultDuration(Lacing lacing)
    {
        byte[][] frames = lacing == Lacing.Fixed
            ? [[.. Enumerable.Repeat((byte)1, 300)], [.. Enumerable.Repeat((byte)2, 300)], [.. Enumerable.Repeat((byte)3, 300)]]
            : [[.. Enumerable.Repeat((byte)1, 600)], [2], [.. Enumerable.Repeat((byte)3, 255)], [.. Enumerable.Repeat((byte)4, 40)]];
        EbmlElement audio = AudioTrack();
        audio.Children!.Add(UInt(DefaultDuration, 20_000_000)); // 20 ms a frame, rather than 1024 / 44100 s
        EbmlElement timed = new(BlockGroup, new EbmlElement(Block, BlockData(2, 100, 0, lacing, frames)), UInt(BlockDuration, 90));
        byte[] bytes = Build([InfoOf(), TracksOf(audio), ClusterOf(1000, new EbmlElement(SimpleBlock, BlockData(2, 0, 0x80, lacing, frames)), timed)]);

        List<MatroskaFrameRecord> read = await MatroskaFrameRecord.ReadAllAsync(bytes);
        Assert.Equal([.. frames, .. frames], read.Select(f => f.Data));
        TimeSpan step = TimeSpan.FromMilliseconds(90.0 / frames.Length);
        Assert.Equal(
            [.. frames.Select((_, k) => TimeSpan.FromMilliseconds(1000 + (20 * k))), .. frames.Select((_, k) => TimeSpan.FromMilliseconds(1100) + TimeSpan.FromTicks(k * step.Ticks))],
            read.Select(f => f.Pts));
    }

    [Fact]
    public async Task Without_max_num_reorder_frames_in_the_SPS_the_delay_comes_from_a_look_ahead_at_the_first_frames()
    {
        // x264 declares 2 for its B-pyramid; the sample's frames are reordered by 1 at most, which the look-ahead measures.
        List<EbmlElement> file = Sample("standard.mkv");
        byte[] avcC = H264TestSps.AvcC(H264TestSps.WithoutVui(100), H264TestSps.PpsOf(AvcC));
        Track(file, VideoTrackNumber).Child(CodecPrivate).Data = avcC;
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(Standard);
        foreach (bool pipe in new[] { false, true })
        {
            byte[] bytes = Write(file);
            var warnings = new List<string>();
            await using MatroskaReader reader = await MatroskaReader.OpenAsync(pipe ? new NonSeekableChunkedStream(bytes, seed: 2, maxChunk: 500) : new MemoryStream(bytes), new MediaReaderOptions { OnWarning = warnings.Add });
            Assert.Null(reader.Video!.FrameRate);
            Assert.Equal(1, reader.VideoReorderDelay);
            List<MatroskaFrameRecord> actual = await MatroskaFrameRecord.ReadAllAsync(reader);
            Assert.Empty(warnings);
            Assert.True(expected.Zip(actual).All(pair => pair.First.SameFrameAs(pair.Second with { Dts = pair.First.Dts })));
            List<MatroskaFrameRecord> video = actual.Where(f => f.Track == MediaTrack.Video).ToList();
            Assert.Equal(TimeSpan.FromMilliseconds(23 - 40), video[0].Dts);
            Assert.All(video, f => Assert.True(f.Dts <= f.Pts, f.ToString()));
            Assert.True(video.Zip(video.Skip(1)).All(pair => pair.First.Dts < pair.Second.Dts));
        }
    }

    [Fact]
    public async Task A_Baseline_SPS_without_VUI_means_no_reordering()
    {
        byte[] avcC = H264TestSps.AvcC(H264TestSps.WithoutVui(66), H264TestSps.PpsOf(AvcC));
        byte[] bytes = Build([InfoOf(), TracksOf(VideoTrack(avcC: avcC)), ClusterOf(0, SimpleBlockOf(1, 0, true, [0, 0, 0, 1, 0x65]), SimpleBlockOf(1, 40, false, [0, 0, 0, 1, 0x41]))]);
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(bytes));
        Assert.Equal(0, reader.VideoReorderDelay);
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(reader);
        Assert.All(frames, f => Assert.Equal(f.Pts, f.Dts));
    }

    [Fact]
    public async Task A_huge_attachment_before_the_clusters_is_streamed_past_without_buffering_it()
    {
        List<EbmlElement> file = Sample("standard.mkv");
        EbmlElement segment = SegmentOf(file);
        segment.Children!.Insert(segment.Children.FindIndex(e => e.Id == Cluster), new EbmlElement(Attachments, new byte[32 * 1024 * 1024]));
        byte[] bytes = Write(file);
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(Standard);
        foreach (bool pipe in new[] { false, true })
        {
            (string outcome, long allocated, int frames) = ReaderFuzzing.ReadEverything(async stream => await MatroskaReader.OpenAsync(stream), bytes, pipe);
            Assert.Equal("end", outcome);
            Assert.Equal(expected.Count, frames);
            Assert.True(allocated < 2 * 1024 * 1024, $"{(pipe ? "pipe" : "file")}: allocated {allocated} bytes");
        }
    }

    private static async Task AssertSameFramesAsync(byte[] expectedFile, Stream actual)
    {
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(expectedFile);
        var warnings = new List<string>();
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(actual, new MediaReaderOptions { OnWarning = warnings.Add });
        Assert.Empty(warnings);
        Assert.Equal(expected.Count, frames.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameFrameAs(frames[i]), $"frame {i}: expected {expected[i]}, read {frames[i]}");
        }
    }
}
