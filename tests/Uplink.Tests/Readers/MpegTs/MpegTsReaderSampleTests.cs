using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>
/// Reads the ffmpeg-made samples and compares every frame with ffprobe -show_packets: track, DTS, PTS, size
/// (audio frames keep their ADTS header, as ffprobe's packets do) and keyframe flag.
/// </summary>
public class MpegTsReaderSampleTests
{
    private const long Wrap = 1L << 33;

    [Theory]
    [InlineData("standard", 104, true, true)]
    [InlineData("adts-packed", 104, true, true)]
    [InlineData("video-only", 25, true, false)]
    [InlineData("audio-only", 66, false, true)]
    [InlineData("wrap", 104, true, true)]
    public async Task Every_frame_of_the_ffmpeg_sample_matches_ffprobe(string sample, int packetCount, bool hasVideo, bool hasAudio)
    {
        List<MpegTsTestData.ProbedPacket> expected = MpegTsTestData.ReadPackets(sample + ".packets.csv");
        var warnings = new List<string>();
        await using MpegTsReader reader = await MpegTsReader.OpenAsync(
            File.OpenRead(MpegTsTestData.PathOf(sample + ".ts")), new MediaReaderOptions { OnWarning = warnings.Add });

        Assert.Equal("MPEG-TS", reader.FormatName);
        Assert.Equal(hasVideo ? VideoMediaType.H264AnnexB : null, reader.Video);
        Assert.Equal(hasAudio ? AudioMediaType.AacAdts : null, reader.Audio);
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(reader);

        Assert.Equal(packetCount, expected.Count);
        Assert.Equal(expected.Count, frames.Count);
        Assert.Equal(frames.Count, reader.FramesRead);
        Assert.Empty(warnings);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(0, reader.SyncLosses);
        Assert.Equal(new FileInfo(MpegTsTestData.PathOf(sample + ".ts")).Length / 188, reader.PacketsRead);
        // Compared track by track: ffprobe's interleaving differs from the file's PES order because libavformat's
        // H.264 parser holds each video frame back until it sees the start of the next one.
        foreach (MediaTrack track in new[] { MediaTrack.Video, MediaTrack.Audio })
        {
            List<MpegTsTestData.ProbedPacket> probed = expected.FindAll(p => p.Track == track);
            List<MpegTsFrameRecord> read = frames.FindAll(f => f.Track == track);
            Assert.Equal(probed.Count, read.Count);
            int indexInPes = 0;
            for (int i = 0; i < probed.Count; i++)
            {
                MpegTsTestData.ProbedPacket p = probed[i];
                MpegTsFrameRecord f = read[i];
                if (sample == "wrap")
                {
                    // ffprobe shows the values before the wrap as negative (2^33 subtracted); the reader unwraps forward.
                    p = p with { Pts = p.Pts + Wrap, Dts = p.Dts + Wrap };
                }

                indexInPes = i > 0 && read[i - 1].PesOffset == f.PesOffset ? indexInPes + 1 : 0;

                // ffprobe interpolates the PTS of the 2nd, 3rd … ADTS frame of a PES with 90 kHz rounding at each step;
                // the reader computes PES PTS + k × 1024 / rate exactly, so they may differ by one 90 kHz unit per frame.
                long tolerance = indexInPes;
                string what = $"{track} frame {i}: ffprobe {p}, reader {f}";
                Assert.True(Math.Abs(p.Dts - f.Dts90kHz) <= tolerance, what);
                Assert.True(Math.Abs(p.Pts - f.Pts90kHz) <= tolerance, what);
                Assert.True(p.Size == f.Data.Length, what);
                Assert.True(p.IsKeyframe == (track == MediaTrack.Audio || f.IsKeyframe), what);
                Assert.True(
                    track == MediaTrack.Audio
                        ? f.Data[0] == 0xFF && (f.Data[1] & 0xF0) == 0xF0
                        : f.Data.AsSpan(0, 4).SequenceEqual(new byte[] { 0, 0, 0, 1 }),
                    what + ": ADTS header kept / Annex-B start code");
                Assert.True(i == 0 || f.DtsTicks > read[i - 1].DtsTicks, what + ": DTS rises");
            }
        }

        // As many keyframes (IDR access units) as ffprobe flags.
        Assert.Equal(hasVideo ? expected.FindAll(p => p.IsKeyframe && p.Track == MediaTrack.Video).Count : 0, frames.FindAll(f => f.Track == MediaTrack.Video && f.IsKeyframe).Count);
    }
    [Fact]
    public async Task Several_adts_frames_of_one_pes_are_delivered_one_by_one_timed_1024_samples_apart()
    {
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(new MemoryStream(MpegTsTestData.Read("adts-packed.ts")));
        List<MpegTsFrameRecord> audio = frames.FindAll(f => f.Track == MediaTrack.Audio);
        int sharing = 0;
        for (int i = 1; i < audio.Count; i++)
        {
            if (audio[i].PesOffset == audio[i - 1].PesOffset)
            {
                sharing++;
                Assert.Equal(1024 * TimeSpan.TicksPerSecond / 44100.0, audio[i].PtsTicks - audio[i - 1].PtsTicks, 1.0);
            }
        }

        Assert.True(sharing > audio.Count / 2, $"{sharing} of {audio.Count} audio frames share their PES with the previous one");
    }

    [Fact]
    public async Task The_wrap_sample_keeps_rising_past_two_to_the_33()
    {
        List<MpegTsFrameRecord> frames = await MpegTsFrameRecord.ReadAllAsync(new MemoryStream(MpegTsTestData.Read("wrap.ts")));
        Assert.True(frames[0].Dts90kHz < Wrap);
        Assert.True(frames[^1].Dts90kHz > Wrap);
    }

    [Theory]
    [InlineData("standard.ts", 11, 1, false)]
    [InlineData("standard.ts", 12, 190, true)]
    [InlineData("adts-packed.ts", 13, 1000, false)]
    [InlineData("adts-packed.ts", 14, 5000, true)]
    [InlineData("wrap.ts", 15, 100_000, true)]
    public async Task A_sample_read_from_a_pipe_in_random_short_reads_gives_the_same_frames_as_from_memory(string sample, int seed, int maxChunk, bool completeAsynchronously)
    {
        byte[] bytes = MpegTsTestData.Read(sample);
        List<MpegTsFrameRecord> expected = await MpegTsFrameRecord.ReadAllAsync(new MemoryStream(bytes));
        List<MpegTsFrameRecord> actual = await MpegTsFrameRecord.ReadAllAsync(
            new NonSeekableChunkedStream(bytes, seed, maxChunk, completeAsynchronously: completeAsynchronously));
        Assert.True(expected.Count > 100);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameAs(actual[i]), $"frame {i} differs: {expected[i]} / {actual[i]}");
        }
    }
}
