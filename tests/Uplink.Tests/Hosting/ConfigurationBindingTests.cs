using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uplink.Server;

namespace Uplink.Tests.Hosting;

public class ConfigurationBindingTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).Build();

    [Fact]
    public async Task Writer_options_bind_from_configuration_names_nested_settings_and_media_types_included()
    {
        IConfiguration config = Config(
            ("Uplink:Writer:Url", "rtmp://127.0.0.1/live/bound"),
            ("Uplink:Writer:LiveMode", "true"),
            ("Uplink:Writer:OutputBufferSize", "1048576"),
            ("Uplink:Writer:SendTimeout", "00:00:05"),
            ("Uplink:Writer:Reconnect:Attempts", "7"),
            ("Uplink:Writer:Reconnect:RetryFirstConnect", "true"),
            ("Uplink:Writer:Credentials:UserName", "alice"),
            ("Uplink:Writer:Credentials:Password", "s3cret"),
            ("Uplink:Writer:Audio", "None"),
            ("Uplink:Writer:Video", "h264annexb"));
        var services = new ServiceCollection().AddLogging();
        services.AddRtmpWriter(config.GetSection("Uplink:Writer"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        RtmpWriterOptions options = provider.GetRequiredService<IOptions<RtmpWriterOptions>>().Value;
        Assert.Equal("rtmp://127.0.0.1/live/bound", options.Url);
        Assert.True(options.LiveMode);
        Assert.Equal(1 << 20, options.OutputBufferSize);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SendTimeout);
        Assert.Equal(7, options.Reconnect.Attempts);
        Assert.True(options.Reconnect.RetryFirstConnect);
        Assert.Equal(new RtmpCredentials("alice", "s3cret"), options.Credentials);
        Assert.Null(options.Audio);
        Assert.Same(VideoMediaType.H264AnnexB, options.Video);

        // The writer gets the bound options and the host's logging.
        RtmpWriter writer = provider.GetRequiredService<RtmpWriter>();
        Assert.Equal("rtmp://127.0.0.1/live/bound", writer.Options.Url);
        Assert.Same(provider.GetRequiredService<ILoggerFactory>(), writer.Options.LoggerFactory);
    }

    [Fact]
    public async Task Destinations_bind_from_configuration_each_with_its_own_settings()
    {
        IConfiguration config = Config(
            ("W:Url", "rtmp://127.0.0.1/live/a"),
            ("W:Destinations:0:Url", "rtmp://127.0.0.1/live/b"),
            ("W:Destinations:0:Name", "backup"),
            ("W:Destinations:0:LiveMode", "true"),
            ("W:Destinations:0:Reconnect:Attempts", "9"),
            ("W:Destinations:1:Url", "rtmp://127.0.0.1/live/c"),
            ("W:Destinations:1:SendTimeout", "00:00:03"));
        var services = new ServiceCollection();
        services.AddRtmpWriter(config.GetSection("W"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        RtmpWriter writer = provider.GetRequiredService<RtmpWriter>();
        Assert.Equal(2, writer.Options.Destinations.Count);
        RtmpDestinationOptions backup = writer.Options.Destinations[0];
        Assert.Equal(("rtmp://127.0.0.1/live/b", "backup", true, 9), (backup.Url, backup.Name, backup.LiveMode, backup.Reconnect?.Attempts));
        Assert.Equal(TimeSpan.FromSeconds(3), writer.Options.Destinations[1].SendTimeout);
        Assert.Null(writer.Options.Destinations[1].LiveMode);
        Assert.Equal(["rtmp://127.0.0.1/live/***", "backup", "rtmp://127.0.0.1/live/***#2"], writer.Destinations.Select(d => d.Name));
    }

    [Theory]
    [InlineData("HevcAnnexB", "Ac3", VideoCodec.Hevc, AudioCodec.Ac3)]
    [InlineData("av1", "eac3", VideoCodec.Av1, AudioCodec.Eac3)]
    [InlineData("VP9", "MP3", VideoCodec.Vp9, AudioCodec.Mp3)]
    public async Task The_codecs_that_carry_their_configuration_in_band_are_named_in_configuration(string video, string audio, VideoCodec videoCodec, AudioCodec audioCodec)
    {
        IConfiguration config = Config(("W:Url", "rtmp://127.0.0.1/live/x"), ("W:Video", video), ("W:Audio", audio));
        var services = new ServiceCollection();
        services.AddRtmpWriter(config.GetSection("W"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        RtmpWriter writer = provider.GetRequiredService<RtmpWriter>();
        Assert.Equal(videoCodec, writer.Options.Video?.Codec);
        Assert.True(writer.Options.Video!.DecoderConfiguration.IsEmpty);
        Assert.Equal(audioCodec, writer.Options.Audio?.Codec);
    }

    [Fact]
    public async Task Code_finishes_what_configuration_cannot_say()
    {
        IConfiguration config = Config(("W:Url", "rtmp://127.0.0.1/live/x"));
        var services = new ServiceCollection();
        services.AddRtmpWriter(config.GetSection("W"), (_, options) => options with { Audio = null, Reconnect = new RtmpReconnectOptions(3) });
        await using ServiceProvider provider = services.BuildServiceProvider();

        RtmpWriter writer = provider.GetRequiredService<RtmpWriter>();
        Assert.Null(writer.Options.Audio);
        Assert.Equal(3, writer.Options.Reconnect.Attempts);
    }

    [Fact]
    public async Task Several_writers_are_keyed_by_name_each_with_its_own_options()
    {
        IConfiguration config = Config(("A:Url", "rtmp://127.0.0.1/live/a"), ("B:Url", "rtmp://127.0.0.1/live/b"), ("B:LiveMode", "true"));
        var services = new ServiceCollection();
        services.AddKeyedRtmpWriter("a", config.GetSection("A"));
        services.AddKeyedRtmpWriter("b", config.GetSection("B"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal("rtmp://127.0.0.1/live/a", provider.GetRequiredKeyedService<RtmpWriter>("a").Options.Url);
        Assert.True(provider.GetRequiredKeyedService<RtmpWriter>("b").Options.LiveMode);
        Assert.False(provider.GetRequiredService<IOptionsMonitor<RtmpWriterOptions>>().Get("a").LiveMode);
        Assert.Throws<InvalidOperationException>(() => services.AddKeyedRtmpWriter("a", config.GetSection("A")));
    }

    [Theory]
    [InlineData("Uplink:Writer:LiveMod", "true", "Uplink:Writer", "LiveMod")]
    [InlineData("Uplink:Writer:Audio", "opus", "Uplink:Writer:Audio", "AacAdts")]
    [InlineData("Uplink:Writer:Video", "vp8", "Uplink:Writer:Video", "H264AnnexB")]
    [InlineData("Uplink:Writer:ChunkSize", "big", "Uplink:Writer", "ChunkSize")]
    public async Task A_setting_that_is_not_one_fails_naming_where_it_is(string key, string value, string path, string named)
    {
        IConfiguration config = Config(("Uplink:Writer:Url", "rtmp://127.0.0.1/live/x"), ("Uplink:Writer:Credentials:UserName", "alice"), ("Uplink:Writer:Credentials:Password", "s3cret"), (key, value));
        var services = new ServiceCollection();
        services.AddRtmpWriter(config.GetSection("Uplink:Writer"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var failure = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<RtmpWriter>());
        Assert.StartsWith(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public async Task A_writer_without_a_url_fails_with_the_options_own_message()
    {
        var services = new ServiceCollection();
        services.AddRtmpWriter(Config(("W:LiveMode", "true")).GetSection("W"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var failure = Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredService<RtmpWriter>());
        Assert.Contains("Url", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:1936", "127.0.0.1:1936")]
    [InlineData("0.0.0.0:0", "0.0.0.0:0")]
    [InlineData("[::1]:1935", "[::1]:1935")]
    public async Task Server_options_bind_with_the_listen_endpoint(string listen, string expected)
    {
        IConfiguration config = Config(("S:Listen", listen), ("S:RecordDirectory", "/tmp/rec"), ("S:MaxConnections", "3"), ("S:IdleTimeout", "00:01:00"));
        var services = new ServiceCollection();
        services.AddRtmpServer(config.GetSection("S"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        RtmpServerOptions options = provider.GetRequiredService<RtmpServer>().Options;
        Assert.Equal(IPEndPoint.Parse(expected), options.Listen);
        Assert.Equal("/tmp/rec", options.RecordDirectory);
        Assert.Equal(3, options.MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(1), options.IdleTimeout);
    }

    [Theory]
    [InlineData("1935")]
    [InlineData("localhost:1935")]
    [InlineData("127.0.0.1:99999")]
    public async Task A_listen_value_that_is_not_an_address_and_port_is_refused(string listen)
    {
        var services = new ServiceCollection();
        services.AddRtmpServer(Config(("S:Listen", listen)).GetSection("S"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var failure = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<RtmpServer>());
        Assert.StartsWith($"S:Listen: '{listen}' is not an address and port", failure.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => services.AddRtmpServer(Config().GetSection("S")));
    }
}
