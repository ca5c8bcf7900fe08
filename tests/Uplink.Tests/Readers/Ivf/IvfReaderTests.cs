using Uplink.Media;
using Uplink.Tests.Codecs;

namespace Uplink.Tests.Readers.Ivf;

/// <summary>The IVF reader: frames, timestamps and keyframes of real AV1 files, detection, and one-line errors with offsets.</summary>
public class IvfReaderTests
{
    [Theory]
    [InlineData("svt-main.ivf", false)]
    [InlineData("aom-main.ivf", true)]
    public async Task Frames_are_the_files_frames_timed_by_the_time_base_with_AV1_keyframes(string name, bool pipe)
    {
        byte[] bytes = File.ReadAllBytes(IvfTestFiles.PathOf(name));
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 3, maxChunk: 100) : new MemoryStream(bytes);
        await using IMediaReader reader = await MediaReader.OpenAsync(stream);
        IvfReader ivf = Assert.IsType<IvfReader>(reader);
        Assert.Equal(("IVF", VideoCodec.Av1, 160, 90), (reader.FormatName, reader.Video!.Codec, ivf.Width, ivf.Height));
        Assert.Null(reader.Audio);
        IReadOnlyList<byte[]> frames = IvfFile.Frames(IvfTestFiles.PathOf(name));
        string keys = "";
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(await reader.ReadAsync());
            MediaFrame f = reader.Current;
            Assert.Equal(frames[i], f.Data.ToArray());
            Assert.Equal((MediaTrack.Video, TimeSpan.FromMilliseconds(40 * i)), (f.Track, f.Dts));
            Assert.Equal(f.Dts, f.Pts);
            keys += f.IsKeyframe ? "K" : "_";
        }

        Assert.False(await reader.ReadAsync());
        Assert.Equal("K____K____", keys); // TestData/Av1/av1-cases.txt, FFmpeg's packet key flags
    }

    [Fact]
    public async Task Timestamps_follow_the_time_base_rounded_down_and_may_be_negative()
    {
        byte[] bytes = IvfTestFiles.Build(IvfTestFiles.Frames("svt-main.ivf"), numerator: 1001, denominator: 30000, step: -1);
        await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(bytes));
        Assert.True(await reader.ReadAsync());
        Assert.True(await reader.ReadAsync());
        Assert.Equal(TimeSpan.FromTicks(-333667), reader.Current.Pts); // -1001/30000 s = -333666.67 ticks, rounded down
    }

    [Fact]
    public void The_detector_knows_IVF_by_DKIF()
    {
        Assert.Equal(MediaFormat.Ivf, MediaFormatDetector.Detect(File.ReadAllBytes(IvfTestFiles.PathOf("svt-main.ivf"))));
        Assert.Equal("IVF", MediaFormatDetector.Name(MediaFormat.Ivf));
    }

    [Fact]
    public async Task A_bad_or_cut_file_header_is_one_line_naming_the_offset()
    {
        byte[] good = IvfTestFiles.Build(IvfTestFiles.Frames("svt-main.ivf"));
        Assert.Equal("IVF: not an IVF file: the stream is empty", (await FailsAsync<InvalidDataException>([])).Message);
        Assert.Equal("IVF: not an IVF file: it starts with 4B444946, not DKIF", (await FailsAsync<InvalidDataException>([.. "KDIF"u8, .. good[4..]])).Message);
        Assert.Equal("IVF: the stream ends at offset 20, inside the 32-byte file header", (await FailsAsync<InvalidDataException>(good[..20])).Message);
        Assert.Equal("IVF: the file header at offset 0 declares a header length of 16 bytes (offset 6), less than 32", (await FailsAsync<InvalidDataException>(IvfTestFiles.Build([], headerLength: 16))).Message);
        Assert.Equal("IVF: the file header declares a time base of 1/0 (offset 16), which has no duration", (await FailsAsync<InvalidDataException>(IvfTestFiles.Build([], denominator: 0))).Message);
        Assert.Equal("IVF: the stream ends at offset 40, inside the 48-byte file header", (await FailsAsync<InvalidDataException>(IvfTestFiles.Build([], headerLength: 48)[..40])).Message);
        Assert.Equal("IVF: VP8 (FourCC VP80 at offset 8) cannot be published over RTMP", (await FailsAsync<NotSupportedException>(IvfTestFiles.Build([], fourCc: "VP80"))).Message);
    }

    [Fact]
    public async Task A_longer_file_header_is_skipped()
    {
        IReadOnlyList<byte[]> frames = IvfTestFiles.Frames("svt-main.ivf");
        await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(IvfTestFiles.Build(frames, headerLength: 40)));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(frames[0], reader.Current.Data.ToArray());
        Assert.Equal(40, reader.CurrentOffset);
    }

    [Fact]
    public async Task A_frame_cut_by_the_end_is_dropped_with_a_warning_naming_offsets()
    {
        IReadOnlyList<byte[]> frames = IvfTestFiles.Frames("svt-main.ivf");
        byte[] bytes = IvfTestFiles.Build(frames);
        long second = 32 + 12 + frames[0].Length;
        foreach ((int cut, string warning) in new[]
        {
            ((int)second + 5, $"IVF: the stream ends at offset {second + 5}, inside the frame header at offset {second}; the cut frame is dropped"),
            ((int)second + 20, $"IVF: the stream ends at offset {second + 20}, inside the {frames[1].Length}-byte frame at offset {second}; the cut frame is dropped"),
        })
        {
            var warnings = new List<string>();
            await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(bytes[..cut]), new MediaReaderOptions { OnWarning = warnings.Add });
            Assert.True(await reader.ReadAsync());
            Assert.False(await reader.ReadAsync());
            Assert.Equal(warning, Assert.Single(warnings));
        }
    }

    [Fact]
    public async Task A_frame_size_beyond_the_limit_fails_naming_its_offset()
    {
        byte[] bytes = IvfTestFiles.Build(IvfTestFiles.Frames("svt-main.ivf"));
        bytes[32] = bytes[33] = bytes[34] = bytes[35] = 0xFF;
        await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(bytes));
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync());
        Assert.Equal($"IVF: the frame header at offset 32 claims {uint.MaxValue} bytes, more than the limit of {IvfReader.MaxFrameSize}", e.Message);
    }

    [Fact]
    public async Task A_frame_whose_headers_do_not_parse_is_no_keyframe_and_warned_once_per_run()
    {
        List<byte[]> frames = [.. IvfTestFiles.Frames("svt-main.ivf")];
        frames[0] = [0xFF, 0xFF, 0xFF];
        frames[1] = [0xFF, 0xFF];
        var warnings = new List<string>();
        await using IvfReader reader = await IvfReader.OpenAsync(new MemoryStream(IvfTestFiles.Build(frames)), new MediaReaderOptions { OnWarning = warnings.Add });
        int count = 0;
        while (await reader.ReadAsync())
        {
            Assert.False(count < 2 && reader.Current.IsKeyframe);
            count++;
        }

        Assert.Equal(frames.Count, count);
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("IVF: the AV1 headers of the frame at offset 32 do not parse (", warnings[0], StringComparison.Ordinal);
        Assert.Equal("IVF: 1 more frames after it did not parse either", warnings[1]);
    }

    private static async Task<T> FailsAsync<T>(byte[] bytes)
        where T : Exception
    {
        var stream = new MemoryStream(bytes);
        T e = await Assert.ThrowsAsync<T>(async () => await IvfReader.OpenAsync(stream));
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(stream.CanRead, "the stream is closed");
        return e;
    }
}
