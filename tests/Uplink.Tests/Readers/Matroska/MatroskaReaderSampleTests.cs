using Uplink.Media;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>
/// Reads the ffmpeg-made samples (TestData/Matroska/make-samples.sh) and compares every frame with what
/// ffprobe -show_packets reported for it.
/// </summary>
public class MatroskaReaderSampleTests
{
    /// <summary>The samples' video: 25 fps (DefaultDuration 40 ms), two B-frames in a pyramid (max_num_reorder_frames 2).</summary>
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(40);

    public static TheoryData<string, int, int, int> Samples => new()
    {
        // file, video frames, video keyframes, audio frames
        { "standard.mkv", 50, 2, 88 },
        { "live.mkv", 50, 2, 88 },
        { "audio-only-mono.mka", 0, 0, 88 },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Every_frame_of_the_ffmpeg_sample_matches_ffprobe(string fileName, int videoFrames, int videoKeyframes, int audioFrames)
    {
        var warnings = new List<string>();
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(File.OpenRead(MatroskaTestData.PathOf(fileName)), new MediaReaderOptions { OnWarning = warnings.Add });

        Assert.Equal("Matroska", reader.FormatName);
        Assert.Equal(videoFrames > 0, reader.Video is not null);
        if (reader.Video is not null)
        {
            Assert.Equal(4, reader.Video.NalLengthSize);
            Assert.Equal(0x64, reader.Video.DecoderConfiguration.Span[1]); // High profile
            Assert.Equal(320, reader.Video.Width);
            Assert.Equal(2, reader.VideoReorderDelay);
        }

        Assert.NotNull(reader.Audio);
        Assert.Equal(44100, reader.Audio.SampleRate);
        Assert.Equal(fileName.Contains("mono", StringComparison.Ordinal) ? 1 : 2, reader.Audio.Channels);

        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(reader);

        Assert.Equal(frames.Count, reader.FramesRead);
        Assert.Equal(videoFrames, frames.Count(f => f.Track == MediaTrack.Video));
        Assert.Equal(videoKeyframes, frames.Count(f => f.Track == MediaTrack.Video && f.IsKeyframe));
        Assert.Equal(audioFrames, frames.Count(f => f.Track == MediaTrack.Audio));
        Assert.Empty(warnings);
        AssertSameAsProbe(fileName, frames);
    }

    [Fact]
    public async Task Duration_comes_from_the_info_element_and_a_live_recording_has_none()
    {
        await using MatroskaReader standard = await MatroskaReader.OpenAsync(File.OpenRead(MatroskaTestData.PathOf("standard.mkv")));
        Assert.NotNull(standard.Duration);
        Assert.InRange(standard.Duration.Value.TotalSeconds, 1.9, 2.2);
        Assert.Equal(default, standard.DataRates);

        await using MatroskaReader live = await MatroskaReader.OpenAsync(File.OpenRead(MatroskaTestData.PathOf("live.mkv")));
        Assert.Null(live.Duration);
    }

    [Fact]
    public async Task Video_frames_are_length_prefixed_NAL_units_and_DTS_rises_and_never_passes_PTS()
    {
        List<MatroskaFrameRecord> frames = await MatroskaFrameRecord.ReadAllAsync(File.OpenRead(MatroskaTestData.PathOf("standard.mkv")));
        List<MatroskaFrameRecord> video = frames.Where(f => f.Track == MediaTrack.Video).ToList();
        foreach (MatroskaFrameRecord frame in video)
        {
            int at = 0;
            while (at < frame.Data.Length)
            {
                at += 4 + (frame.Data[at] << 24 | frame.Data[at + 1] << 16 | frame.Data[at + 2] << 8 | frame.Data[at + 3]);
            }

            Assert.Equal(frame.Data.Length, at);
            Assert.True(frame.Dts <= frame.Pts, frame.ToString());
        }

        Assert.True(video.Zip(video.Skip(1)).All(pair => pair.First.Dts < pair.Second.Dts));
        Assert.True(video[0].IsKeyframe);
        Assert.True(ContainsNalType(video[0].Data, 5), "the first frame holds an IDR slice");
    }

    private static bool ContainsNalType(byte[] frame, int nalType)
    {
        for (int at = 0; at + 4 < frame.Length; at += 4 + (frame[at] << 24 | frame[at + 1] << 16 | frame[at + 2] << 8 | frame[at + 3]))
        {
            if ((frame[at + 4] & 0x1F) == nalType)
            {
                return true;
            }
        }

        return false;
    }

    [Theory]
    [InlineData("standard.mkv", 1, 1, false)]
    [InlineData("standard.mkv", 2, 7, true)]
    [InlineData("live.mkv", 3, 1000, false)]
    [InlineData("live.mkv", 4, 100_000, true)]
    [InlineData("audio-only-mono.mka", 5, 333, true)]
    public async Task A_sample_read_from_a_pipe_gives_the_same_frames_as_from_a_file(string fileName, int seed, int maxChunk, bool completeAsynchronously)
    {
        byte[] bytes = MatroskaTestData.Bytes(fileName);
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(bytes);
        var pipe = new NonSeekableChunkedStream(bytes, seed, maxChunk, completeAsynchronously: completeAsynchronously);
        List<MatroskaFrameRecord> actual = await MatroskaFrameRecord.ReadAllAsync(pipe);
        Assert.True(expected.Count > 80);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameAs(actual[i]), $"frame {i}: {expected[i]} / {actual[i]}");
        }

