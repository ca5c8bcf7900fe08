using Uplink.Media;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>MKV and WebM through the format-agnostic entry points: detection, <see cref="MediaReader"/> and <see cref="MediaProbe"/>.</summary>
public class MatroskaMediaReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MediaReader_detects_Matroska_and_reads_the_same_frames_from_a_file_or_a_pipe(bool pipe)
    {
        byte[] bytes = MatroskaTestData.Bytes("live.mkv");
        List<MatroskaFrameRecord> expected = await MatroskaFrameRecord.ReadAllAsync(bytes);
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 8, maxChunk: 100) : new MemoryStream(bytes);
        await using IMediaReader reader = await MediaReader.OpenAsync(stream);
        Assert.IsType<MatroskaReader>(reader);
        Assert.Equal("Matroska", reader.FormatName);
        Assert.Equal("Matroska", MediaFormatDetector.Name(MediaFormat.Matroska));
        int i = 0;
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            Assert.True(expected[i].SameFrameAs(new MatroskaFrameRecord(f.Track, f.Dts, f.Pts, f.IsKeyframe, f.Data.ToArray(), 0)), $"frame {i}");
            i++;
        }

        Assert.Equal(expected.Count, i);
    }

    [Theory]
    [InlineData("hevc.mkv", VideoCodec.Hevc, null, 5)]
    [InlineData("vp9-opus.webm", VideoCodec.Vp9, AudioCodec.Opus, 0)]
    public async Task The_enhanced_codecs_open_through_MediaReader_with_their_media_types(string fileName, VideoCodec video, AudioCodec? audio, int videoFrames)
    {
        await using IMediaReader reader = await MediaReader.OpenAsync(MatroskaTestData.PathOf(fileName));
        Assert.Equal(video, reader.Video!.Codec);
        Assert.Equal(audio, reader.Audio?.Codec);
        int frames = 0;
        while (await reader.ReadAsync())
        {
            frames += reader.Current.Track == MediaTrack.Video ? 1 : 0;
        }

        Assert.True(videoFrames == 0 ? frames > 0 : frames == videoFrames, $"{frames} video frames");
    }

    [Fact]
    public async Task The_probe_names_the_container_and_describes_both_tracks()
    {
        await using IMediaReader reader = await MediaReader.OpenAsync(MatroskaTestData.PathOf("standard.mkv"));
        MediaProbeResult result = await MediaProbe.ProbeAsync(reader);
        Assert.Equal("Matroska", result.Format);
        TrackProbe video = result.Tracks[0];
        Assert.Equal(("video", "h264", "High", 320, 180, 25.0, 50L, 2L, true), (video.Type, video.Codec, video.Profile, video.Width, video.Height, video.FrameRate, video.Frames, video.Keyframes, video.BFrames));
        TrackProbe audio = result.Tracks[1];
        Assert.Equal(("audio", "aac", "LC", 44100, 2, 88L), (audio.Type, audio.Codec, audio.Profile, audio.SampleRate, audio.Channels, audio.Frames));
        Assert.InRange(result.Duration.TotalSeconds, 2.0, 2.1);
    }
}
