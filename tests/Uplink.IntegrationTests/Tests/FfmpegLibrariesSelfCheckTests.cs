using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests;

/// <summary>
/// Proves the FFmpeg 8.1 peer (tests/peers/node-av): its framemd5 agrees with Debian's ffmpeg, its clips decode with
/// the codecs and frame counts asked for, and its RTMP listener records exactly what a real client publishes, classic
/// and Enhanced RTMP. When these fail, the peer is broken, not Uplink.
/// </summary>
public sealed class FfmpegLibrariesSelfCheckTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The codec × container cases of <see cref="Clips_decode_with_the_codecs_and_frame_counts_asked_for"/>.</summary>
    public static TheoryData<string, string, string> ClipCases
    {
        get
        {
            var cases = new TheoryData<string, string, string>();
            foreach (var video in new[] { "hevc-bf", "av1", "vp9" })
            {
                foreach (var audio in new[] { "aac", "opus", "flac", "ac3" })
                {
                    cases.Add(video, audio, "mp4");
                    // WebM takes only VP9/AV1 with Opus; Matroska takes everything else.
                    cases.Add(video, audio, video != "hevc-bf" && audio == "opus" ? "webm" : "mkv");
                }
            }

            return cases;
        }
    }

    /// <summary>
    /// On a clip Debian's ffmpeg 5.1 made (H.264 with B-frames + AAC, FLV), framemd5.js gives Debian's
    /// <c>ffmpeg -f framemd5</c> video hashes exactly. Audio has the same frames and sizes but not every hash: FFmpeg 7
    /// rewrote the AAC decoder and its float output differs from 5.1's by up to ~1e-7, which flips the s16 rounding of a
    /// few samples in some frames. Most frames still match, which shows both hash the same s16 interleaved layout.
    /// </summary>
    [Fact]
    public async Task Framemd5_agrees_with_debian_ffmpeg_on_an_h264_aac_clip()
    {
        var clip = await ClipGenerator.GetAsync(Media.ClipCases.Default);

        var ours = await FfmpegLibraries.FrameMd5Async(clip);
        var debianVideo = await FrameHashes.ComputeAsync(clip, MediaKind.Video);
        var debianAudio = await FrameHashes.ComputeAsync(clip, MediaKind.Audio);

        Assert.Equal("h264", ours.Video?.Codec);
        Assert.Equal("aac", ours.Audio?.Codec);
        Assert.Equal("", RecordingComparison.Describe("video: Debian ffmpeg vs FFmpeg 8.1", debianVideo, ours.Frames(MediaKind.Video)));
        Assert.Equal(debianAudio.Select(f => f.Size), ours.Frames(MediaKind.Audio).Select(f => f.Size));
        var matching = debianAudio.Zip(ours.Frames(MediaKind.Audio)).Count(p => p.First.Md5 == p.Second.Md5);
        Assert.True(matching * 2 > debianAudio.Count, $"only {matching} of {debianAudio.Count} AAC frames hash alike: more than decoder rounding differs");
    }

    /// <summary>make-clip.js encodes each Enhanced-RTMP video codec with each common audio codec into MP4 and Matroska/WebM;
    /// framemd5.js reads them back with the codecs asked for, every frame (2 s at 25 fps) and B-frames only when asked.</summary>
    [Theory]
    [MemberData(nameof(ClipCases))]
    public async Task Clips_decode_with_the_codecs_and_frame_counts_asked_for(string video, string audio, string container)
    {
        var bframes = video.EndsWith("-bf", StringComparison.Ordinal);
        var codec = bframes ? video[..^3] : video;
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = codec, Audio = audio, Container = container, BFrames = bframes });

        var hashes = await FfmpegLibraries.FrameMd5Async(clip);

        Assert.Equal(2, hashes.Streams.Count);
        Assert.Equal(codec, hashes.Video?.Codec);
        Assert.Equal($"{codec} 320x180 yuv420p", hashes.Video?.Description);
        Assert.Equal(50, hashes.Video?.Frames.Count);
        Assert.Equal(bframes, hashes.Video?.Reorder > 0);
        Assert.Equal(audio, hashes.Audio?.Codec);
        Assert.StartsWith($"{audio} 48000 2ch ", hashes.Audio?.Description, StringComparison.Ordinal);
        // 2 s of 48 kHz in each encoder's frame size, plus what its delay pushes into a last frame (nothing is trimmed):
        // AAC 1024 + priming, Opus 960 + pre-skip, FLAC 4608, AC-3 1536.
        var expectedAudioFrames = audio switch { "aac" => 95, "opus" => 101, "flac" => 21, _ => 63 };
        Assert.Equal(expectedAudioFrames, hashes.Audio?.Frames.Count);
        Assert.Equal(hashes.Video!.Frames.Count, hashes.Video.Md5s.Distinct().Count()); // testsrc2 moves: a repeated frame would be a bug
    }

    /// <summary>FFmpeg 8.1's RTMP client publishes Enhanced RTMP (HEVC with B-frames + Opus, AV1 + AAC in MP4, VP9 + Opus in WebM) to the
    /// listener, whose FLV recording has the source's frames exactly, encoder delay included.</summary>
    [Theory]
    [InlineData("hevc", true, "opus", "mkv")]
    [InlineData("av1", false, "aac", "mp4")]
    [InlineData("vp9", false, "opus", "webm")]
    public async Task Listener_records_enhanced_rtmp_from_ffmpeg_8_1(string video, bool bframes, string audio, string container)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, BFrames = bframes, Audio = audio, Container = container });
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var publish = await FfmpegLibraries.PublishAsync(clip, listener.PublishUrl(), PublishTimeout);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, $"rtmp-publish.js failed.\n{publish.Describe()}");
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);

        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"rtmp-publish.js → {listener.Name}, {clip}");
        Assert.Contains(video, (await FfmpegLibraries.FrameMd5Async(recording, MediaKind.Video)).Video?.Codec, StringComparison.Ordinal);
    }

    /// <summary>Debian's ffmpeg 5.1 publishes classic RTMP (H.264 with B-frames + AAC) to the listener; the recording has the source's frames.</summary>
    [Fact]
    public async Task Listener_records_classic_rtmp_from_debian_ffmpeg()
    {
        var clip = await ClipGenerator.GetAsync(Media.ClipCases.Default);
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var publish = await FfmpegPublisher.PublishAsync(clip, listener.PublishUrl(), PublishTimeout);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, $"ffmpeg failed.\n{publish.Describe()}");
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);

        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"Debian ffmpeg → {listener.Name}");
    }

    /// <summary>A missing publisher fails the listener within its timeout, with a one-line reason and no recording.</summary>
    [Fact]
    public async Task Listener_without_a_publisher_fails_after_its_timeout()
    {
        await using var listener = await FfmpegRtmpListener.StartAsync(TimeSpan.FromSeconds(1));

        var result = await listener.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.False(result.TimedOut, result.Describe());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no publisher connected", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("UPLINK_RECORD_CLOSED", result.StandardOutput, StringComparison.Ordinal);
    }
}
