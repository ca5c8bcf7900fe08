using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>What a reader declares through <see cref="IMediaReader"/> before the first frame: duration and data rates.</summary>
public class MediaReaderDeclarationsTests
{
    private static async Task<IMediaReader> OpenAsync(string folder, string file) =>
        await MediaReader.OpenAsync(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "TestData", folder, file)));

    [Fact]
    public async Task An_flv_declares_its_onMetaData_duration_and_data_rates()
    {
        await using IMediaReader reader = await OpenAsync("Flv", "sample-h264-aac.flv");
        Assert.Equal(TimeSpan.FromSeconds(2.08), reader.Duration);
        Assert.Equal(new MediaDataRates(292.96875, 62.5), reader.DataRates);
    }

    [Fact]
    public async Task A_zero_data_rate_is_not_declared()
    {
        await using IMediaReader reader = await OpenAsync("FfmpegCapture", "tiny.flv");
        Assert.Equal(new MediaDataRates(null, 62.5), reader.DataRates);
    }

    [Fact]
    public async Task An_mpeg_ts_stream_declares_neither()
    {
        string file = Path.GetFileName(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "MpegTs"), "*.ts").First(f => !f.Contains("garbage", StringComparison.Ordinal)));
        await using IMediaReader reader = await OpenAsync("MpegTs", file);
        Assert.Null(reader.Duration);
        Assert.Equal(default, reader.DataRates);
    }
}
