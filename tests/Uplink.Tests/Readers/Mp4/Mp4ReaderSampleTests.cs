using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>
/// Reads the ffmpeg-made samples (TestData/Mp4/make-samples.sh) and compares every frame with what
/// ffprobe -ignore_editlist 1 -show_packets reported for it.
/// </summary>
public class Mp4ReaderSampleTests
{
    public static TheoryData<string, string, int, int, int> Samples => new()
    {
        // file, format name, video frames, video keyframes, audio frames
        { "faststart.mp4", "MP4", 50, 2, 88 },
        { "moov-at-end.mp4", "MP4", 50, 2, 88 },
        { "fragmented.mp4", "fragmented MP4", 50, 5, 88 },
        { "fragmented-base-moof.mp4", "fragmented MP4", 50, 5, 88 },
        { "fragmented-moov-samples.mp4", "fragmented MP4", 50, 5, 88 },
        { "fragmented-separate-moof.mp4", "fragmented MP4", 50, 5, 88 },
        { "sample.mov", "MP4", 50, 2, 88 },
        { "video-only.mp4", "MP4", 50, 2, 0 },
        { "audio-only-mono.m4a", "MP4", 0, 0, 88 },
        { "negative-cts.mp4", "MP4", 50, 2, 88 },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Every_frame_of_the_ffmpeg_sample_matches_ffprobe(string fileName, string formatName, int videoFrames, int videoKeyframes, int audioFrames)
    {
        var warnings = new List<string>();
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(File.OpenRead(Mp4TestData.PathOf(fileName)), new MediaReaderOptions { OnWarning = warnings.Add });

        Assert.Equal(formatName, reader.FormatName);
        Assert.Equal(videoFrames > 0, reader.Video is not null);
        Assert.Equal(audioFrames > 0, reader.Audio is not null);
        if (reader.Video is not null)
        {
            Assert.Equal(4, reader.Video.NalLengthSize);
            Assert.Equal(0x64, reader.Video.DecoderConfiguration.Span[1]); // High profile
            Assert.Equal(320, reader.Video.Width);
        }

        if (reader.Audio is not null)
        {
            Assert.Equal(44100, reader.Audio.SampleRate);
            Assert.Equal(fileName.Contains("mono", StringComparison.Ordinal) ? 1 : 2, reader.Audio.Channels);
        }

        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(reader);

        Assert.Equal(frames.Count, reader.FramesRead);
        Assert.Equal(videoFrames, frames.Count(f => f.Track == MediaTrack.Video));
        Assert.Equal(videoKeyframes, frames.Count(f => f.Track == MediaTrack.Video && f.IsKeyframe));
        Assert.Equal(audioFrames, frames.Count(f => f.Track == MediaTrack.Audio));
        Assert.DoesNotContain(frames, f => f.IsConfiguration);
        Assert.Empty(warnings);

        AssertSameAsProbe(fileName, frames, expectNegativeCompositionOffsets: fileName == "negative-cts.mp4");
    }

    [Fact]
    public async Task Only_the_first_audio_track_is_used_and_the_second_is_ignored_with_a_warning_and_subtitles_silently()
    {
        var warnings = new List<string>();
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(File.OpenRead(Mp4TestData.PathOf("extra-tracks.mp4")), new MediaReaderOptions { OnWarning = warnings.Add });
        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(reader);

        string warning = Assert.Single(warnings);
        Assert.Contains("track 3 (audio) (AAC) is ignored: only the first audio track (track 2 (audio)) is used", warning, StringComparison.Ordinal);
        Assert.Equal(44100, reader.Audio!.SampleRate);
        Assert.Equal(160, reader.Video!.Width);
        AssertSameAsProbe("extra-tracks.mp4", frames, expectNegativeCompositionOffsets: false);
    }

    [Fact]
    public async Task An_empty_sample_is_skipped()
    {
        byte[] bytes = Mp4TestData.Bytes("moov-at-end.mp4");
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Mp4BoxLayout audioSizes = Mp4BoxLayout.Walk(bytes).Where(b => b.Type == "stsz").ElementAt(1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(audioSizes.Offset + audioSizes.Size - 4), 0); // the last audio sample
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        expected.Remove(expected.Last(f => f.Track == MediaTrack.Audio));
        Assert.Equal(137, actual.Count);
        Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public async Task A_damaged_table_of_an_ignored_track_does_not_matter()
    {
        byte[] bytes = Mp4TestData.Bytes("extra-tracks.mp4");
        Mp4BoxLayout ignoredTable = Mp4BoxLayout.Walk(bytes).Where(b => b.Type == "stsz").ElementAt(2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ignoredTable.Offset + 16), uint.MaxValue);
        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        AssertSameAsProbe("extra-tracks.mp4", frames, expectNegativeCompositionOffsets: false);
    }

    private static void AssertSameAsProbe(string fileName, List<Mp4FrameRecord> frames, bool expectNegativeCompositionOffsets)
    {
        (List<Mp4TestData.ProbedPacket> expected, Dictionary<MediaTrack, long> timescales) = Mp4TestData.ReadPackets(fileName);
        Assert.Equal(expected.Count, frames.Count);

        // FFmpeg subtracts the largest negative composition offset from every DTS (its dts_shift), and so does the
        // reader: no picture is shown before it is decoded, and the times are ffprobe's.
        Assert.All(frames, f => Assert.True(f.Pts >= f.Dts, $"{f.Track} frame at {f.Offset}: PTS {f.Pts} before DTS {f.Dts}"));
        Assert.Equal(expectNegativeCompositionOffsets, frames.Any(f => f.Track == MediaTrack.Video && f.Dts < TimeSpan.Zero));
        for (int i = 0; i < expected.Count; i++)
        {
            Mp4TestData.ProbedPacket p = expected[i];
            Mp4FrameRecord f = frames[i];
            long timescale = timescales[p.Track];
            bool same = p.Track == f.Track && p.Position == f.Offset && p.Size == f.Data.Length && p.IsKeyframe == f.IsKeyframe
                && Mp4TestData.ToTime(p.Dts, timescale) == f.Dts && Mp4TestData.ToTime(p.Pts, timescale) == f.Pts;
            Assert.True(same, $"frame {i}: ffprobe {p}, reader {f.Track} pts {f.Pts} dts {f.Dts} size {f.Data.Length} pos {f.Offset} key {f.IsKeyframe}");
        }
    }

    [Fact]
    public async Task Fragments_without_tfdt_continue_from_the_previous_fragment_and_the_moov_samples()
    {
        byte[] bytes = Mp4TestData.Bytes("fragmented-moov-samples.mp4");
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        foreach (Mp4BoxLayout tfdt in Mp4BoxLayout.Walk(bytes).Where(b => b.Type == "tfdt"))
        {
            System.Text.Encoding.ASCII.GetBytes("free").CopyTo(bytes, tfdt.Offset + 4);
        }

        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Assert.Equal(138, actual.Count);
        Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
    }

    [Theory]
    [InlineData("stsz", "stz2")]
    [InlineData("stco", "co64")]
    public async Task Compact_sample_sizes_and_64_bit_chunk_offsets_give_the_same_frames(string table, string replacement)
    {
        // The moov of this sample is the last box, so it can grow without moving the media.
        byte[] bytes = Mp4TestData.Bytes("moov-at-end.mp4");
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        foreach (Mp4BoxLayout box in Mp4BoxLayout.Walk(bytes).Where(b => b.Type == table).Reverse())
        {
            bytes = Mp4BoxRewriter.Replace(bytes, box, table == "stsz" ? Mp4BoxRewriter.CompactSizes(bytes, box) : Mp4BoxRewriter.LargeChunkOffsets(bytes, box));
        }

        Assert.Contains(Mp4BoxLayout.Walk(bytes), b => b.Type == replacement);
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        Assert.Equal(138, actual.Count);
        Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public async Task Video_frames_are_length_prefixed_NAL_units_and_the_first_is_an_IDR_frame()
    {
        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(File.OpenRead(Mp4TestData.PathOf("faststart.mp4")));
        foreach (Mp4FrameRecord frame in frames.Where(f => f.Track == MediaTrack.Video))
        {
            int at = 0;
            while (at < frame.Data.Length)
            {
                int length = frame.Data[at] << 24 | frame.Data[at + 1] << 16 | frame.Data[at + 2] << 8 | frame.Data[at + 3];
                at += 4 + length;
            }

            Assert.Equal(frame.Data.Length, at);
        }

        Mp4FrameRecord first = frames.First(f => f.Track == MediaTrack.Video);
        Assert.True(first.IsKeyframe);
        Assert.Contains(frames.Where(f => f.Track == MediaTrack.Video).Take(1), f => ContainsNalType(f.Data, 5));
    }

    [Fact]
    public async Task Duration_comes_from_the_movie_header()
    {
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(File.OpenRead(Mp4TestData.PathOf("faststart.mp4")));
        Assert.NotNull(reader.Duration);
        Assert.InRange(reader.Duration.Value.TotalSeconds, 1.9, 2.2);
    }

    [Theory]
    [InlineData("faststart.mp4", 1, 1, false)]
    [InlineData("fragmented.mp4", 2, 7, true)]
    [InlineData("fragmented-base-moof.mp4", 3, 1000, false)]
    [InlineData("fragmented.mp4", 4, 100_000, true)]
    [InlineData("fragmented-moov-samples.mp4", 7, 500, true)]
    [InlineData("fragmented-separate-moof.mp4", 8, 4096, false)]
    [InlineData("negative-cts.mp4", 5, 333, true)]
    [InlineData("audio-only-mono.m4a", 6, 50, false)]
    public async Task A_sample_read_from_a_pipe_gives_the_same_frames_as_from_a_file(string fileName, int seed, int maxChunk, bool completeAsynchronously)
    {
        byte[] bytes = Mp4TestData.Bytes(fileName);
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(bytes));
        var pipe = new NonSeekableChunkedStream(bytes, seed, maxChunk, completeAsynchronously: completeAsynchronously);
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(pipe);
        Assert.True(expected.Count > 80);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameAs(actual[i]), $"frame {i} differs");
        }

