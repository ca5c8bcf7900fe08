using Uplink.Media;
using static Uplink.Tests.Readers.Elementary.ElementaryTestData;

namespace Uplink.Tests.Readers.Elementary;

/// <summary>
/// Reads the x264 and aac streams of TestData/Elementary and compares them with ffprobe's view: the frame count of
/// the raw stream, and the timestamps of the same bitstream muxed in MP4.
/// </summary>
public class ElementaryStreamReaderSampleTests
{
    public static TheoryData<string> Videos() => new(VideoNames);

    [Theory]
    [MemberData(nameof(Videos))]
    public async Task Access_units_are_as_many_as_ffprobe_counts_and_together_are_the_whole_stream(string name)
    {
        byte[] bytes = Bytes(name + ".h264");
        List<Frame> frames = await ReadAllAsync(bytes, null);

        Assert.Equal(FfprobeFrameCount(name), frames.Count);
        Assert.Equal(bytes, frames.SelectMany(f => f.Data).ToArray());
        Assert.All(frames, f => Assert.Contains(NalTypes(f.Data), t => t is 1 or 5));
    }

    [Theory]
    [MemberData(nameof(Videos))]
    public async Task Timestamps_match_ffprobes_up_to_a_constant_offset(string name)
    {
        List<(long Pts, long Dts, bool Key)> truth = Truth(name);
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(new MemoryStream(Bytes(name + ".h264")), null);
        List<Frame> frames = await ReadAllAsync(reader);

        Assert.Equal(25.0, reader.FrameRate);
        Assert.Equal(truth.Count, frames.Count);
        long ptsOffset = ToFrames(frames[0].Pts) - truth[0].Pts;
        long dtsOffset = ToFrames(frames[0].Dts) - truth[0].Dts;
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(truth[i].Pts + ptsOffset, ToFrames(frames[i].Pts));
            Assert.Equal(truth[i].Dts + dtsOffset, ToFrames(frames[i].Dts));
            Assert.Equal(TimeSpan.FromMilliseconds(40 * i), frames[i].Dts);
            Assert.True(frames[i].Pts >= frames[i].Dts, $"frame {i}: PTS {frames[i].Pts} before DTS {frames[i].Dts}");
            Assert.Equal(truth[i].Key, frames[i].IsKeyframe);
        }

