using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Uplink.Media;
using static Uplink.IntegrationTests.Tests.Inputs.MultiTrackClips;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The readers on files with several video and audio tracks (HEVC 640x360 with B-frames + H.264 320x180 + two audio
/// tracks), muxed by FFmpeg 8.1: with <see cref="MediaReaderOptions.AllTracks"/> every track's frames are FFmpeg's
/// packets of its stream, one for one; without it the reader gives exactly the default tracks, all as track 0.
/// </summary>
public sealed class MultiTrackInputTests
{
    [Fact]
    public async Task Mp4_delivers_every_track_as_ffmpeg_demuxes_it()
    {
        var file = await MuxAsync("multi_hevc-h264-aac-opus.mp4", Hevc("mp4"), H264("mp4"), AudioOnly("aac", "mp4"), AudioOnly("opus", "mkv"));
        var expected = await FfmpegPackets.ReadAsync(file, ignoreEditList: true);
        await AssertEveryTrackAsync(file, expected, [VideoCodec.Hevc, VideoCodec.H264], [AudioCodec.Aac, AudioCodec.Opus]);
    }

    /// <summary>Fragmented (Debian's ffmpeg remuxes the four-track MP4 into moof + mdat pairs): every traf's samples go to their track.</summary>
    [Fact]
    public async Task Fragmented_mp4_delivers_every_track_as_ffmpeg_demuxes_it()
    {
        var source = await MuxAsync("multi_hevc-h264-aac-opus.mp4", Hevc("mp4"), H264("mp4"), AudioOnly("aac", "mp4"), AudioOnly("opus", "mkv"));
        var file = Path.Combine(Path.GetDirectoryName(source)!, "multi_fragmented.mp4");
        if (!File.Exists(file))
        {
            var remux = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg,
                ["-hide_banner", "-nostdin", "-v", "error", "-y", "-i", source, "-map", "0", "-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof", file],
                TimeSpan.FromSeconds(60));
            Assert.True(remux.ExitCode == 0 && !remux.TimedOut, $"ffmpeg could not fragment {source}: {remux.Describe()}");
        }

        await using (var reader = await MediaReader.OpenAsync(file))
        {
            Assert.Equal("fragmented MP4", reader.FormatName);
        }

        var expected = await FfmpegPackets.ReadAsync(file, ignoreEditList: true);
        await AssertEveryTrackAsync(file, expected, [VideoCodec.Hevc, VideoCodec.H264], [AudioCodec.Aac, AudioCodec.Opus]);
    }

    [Fact]
    public async Task Matroska_delivers_every_track_as_ffmpeg_demuxes_it()
    {
        var file = await MuxAsync("multi_hevc-h264-aac-opus.mkv", Hevc("mkv"), H264("mkv"), AudioOnly("aac", "mkv"), AudioOnly("opus", "mkv"));
        var expected = await FfmpegPackets.ReadAsync(file);
        await AssertEveryTrackAsync(file, expected, [VideoCodec.Hevc, VideoCodec.H264], [AudioCodec.Aac, AudioCodec.Opus]);
    }

    [Fact]
    public async Task MpegTs_delivers_every_stream_of_the_program_as_ffmpeg_demuxes_it()
    {
        var file = await MuxAsync("multi_hevc-h264-aac-ac3.ts", Hevc("ts"), H264("ts"), AudioOnly("aac", "ts"), AudioOnly("ac3", "ts"));
        var expected = await FfmpegPackets.ReadAsync(file);
        await AssertEveryTrackAsync(file, expected, [VideoCodec.Hevc, VideoCodec.H264], [AudioCodec.Aac, AudioCodec.Ac3], splitAudioPes: true);
    }

    /// <summary>
    /// Two programs (Debian's ffmpeg remuxes the four streams: program 1 H.264 + AC-3, program 2 HEVC + AAC, so the PIDs'
    /// order is not the programs'): the reader lists program 1's streams first, and each matches FFmpeg's stream of its codec.
    /// The video bytes are compared in the one-program test only: on this file FFmpeg 8.1's HEVC parser re-splits the
    /// access units the older muxer wrote, moving a start code's leading zero byte to the previous packet, while the reader
    /// gives the PES payloads as written (the packets FFmpeg 5.1's ffprobe shows).
    /// </summary>
    [Fact]
    public async Task MpegTs_lists_the_programs_in_pat_order_then_their_streams()
    {
        var source = await MuxAsync("multi_hevc-h264-aac-ac3.ts", Hevc("ts"), H264("ts"), AudioOnly("aac", "ts"), AudioOnly("ac3", "ts"));
        var file = Path.Combine(Path.GetDirectoryName(source)!, "multi_two-programs.ts");
        if (!File.Exists(file))
        {
            var remux = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg,
            [
                "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", source, "-map", "0", "-c", "copy",
                "-program", "program_num=1:st=1:st=3", "-program", "program_num=2:st=0:st=2", file,
            ], TimeSpan.FromSeconds(60));
            Assert.True(remux.ExitCode == 0 && !remux.TimedOut, $"ffmpeg could not remux {source} into two programs: {remux.Describe()}");
        }

        var expected = await FfmpegPackets.ReadAsync(file);
        var all = await ReadAsync(file, allTracks: true);
        Assert.Equal([VideoCodec.H264, VideoCodec.Hevc], all.Video.Select(t => t.Codec));
        Assert.Equal([AudioCodec.Ac3, AudioCodec.Aac], all.Audio.Select(t => t.Codec));
        Assert.Empty(all.Warnings);
        var streams = Streams(expected);
        Assert.Equal(4, streams.Count);
        string[] videoOrder = ["h264", "hevc"], audioOrder = ["ac3", "aac"];
        foreach (var (stream, kind, codec) in streams)
        {
            int index = Array.IndexOf(kind == MediaKind.Video ? videoOrder : audioOrder, codec);
            Assert.True(index >= 0, $"{file}: FFmpeg's stream {stream} is {codec}");
            AssertTrack(expected, all.Frames, stream, kind, index, file, splitPes: kind == MediaKind.Audio, bytes: kind == MediaKind.Audio);
        }

        var single = await ReadAsync(file, allTracks: false);
        Assert.Equal([VideoCodec.H264], single.Video.Select(t => t.Codec));
        Assert.Equal([AudioCodec.Ac3], single.Audio.Select(t => t.Codec));
        Assert.Equal(
            all.Frames.Where(f => f.TrackIndex == 0).Select(f => f.Packet.ToString()),
            single.Frames.Select(f => f.Packet.ToString()));
    }

    /// <summary>
    /// Reads <paramref name="file"/> with and without AllTracks: with it the tracks listed are the expected codecs and each
    /// matches its FFmpeg stream; without it only the default tracks are listed and read, and they are the same frames
    /// as track 0 of each kind with it.
    /// </summary>
    private static async Task AssertEveryTrackAsync(string file, FfmpegPackets expected, VideoCodec[] video, AudioCodec[] audio, bool splitAudioPes = false)
    {
        var all = await ReadAsync(file, allTracks: true);
        Assert.Equal(video, all.Video.Select(t => t.Codec));
        Assert.Equal(audio, all.Audio.Select(t => t.Codec));
        Assert.Equal(video.Length + audio.Length, Streams(expected).Count);
        AssertAllTracks(expected, all.Frames, file, splitAudioPes);
        AssertInterleaved(all.Frames, file);

        var single = await ReadAsync(file, allTracks: false);
        Assert.Equal([video[0]], single.Video.Select(t => t.Codec));
        Assert.Equal([audio[0]], single.Audio.Select(t => t.Codec));
        Assert.All(single.Frames, f => Assert.Equal(0, f.TrackIndex));
        Assert.Equal(
            all.Frames.Where(f => f.TrackIndex == 0).Select(f => f.Packet.ToString()),
            single.Frames.Select(f => f.Packet.ToString()));
    }

    /// <summary>The tracks come interleaved (no track is read whole before another starts), as the file has them.</summary>
    private static void AssertInterleaved(List<Frame> frames, string what)
    {
        var lastOfTrack = frames.Select((f, i) => (Key: (f.Packet.Kind, f.TrackIndex), i)).GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Max(x => x.i));
        var firstOfTrack = frames.Select((f, i) => (Key: (f.Packet.Kind, f.TrackIndex), i)).GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Min(x => x.i));
        foreach (var track in firstOfTrack.Keys)
        {
            Assert.True(firstOfTrack.Values.All(first => first < lastOfTrack[track]), $"{what}: track {track} ends before another track starts: {string.Join(", ", firstOfTrack)}");
        }
    }
}
