using System.Globalization;
using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>
/// Reads the ffmpeg-made sample (see TestData/Flv/make-sample.sh) and compares every frame with what
/// ffprobe -show_packets reported for it.
/// </summary>
public class FlvReaderSampleTests
{
    internal static string TestDataPath(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
            {
                Path.Combine(directory.FullName, "TestData", "Flv", fileName),
                Path.Combine(directory.FullName, "tests", "Uplink.Tests", "TestData", "Flv", fileName),
            })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"test data {fileName} not found above {AppContext.BaseDirectory}");
    }

    private sealed record ProbedPacket(MediaTrack Track, long PtsMs, long DtsMs, int Size, long Position, bool IsKeyframe);

    private static List<ProbedPacket> ReadProbedPackets()
    {
        var packets = new List<ProbedPacket>();
        foreach (string line in File.ReadAllLines(TestDataPath("sample-h264-aac.packets.csv")))
        {
            string[] f = line.Split(',');
            packets.Add(new ProbedPacket(
                f[0] == "video" ? MediaTrack.Video : MediaTrack.Audio,
                long.Parse(f[1], CultureInfo.InvariantCulture),
                long.Parse(f[2], CultureInfo.InvariantCulture),
                int.Parse(f[3], CultureInfo.InvariantCulture),
                long.Parse(f[4], CultureInfo.InvariantCulture),
                f[5].StartsWith('K')));
        }

        return packets;
    }

    [Fact]
    public async Task Every_frame_of_the_ffmpeg_sample_matches_ffprobe()
    {
        List<ProbedPacket> expected = ReadProbedPackets();
        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(TestDataPath("sample-h264-aac.flv")));

        Assert.True(reader.HasVideo);
        Assert.True(reader.HasAudio);
        Assert.Equal(1, reader.VideoConfiguration.Span[0]);
        Assert.Equal(0x64, reader.VideoConfiguration.Span[1]);
        Assert.Equal([0x12, 0x10], reader.AudioConfiguration[..2].ToArray()); // AAC LC, 44.1 kHz, stereo
        Assert.False(reader.Metadata.IsEmpty);

        List<FlvFrameRecord> frames = await FlvFrameRecord.ReadAllAsync(reader);
        List<FlvFrameRecord> media = frames.FindAll(f => !f.IsConfiguration);

        Assert.Equal(2, frames.Count - media.Count);
        Assert.Equal(expected.Count, media.Count);
        Assert.Equal(138, media.Count);
        Assert.Equal(50, media.FindAll(f => f.Track == MediaTrack.Video).Count);
        Assert.Equal(2, media.FindAll(f => f.Track == MediaTrack.Video && f.IsKeyframe).Count);
        Assert.Contains(media, f => f.PtsMs < f.DtsMs || f.PtsMs > f.DtsMs);
        for (int i = 0; i < expected.Count; i++)
        {
            ProbedPacket p = expected[i];
            FlvFrameRecord f = media[i];
            Assert.True(
                p == new ProbedPacket(f.Track, f.PtsMs, f.DtsMs, f.Data.Length, f.TagOffset, f.Track == MediaTrack.Audio || f.IsKeyframe),
                $"frame {i}: ffprobe {p}, reader {f.Track} pts {f.PtsMs} dts {f.DtsMs} size {f.Data.Length} pos {f.TagOffset} key {f.IsKeyframe}");
        }

        Assert.Null(reader.TruncatedAtOffset);
    }

    [Theory]
    [InlineData(11, 1, false)]
    [InlineData(12, 13, true)]
    [InlineData(13, 1000, false)]
    [InlineData(14, 1000, true)]
    [InlineData(15, 100_000, true)]
    public async Task The_ffmpeg_sample_read_from_a_pipe_gives_the_same_frames_as_from_a_file(int seed, int maxChunk, bool completeAsynchronously)
    {
        byte[] bytes = await File.ReadAllBytesAsync(TestDataPath("sample-h264-aac.flv"));
        List<FlvFrameRecord> expected = await FlvFrameRecord.ReadAllAsync(new MemoryStream(bytes));
        List<FlvFrameRecord> actual = await FlvFrameRecord.ReadAllAsync(new NonSeekableChunkedStream(bytes, seed, maxChunk, completeAsynchronously: completeAsynchronously));
        Assert.Equal(140, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameAs(actual[i]), $"frame {i} differs");
        }
    }
}
