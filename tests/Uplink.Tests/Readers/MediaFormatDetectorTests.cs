using Uplink.Media;

namespace Uplink.Tests.Readers;

public class MediaFormatDetectorTests
{
    private static byte[] Data(string folder, string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", folder, file));

    public static TheoryData<string, string, MediaFormat> Files => new()
    {
        { "Flv", "sample-h264-aac.flv", MediaFormat.Flv },
        { "Session", "video.h264", MediaFormat.H264AnnexB },
        { "Session", "audio.aac", MediaFormat.AacAdts },
        { "FfmpegCapture", "tiny.flv", MediaFormat.Flv },
        { "Matroska", "standard.mkv", MediaFormat.Matroska },
        { "Matroska", "live.mkv", MediaFormat.Matroska },
        { "Matroska", "vp9-opus.webm", MediaFormat.Matroska },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Detects_real_files_by_content(string folder, string file, MediaFormat expected)
    {
        byte[] data = Data(folder, file);
        Assert.Equal(expected, MediaFormatDetector.Detect(data.AsSpan(0, Math.Min(data.Length, MediaFormatDetector.HeadLength))));
    }

    [Fact]
    public void Detects_every_mp4_and_ts_test_file()
    {
        foreach (string path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Mp4"), "*.mp4").Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Mp4"), "*.mov")))
        {
            Assert.True(MediaFormatDetector.Detect(File.ReadAllBytes(path)) == MediaFormat.Mp4, path);
        }

        foreach (string path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "MpegTs"), "*.ts"))
        {
            byte[] data = File.ReadAllBytes(path);
            MediaFormat format = MediaFormatDetector.Detect(data.AsSpan(0, Math.Min(data.Length, MediaFormatDetector.HeadLength)));
            Assert.True(format == MediaFormat.MpegTs || path.Contains("garbage", StringComparison.Ordinal), $"{path}: {format}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("68656C6C6F20776F726C64")]
    [InlineData("00000000")]
    [InlineData("0000018000")]
    [InlineData("FFF1")]
    public void Text_and_noise_are_unknown(string hex)
    {
        Assert.Equal(MediaFormat.Unknown, MediaFormatDetector.Detect(Convert.FromHexString(hex)));
    }

    [Fact]
    public async Task Detection_on_a_pipe_replays_what_it_read_so_the_reader_sees_every_byte()
    {
        byte[] data = Data("Flv", "sample-h264-aac.flv");
        using var pipe = new NonSeekableChunkedStream(data, seed: 5);
        (MediaFormat format, Stream stream) = await MediaReader.DetectAsync(pipe, leaveOpen: true);
        Assert.Equal(MediaFormat.Flv, format);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task Detection_on_a_file_rewinds_it()
    {
        byte[] data = Data("Flv", "sample-h264-aac.flv");
        using var file = new MemoryStream(data);
        (_, Stream stream) = await MediaReader.DetectAsync(file, leaveOpen: true);
        Assert.Same(file, stream);
        Assert.Equal(0, file.Position);
    }

    [Fact]
    public async Task An_unknown_input_names_its_first_bytes()
    {
        using var text = new MemoryStream("hello world"u8.ToArray());
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () => await MediaReader.OpenAsync(text));
        Assert.Contains("68656C6C6F20776F", ex.Message, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<InvalidDataException>(async () => await MediaReader.OpenAsync(new MemoryStream()));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
    }
}
