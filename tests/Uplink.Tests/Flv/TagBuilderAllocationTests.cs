using Uplink.Buffers;
using Uplink.Flv;
using Uplink.Tests.Codecs;
using Uplink.Tests.Codecs.Hevc;

namespace Uplink.Tests.Flv;

/// <summary>The Enhanced RTMP tag paths allocate nothing per frame once the stream's configuration is known.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class TagBuilderAllocationTests
{
    private static readonly string TestData = Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>Each codec as the default track, and some as track 1 (a Multitrack packet with a ModEx nanosecond offset).</summary>
    public static TheoryData<string, byte> VideoCases => new() { { "hevc", 0 }, { "av1", 0 }, { "vp9", 0 }, { "hevc", 1 }, { "vp9", 1 } };

    public static TheoryData<string, byte> AudioCases => new() { { "opus", 0 }, { "ac3", 0 }, { "eac3", 0 }, { "mp3", 0 }, { "opus", 1 }, { "mp3", 1 } };

    [Theory]
    [MemberData(nameof(VideoCases))]
    public void Writing_video_frames_allocates_nothing_in_steady_state(string codec, byte track)
    {
        (VideoMediaType type, IReadOnlyList<byte[]> frames) = codec switch
        {
            "hevc" => (VideoMediaType.HevcAnnexB, (IReadOnlyList<byte[]>)[.. HevcTestData.Main.AccessUnits.Select(u => u.Data)]),
            "av1" => (VideoMediaType.Av1(), IvfFile.Frames(Path.Combine(TestData, "Av1", "svt-main.ivf"))),
            _ => (VideoMediaType.Vp9(), IvfFile.Frames(Path.Combine(TestData, "Vp9", "profile0.ivf"))),
        };
        var builder = VideoTagBuilder.Create(type, trackId: track);
        builder.NanoOffset = track * 333_300;
        using var output = new PooledBufferWriter(256 * 1024);
        long checksum = WriteAll(builder, frames, output);

        Assert.Equal(0, QuietestWindow(passes: 10, () => WriteAll(builder, frames, output), ref checksum));
        Assert.NotEqual(0, checksum);
    }

    [Theory]
    [MemberData(nameof(AudioCases))]
    public void Writing_audio_frames_allocates_nothing_in_steady_state(string codec, byte track)
    {
        (AudioMediaType type, byte[] data) = codec switch
        {
            "opus" => (AudioMediaType.Opus([.. "OpusHead"u8, 1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]), new byte[300]),
            "ac3" => (AudioMediaType.Ac3, File.ReadAllBytes(Path.Combine(TestData, "Audio", "six-frames.ac3"))),
            "eac3" => (AudioMediaType.Eac3, File.ReadAllBytes(Path.Combine(TestData, "Audio", "six-frames.eac3"))),
            _ => (AudioMediaType.Mp3, File.ReadAllBytes(Path.Combine(TestData, "Audio", "six-frames.mp3"))),
        };
        var builder = AudioTagBuilder.Create(type, track);
        builder.NanoOffset = track * 333_300;
        using var output = new PooledBufferWriter(64 * 1024);
        long checksum = WriteAll(builder, data, output);

        Assert.Equal(0, QuietestWindow(passes: 50, () => WriteAll(builder, data, output), ref checksum));
        Assert.NotEqual(0, checksum);
    }

    /// <summary>
    /// Bytes allocated on this thread over the quietest of three windows of <paramref name="passes"/> passes (the runtime
    /// may allocate on the thread now and then; an allocation per frame shows in every window). The pass delegate is made
    /// once, before measuring.
    /// </summary>
    private static long QuietestWindow(int passes, Func<long> pass, ref long checksum)
    {
        long allocated = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < passes; i++)
            {
                checksum += pass();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return allocated;
    }

    private static long WriteAll(VideoTagBuilder builder, IReadOnlyList<byte[]> frames, PooledBufferWriter output)
    {
        long checksum = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            output.Clear();
            checksum += (builder.InspectAndWrite(frames[i], 0, output) ? 1 : 0) + output.WrittenCount;
        }

        return checksum;
    }

    private static long WriteAll(AudioTagBuilder builder, byte[] data, PooledBufferWriter output)
    {
        long checksum = 0;
        int offset = 0;
        while (offset < data.Length)
        {
            int length = builder.NextFrame(data.AsSpan(offset), out int samples, out _);
            output.Clear();
            builder.WriteFrame(output, data.AsSpan(offset, length));
            checksum += output.WrittenCount + samples;
            offset += length;
        }

        return checksum;
    }
}
