using System.Globalization;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Session;

/// <summary>RtmpWriterOptions.Timecode (onFI data messages) and RtmpWriterOptions.AllowBFrames, against the scripted server.</summary>
public class TimecodeWriterTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    /// <summary>The clock reads 23:59:59.5 on 5 March 2026 (UTC as local time): the labels cross midnight after 0.5 s.</summary>
    private static readonly DateTime Start = new(2026, 3, 5, 23, 59, 59, 500);

    /// <summary>Video at 25 fps for 3 s (the 12 test access units over and over, each loop starting on a keyframe), with
    /// audio interleaved in timestamp order when there is audio.</summary>
    private static async Task PublishAsync(RtmpWriter writer, int videoFrames, bool withAudio, Func<int, TimeSpan>? timeOfFrame = null)
    {
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();
        int a = 0;
        TimeSpan AudioTime(int i) => TimeSpan.FromTicks(i * 1024L * TimeSpan.TicksPerSecond / 48000);
        for (int v = 0; v < videoFrames; v++)
        {
            TimeSpan dts = timeOfFrame?.Invoke(v) ?? Frame * v;
            while (withAudio && AudioTime(a) <= dts)
            {
                await writer.WriteAudioAsync(audio[a % audio.Count], AudioTime(a));
                a++;
            }

            await writer.WriteVideoAsync(video[v % video.Count], dts, dts);
        }
    }

    private static RtmpWriterOptions Options(ScriptedRtmpServer server, RtmpTimecodeOptions timecode) =>
        new() { Url = server.Url(), Timecode = timecode, TimeProvider = new FixedClock(Start) };

    private static List<ReceivedMessage> FrameInfos(IEnumerable<ReceivedMessage> media) =>
        media.Where(m => m.Type == RtmpMessageType.DataAmf0 && m.CommandName == "onFI").ToList();

    private static AmfObject Info(ReceivedMessage onFi) => Assert.IsType<AmfObject>(Assert.Single(onFi.Arguments));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1 << 20, false)]
    [InlineData(0, true)]
    public async Task OnFI_follows_the_video_frame_it_labels_every_interval_with_sd_and_st_advanced_by_media_time(int outputBufferSize, bool liveMode)
    {
        await using var server = new ScriptedRtmpServer();
        var options = Options(server, new RtmpTimecodeOptions { Interval = TimeSpan.FromMilliseconds(400) }) with { OutputBufferSize = outputBufferSize, LiveMode = liveMode };
        await using (var writer = new RtmpWriter(options))
        {
            await PublishAsync(writer, 75, withAudio: true);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var media = server.Media.ToList();
        var onFi = FrameInfos(media);
        Assert.Equal([0u, 400u, 800u, 1200u, 1600u, 2000u, 2400u, 2800u], onFi.Select(m => m.Timestamp));
        Assert.All(onFi, m => Assert.Equal(ChunkStreamIds.Data, m.ChunkStreamId));
        for (int i = 0; i < onFi.Count; i++)
        {
            AmfObject info = Info(onFi[i]);
            Assert.True(info.IsEcmaArray);
            DateTime labelled = Start.AddMilliseconds(onFi[i].Timestamp);
            Assert.Equal(labelled.ToString("dd-MM-yy", CultureInfo.InvariantCulture), info.GetString("sd"));
            Assert.Equal(labelled.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), info.GetString("st"));
            Assert.Null(info["tc"]);

            // Never before the frame it labels: every video frame up to its time has already arrived.
            int at = media.IndexOf(onFi[i]);
            long videoBefore = media.Take(at).Count(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1);
            Assert.True(liveMode || videoBefore == (onFi[i].Timestamp / 40) + 1, $"onFI at {onFi[i].Timestamp} ms came after {videoBefore} video frames");
            Assert.All(media.Take(at), m => Assert.True(m.Timestamp <= onFi[i].Timestamp));
        }

        Assert.Equal("05-03-26", Info(onFi[1]).GetString("sd"));
        Assert.Equal("23:59:59.900", Info(onFi[1]).GetString("st"));
        Assert.Equal("06-03-26", Info(onFi[2]).GetString("sd"));
        Assert.Equal("00:00:00.300", Info(onFi[2]).GetString("st"));
        Assert.Equal("05-03-26", Info(onFi[0]).GetString("sd"));
    }

    [Fact]
    public async Task The_first_onFI_goes_with_the_first_frame_and_a_gap_in_the_media_skips_missed_intervals_instead_of_bursting()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(Options(server, new RtmpTimecodeOptions()) with { Audio = null }))
        {
            // Starting at 10 s (rebased to 0 on the wire), then a 3 s jump after frame 30.
            await PublishAsync(writer, 60, withAudio: false, v => TimeSpan.FromSeconds(10) + (Frame * v) + (v >= 30 ? TimeSpan.FromSeconds(3) : TimeSpan.Zero));
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var onFi = FrameInfos(server.Media);
        Assert.Equal([0u, 1000u, 4200u, 5000u], onFi.Select(m => m.Timestamp));
        Assert.Equal("00:00:03.700", Info(onFi[2]).GetString("st")); // 23:59:59.5 + 4.2 s
    }

    [Theory]
    [InlineData(25.0, new[] { "00:00:00:00", "00:00:01:00", "00:00:02:00" })]
    [InlineData(29.97, new[] { "00:00:00:00", "00:00:01:00", "00:00:02:00" })]
    public async Task Tc_is_the_non_drop_frame_SMPTE_timecode_of_the_labelled_frame(double frameRate, string[] expected)
    {
        await using var server = new ScriptedRtmpServer();
        TimeSpan FrameTime(int v) => TimeSpan.FromTicks((long)Math.Round(v * TimeSpan.TicksPerSecond / frameRate));
        var timecode = new RtmpTimecodeOptions { SmpteTimecode = true, FrameRate = frameRate };
        await using (var writer = new RtmpWriter(Options(server, timecode) with { Audio = null }))
        {
            await PublishAsync(writer, (int)(frameRate * 3), withAudio: false, FrameTime);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var onFi = FrameInfos(server.Media);
        Assert.Equal(expected, onFi.Select(m => Info(m).GetString("tc")));

        // Each labels the first frame at or after its second: at 29.97 fps frame 30 (1.001 s), frame 60 (2.002 s).
        int[] frames = frameRate == 25.0 ? [0, 25, 50] : [0, 30, 60];
        Assert.Equal(frames.Select(f => (uint)Math.Floor(FrameTime(f).TotalMilliseconds)), onFi.Select(m => m.Timestamp));
    }

    [Fact]
    public async Task Tc_takes_the_frame_rate_from_the_SPS_when_none_is_given()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(Options(server, new RtmpTimecodeOptions { SmpteTimecode = true }) with { Audio = null }))
        {
            await PublishAsync(writer, 30, withAudio: false);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["00:00:00:00", "00:00:01:00"], FrameInfos(server.Media).Select(m => Info(m).GetString("tc")));
    }

    [Fact]
    public async Task In_an_audio_only_stream_onFI_follows_audio_frames()
    {
        await using var server = new ScriptedRtmpServer();
        var audio = ElementaryStreams.AdtsFrames();
        await using (var writer = new RtmpWriter(Options(server, new RtmpTimecodeOptions { Interval = TimeSpan.FromMilliseconds(100) }) with { Video = null }))
        {
            for (int a = 0; a < audio.Count; a++)
            {
                await writer.WriteAudioAsync(audio[a], TimeSpan.FromTicks(a * 1024L * TimeSpan.TicksPerSecond / 48000));
            }
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var media = server.Media.ToList();
        var onFi = FrameInfos(media);
        Assert.NotEmpty(onFi);
        Assert.All(onFi, m =>
        {
            ReceivedMessage before = media[media.IndexOf(m) - 1];
            Assert.Equal(RtmpMessageType.Audio, before.Type);
            Assert.Equal(before.Timestamp, m.Timestamp);
        });
        Assert.Equal(0u, onFi[0].Timestamp);
        Assert.True(onFi.Zip(onFi.Skip(1)).All(p => p.Second.Timestamp - p.First.Timestamp is >= 100 and < 122), string.Join(", ", onFi.Select(m => m.Timestamp)));
    }

    [Fact]
    public async Task Without_timecode_options_no_onFI_is_sent()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            await PublishAsync(writer, 30, withAudio: false);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(server.Media, m => m.Type == RtmpMessageType.DataAmf0);
    }

    [Fact]
    public async Task With_AllowBFrames_false_a_frame_whose_PTS_differs_from_its_DTS_is_refused_and_the_writer_goes_on()
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null, AllowBFrames = false }))
        {
            await writer.WriteVideoAsync(video[0], TimeSpan.Zero, TimeSpan.Zero);
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteVideoAsync(video[1], Frame, Frame * 3).AsTask());
            Assert.StartsWith("video frame 2: PTS 00:00:00.1200000 differs from DTS 00:00:00.0400000", refused.Message, StringComparison.Ordinal);
            Assert.Contains("AllowBFrames is false", refused.Message, StringComparison.Ordinal);
            Assert.Equal("presentationTime", refused.ParamName);

            await writer.WriteVideoAsync(video[1], Frame, Frame);
            await writer.WriteVideoAsync(video[2], Frame * 2, Frame * 2);
            Assert.Equal(3, writer.GetStats().VideoFramesSent);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var frames = server.Media.Where(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).ToList();
        Assert.Equal([0u, 40u, 80u], frames.Select(m => m.Timestamp));
        Assert.All(frames, m => Assert.Equal([0, 0, 0], m.Payload[2..5]));
    }

    [Fact]
    public async Task By_default_B_frames_are_allowed()
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            Assert.True(writer.Options.AllowBFrames);
            await writer.WriteVideoAsync(video[0], TimeSpan.Zero, Frame * 2);
            await writer.WriteVideoAsync(video[1], Frame, Frame);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, server.Media.Count(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1));
    }

    [Theory]
    [InlineData(0, null, "Interval")]
    [InlineData(-1, null, "Interval")]
    [InlineData(3_600_001, null, "Interval")]
    [InlineData(1000, 0.5, "FrameRate")]
    [InlineData(1000, 1001.0, "FrameRate")]
    public void Out_of_range_timecode_options_are_refused_naming_the_setting(int intervalMs, double? frameRate, string setting)
    {
        var options = new RtmpWriterOptions
        {
            Url = "rtmp://127.0.0.1/live/test",
            Timecode = new RtmpTimecodeOptions { Interval = TimeSpan.FromMilliseconds(intervalMs), FrameRate = frameRate },
        };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.StartsWith("Timecode." + setting, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A wall clock that stands still, with UTC as its local time zone.</summary>
    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public override DateTimeOffset GetUtcNow() => new(utc, TimeSpan.Zero);
    }
}