        Assert.True(pipe.IsDisposed);
    }

    [Fact]
    public async Task The_stream_is_left_open_when_asked_and_read_from_where_it_is()
    {
        byte[] file = MatroskaTestData.Bytes("standard.mkv");
        var stream = new MemoryStream([.. new byte[100], .. file]) { Position = 100 };
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(file);
        await using (MatroskaReader reader = await MatroskaReader.OpenAsync(stream, new MediaReaderOptions { LeaveOpen = true }))
        {
            List<MatroskaFrameRecord> actual = await MatroskaFrameRecord.ReadAllAsync(reader);
            Assert.True(expected.Zip(actual).All(pair => pair.First.SameAs(pair.Second)));
        }

        Assert.True(stream.CanRead);
    }

    /// <summary>
    /// Compares with ffprobe: track, PTS, size, position and keyframe flag of every frame; the DTS where ffprobe has one
    /// (FFmpeg derives it by the same rule), and for the first two video frames, where it says N/A, the rule's
    /// constant-frame-rate extrapolation: the smallest pending PTS less one frame per frame missing.
    /// </summary>
    private static void AssertSameAsProbe(string fileName, List<MatroskaFrameRecord> frames)
    {
        List<MatroskaTestData.ProbedPacket> expected = MatroskaTestData.ReadPackets(fileName);
        Assert.Equal(expected.Count, frames.Count);
        var pending = new List<long>();
        int preRoll = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            MatroskaTestData.ProbedPacket p = expected[i];
            MatroskaFrameRecord f = frames[i];
            TimeSpan dts;
            if (p.Dts is long probed)
            {
                dts = TimeSpan.FromMilliseconds(probed);
            }
            else
            {
                Assert.Equal(MediaTrack.Video, p.Track);
                pending.Add(p.Pts);
                dts = TimeSpan.FromMilliseconds(pending.Min()) - ((2 - preRoll++) * FrameDuration);
            }

            bool same = p.Track == f.Track && p.Position == f.Offset && p.Size == f.Data.Length && p.IsKeyframe == f.IsKeyframe
                && TimeSpan.FromMilliseconds(p.Pts) == f.Pts && dts == f.Dts;
            Assert.True(same, $"frame {i}: ffprobe {p} (dts {dts.TotalMilliseconds}), reader {f}");
        }

        Assert.Equal(frames.Any(f => f.Track == MediaTrack.Video) ? 2 : 0, preRoll);
    }
}