        Assert.True(pipe.IsDisposed);
    }

    [Theory]
    [InlineData("moov-at-end.mp4")]
    [InlineData("sample.mov")]
    public async Task A_file_with_its_index_after_the_media_on_a_pipe_is_refused_with_the_remedy(string fileName)
    {
        var pipe = new NonSeekableChunkedStream(Mp4TestData.Bytes(fileName), seed: 1, poisonAfter: 1024);
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await Mp4Reader.OpenAsync(pipe));
        Assert.Contains("its index (moov) comes after the media", e.Message, StringComparison.Ordinal);
        Assert.Contains("-movflags +faststart or fragmented MP4", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(pipe.IsDisposed);
    }

    [Fact]
    public async Task The_stream_is_left_open_when_asked()
    {
        var stream = new MemoryStream(Mp4TestData.Bytes("audio-only-mono.m4a"));
        await using (Mp4Reader reader = await Mp4Reader.OpenAsync(stream, new MediaReaderOptions { LeaveOpen = true }))
        {
            Assert.True(await reader.ReadAsync());
        }

        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task A_stream_that_does_not_start_at_position_zero_is_read_from_where_it_is()
    {
        byte[] file = Mp4TestData.Bytes("moov-at-end.mp4");
        byte[] prefixed = [.. new byte[100], .. file];
        var stream = new MemoryStream(prefixed) { Position = 100 };
        List<Mp4FrameRecord> expected = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(file));
        List<Mp4FrameRecord> actual = await Mp4FrameRecord.ReadAllAsync(stream);
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public async Task A_truncated_recording_ends_cleanly_after_its_last_complete_frame_with_a_warning()
    {
        byte[] file = Mp4TestData.Bytes("fragmented.mp4");
        List<Mp4FrameRecord> all = await Mp4FrameRecord.ReadAllAsync(new MemoryStream(file));
        Mp4FrameRecord cutInside = all[all.Count / 2];
        byte[] truncated = file[..(int)(cutInside.Offset + 10)];
        var warnings = new List<string>();
        List<Mp4FrameRecord> frames = await Mp4FrameRecord.ReadAllAsync(new NonSeekableChunkedStream(truncated, seed: 3), new MediaReaderOptions { OnWarning = warnings.Add });
        Assert.Equal(all.Count / 2, frames.Count);
        Assert.Contains(warnings, w => w.Contains($"inside the {(cutInside.Track == MediaTrack.Video ? "track 1 (video)" : "track 2 (audio)")} sample at offset {cutInside.Offset}", StringComparison.Ordinal));
    }

    private static bool ContainsNalType(byte[] sample, int nalType)
    {
        int at = 0;
        while (at + 4 < sample.Length)
        {
            int length = sample[at] << 24 | sample[at + 1] << 16 | sample[at + 2] << 8 | sample[at + 3];
            if ((sample[at + 4] & 0x1F) == nalType)
            {
                return true;
            }

            at += 4 + length;
        }

        return false;
    }
}