        // The delay is the smallest that keeps PTS >= DTS: the one ffmpeg's MP4 shows as its first negative DTS.
        Assert.Equal((int)-truth[0].Dts, reader.ReorderDelay);
    }

    [Fact]
    public async Task Streams_with_access_unit_delimiters_start_every_access_unit_with_one()
    {
        List<Frame> frames = await ReadAllAsync(Bytes("bf2-aud.h264"), null);

        // The first access unit as ffmpeg's h264_mp4toannexb writes it is SEI, AUD, SPS, PPS, IDR: a leading SEI with
        // no slice before it joins the access unit it precedes.
        Assert.Equal(50, frames.Count);
        Assert.Equal([6, 9, 7, 8, 5], NalTypes(frames[0].Data));
        Assert.All(frames.Skip(1), f => Assert.Equal(9, NalTypes(f.Data)[0]));
        Assert.All(frames, f => Assert.Single(NalTypes(f.Data), 9));
    }

    [Fact]
    public async Task Multi_slice_pictures_stay_in_one_access_unit()
    {
        List<Frame> frames = await ReadAllAsync(Bytes("slices4.h264"), null);

        Assert.Equal(50, frames.Count);
        Assert.All(frames, f => Assert.Equal(4, NalTypes(f.Data).Count(t => t is 1 or 5)));
    }

    [Fact]
    public async Task The_same_pictures_with_and_without_delimiters_time_the_same()
    {
        List<Frame> with = await ReadAllAsync(Bytes("bf2-aud.h264"), null);
        List<Frame> without = await ReadAllAsync(Bytes("bf2.h264"), null);

        Assert.Equal(without.Select(f => (f.Dts, f.Pts, f.IsKeyframe)), with.Select(f => (f.Dts, f.Pts, f.IsKeyframe)));
    }

    [Fact]
    public async Task The_frame_rate_option_overrides_the_sps()
    {
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            new MemoryStream(Bytes("bf0-aud.h264")), null, new ElementaryStreamOptions { FrameRate = 50 });
        List<Frame> frames = await ReadAllAsync(reader);

        Assert.Equal(50.0, reader.FrameRate);
        Assert.Equal(TimeSpan.FromMilliseconds(20 * 49), frames[^1].Dts);
    }

    [Fact]
    public async Task Adts_frames_match_ffprobes_packets()
    {
        byte[] bytes = Bytes("tone.aac");
        List<long> truth = File.ReadAllLines(PathOf("tone.truth.txt")).Select(long.Parse).ToList();
        var warnings = new List<string>();
        List<Frame> frames = await ReadAllAsync(null, bytes, warnings: warnings);

        Assert.Equal(truth.Count, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(TimeSpan.FromTicks(truth[i] * TimeSpan.TicksPerSecond / 44100), frames[i].Pts);
            Assert.Equal(frames[i].Pts, frames[i].Dts);
            Assert.True(frames[i].IsKeyframe);
            Assert.Equal(MediaTrack.Audio, frames[i].Track);
        }

        Assert.Equal(bytes, frames.SelectMany(f => f.Data).ToArray());
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task Video_and_audio_are_merged_in_timestamp_order()
    {
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            new MemoryStream(Bytes("bf3-pyramid.h264")), new MemoryStream(Bytes("tone.aac")));
        List<Frame> frames = await ReadAllAsync(reader);

        Assert.Equal("H.264 Annex-B + AAC ADTS", reader.FormatName);
        Assert.Same(VideoMediaType.H264AnnexB, reader.Video);
        Assert.Same(AudioMediaType.AacAdts, reader.Audio);
        Assert.Equal(50, frames.Count(f => f.Track == MediaTrack.Video));
        Assert.Equal(88, frames.Count(f => f.Track == MediaTrack.Audio));
        TimeSpan Time(Frame f) => f.Track == MediaTrack.Video ? f.Dts : f.Pts;
        for (int i = 1; i < frames.Count; i++)
        {
            Assert.True(Time(frames[i - 1]) <= Time(frames[i]), $"frame {i} at {Time(frames[i])} follows one at {Time(frames[i - 1])}");
        }
    }

    [Theory]
    [InlineData(1, false, 700)]
    [InlineData(2, true, 700)]
    [InlineData(3, false, 3)]
    [InlineData(4, true, 5)]
    public async Task Non_seekable_streams_with_short_reads_give_the_same_frames(int seed, bool asynchronous, int maxChunk)
    {
        byte[] video = Bytes("slices4.h264");
        byte[] audio = Bytes("tone.aac");
        List<Frame> expected = await ReadAllAsync(video, audio);

        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            new NonSeekableChunkedStream(video, seed, maxChunk, completeAsynchronously: asynchronous),
            new NonSeekableChunkedStream(audio, seed + 100, Math.Min(maxChunk, 300), completeAsynchronously: asynchronous));
        List<Frame> actual = await ReadAllAsync(reader);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_sniffers_recognise_the_samples_and_reject_each_other()
    {
        byte[] video = Bytes("bf2.h264");
        byte[] audio = Bytes("tone.aac");

        Assert.True(ElementaryStreamReader.LooksLikeAnnexB(video.AsSpan(0, 64)));
        Assert.True(ElementaryStreamReader.LooksLikeAnnexB([0, 0, 0, 0, 0, 1, 0x09, 0xF0]));
        Assert.True(ElementaryStreamReader.LooksLikeAdts(audio.AsSpan(0, 1024)));
        Assert.False(ElementaryStreamReader.LooksLikeAnnexB(audio.AsSpan(0, 1024)));
        Assert.False(ElementaryStreamReader.LooksLikeAdts(video.AsSpan(0, 1024)));
        Assert.False(ElementaryStreamReader.LooksLikeAnnexB([0, 0, 1, 0x80]));
        Assert.False(ElementaryStreamReader.LooksLikeAnnexB([0, 0, 1, 0x0B]));
        Assert.False(ElementaryStreamReader.LooksLikeAnnexB("FLV\u0001"u8));
        Assert.False(ElementaryStreamReader.LooksLikeAdts([]));
        byte[] damaged = audio.AsSpan(0, 1024).ToArray();
        damaged[audio[3] << 11 & 0x1800 | audio[4] << 3 | audio[5] >> 5] = 0;
        Assert.False(ElementaryStreamReader.LooksLikeAdts(damaged));
    }

    private static long ToFrames(TimeSpan time) => (long)Math.Round(time.TotalSeconds * 25);
}
