namespace Uplink.Tests.Session;

/// <summary>Settings out of range are refused when the writer is made, naming the setting and the allowed range.</summary>
public class RtmpWriterOptionsTests
{
    private static readonly RtmpWriterOptions Valid = new() { Url = "rtmp://127.0.0.1/live/test" };

    public static TheoryData<string, RtmpWriterOptions, string> Invalid => new()
    {
        { "ChunkSize", Valid with { ChunkSize = 64 }, "128 to 65536" },
        { "OutputBufferSize", Valid with { OutputBufferSize = -1 }, "0 (no buffer) to" },
        { "OutputBufferSize", Valid with { OutputBufferSize = (1 << 30) + 1 }, "0 (no buffer) to" },
        { "OutputPacketSize", Valid with { OutputPacketSize = 512 }, "1024 to 4194304" },
        { "LiveDropPolicy", Valid with { LiveDropPolicy = new RtmpLiveDropPolicy { DisposableFrames = TimeSpan.FromSeconds(2), InterFrames = TimeSpan.FromSeconds(1) } }, "at least as long" },
        { "LiveDropPolicy", Valid with { LiveDropPolicy = new RtmpLiveDropPolicy { DisposableFrames = TimeSpan.Zero } }, "positive" },
        { "SendTimeout", Valid with { SendTimeout = TimeSpan.Zero }, "more than 0" },
        { "Url", Valid with { Url = "http://example.com/live/x" }, "rtmp://" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_setting_is_refused_naming_it_and_its_range(string setting, RtmpWriterOptions options, string range)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RtmpWriter(options));
        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
        Assert.Contains(range, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_mode_without_a_buffer_size_uses_the_default_live_buffer()
    {
        RtmpWriterOptions live = Valid with { LiveMode = true };
        Assert.True(live.UsesSendLoop);
        Assert.Equal(RtmpWriterOptions.DefaultLiveOutputBufferSize, live.EffectiveOutputBufferSize);
        Assert.False(Valid.UsesSendLoop);
    }

    [Fact]
    public void ToString_shows_the_send_settings_and_no_secret()
    {
        string text = (Valid with { Url = "rtmp://bob:hunter2@127.0.0.1/live/SECRETKEY", OutputBufferSize = 1000, LiveMode = true }).ToString();
        Assert.Contains("OutputBufferSize = 1000", text, StringComparison.Ordinal);
        Assert.Contains("LiveMode = True", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETKEY", text, StringComparison.Ordinal);
    }
}
