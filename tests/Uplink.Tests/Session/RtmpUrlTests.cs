namespace Uplink.Tests.Session;

public class RtmpUrlTests
{
    [Theory]
    [InlineData("rtmp://example.com/live/stream", "example.com", 1935, "live", "stream", "rtmp://example.com/live")]
    [InlineData("rtmp://example.com:1936/live/stream", "example.com", 1936, "live", "stream", "rtmp://example.com:1936/live")]
    [InlineData("rtmp://10.0.0.1/app/instance/stream", "10.0.0.1", 1935, "app/instance", "stream", "rtmp://10.0.0.1/app/instance")]
    [InlineData("rtmps://ingest.example.com/live/key", "ingest.example.com", 443, "live", "key", "rtmps://ingest.example.com/live")]
    [InlineData("rtmp:127.0.0.1/live+myStream", "127.0.0.1", 1935, "live", "myStream", "rtmp://127.0.0.1/live")]
    [InlineData("rtmp://127.0.0.1/app/inst+name/with/slashes", "127.0.0.1", 1935, "app/inst", "name/with/slashes", "rtmp://127.0.0.1/app/inst")]
    [InlineData("rtmp://host/live/stream?key=abc&x=1", "host", 1935, "live", "stream?key=abc&x=1", "rtmp://host/live")]
    [InlineData("rtmp://host/live?token=t0k/stream", "host", 1935, "live?token=t0k", "stream", "rtmp://host/live?token=t0k")]
    [InlineData("rtmp://host/live/stream?next=/a/b", "host", 1935, "live", "stream?next=/a/b", "rtmp://host/live")]
    [InlineData("rtmp://[::1]:1935/live/s", "::1", 1935, "live", "s", "rtmp://[::1]:1935/live")]
    [InlineData("RTMP://Host/live/s", "Host", 1935, "live", "s", "rtmp://Host/live")]
    public void Parses_every_url_form(string url, string host, int port, string app, string stream, string tcUrl)
    {
        RtmpUrl u = RtmpUrl.Parse(url);
        Assert.Equal(host, u.Host);
        Assert.Equal(port, u.Port);
        Assert.Equal(app, u.App);
        Assert.Equal(stream, u.StreamName);
        Assert.Equal(tcUrl, u.TcUrl);
    }

    [Fact]
    public void Credentials_come_out_of_the_authority_and_never_reach_tcUrl_or_ToString()
    {
        RtmpUrl u = RtmpUrl.Parse("rtmp://alice:s3cr%40t@host/live/key123");
        Assert.Equal("alice", u.UserName);
        Assert.Equal("s3cr@t", u.Password);
        Assert.Equal("rtmp://host/live", u.TcUrl);
        string shown = u.ToString();
        Assert.DoesNotContain("s3cr", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("key123", shown, StringComparison.Ordinal);
        Assert.Equal("rtmp://alice:***@host/live/***", shown);
    }

    [Fact]
    public void ToString_masks_query_values_on_the_application()
    {
        Assert.Equal("rtmp://host/live?***/***", RtmpUrl.Parse("rtmp://host/live?token=secret/stream").ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("http://host/live/s", "unsupported URL scheme 'http'")]
    [InlineData("rtmp://host", "no application and stream name")]
    [InlineData("rtmp://host/live", "needs both an application and a stream name")]
    [InlineData("rtmp://host/live/", "empty stream name")]
    [InlineData("rtmp:///live/s", "no host")]
    [InlineData("rtmp://host:99999/live/s", "invalid port '99999'")]
    [InlineData("rtmp://host:abc/live/s", "invalid port 'abc'")]
    [InlineData("rtmp://[::1/live/s", "unclosed '['")]
    public void Bad_urls_fail_with_a_reason(string url, string reason)
    {
        Assert.False(RtmpUrl.TryParse(url, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains(reason, Assert.Throws<FormatException>(() => RtmpUrl.Parse(url)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_password_in_a_bad_url_is_not_repeated_in_the_error()
    {
        Assert.False(RtmpUrl.TryParse("rtmp://u:hunter2@host:bad/live/s", out _, out string? error));
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }
}
