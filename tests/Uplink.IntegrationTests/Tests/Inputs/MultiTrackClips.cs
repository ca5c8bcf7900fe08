using System.Globalization;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// Multi-track clips built from FFmpeg 8.1 single-track clips (make-clip.js) stream-copied into one file (mux.js), and
/// the per-track comparison of a reader opened with <see cref="MediaReaderOptions.AllTracks"/> with FFmpeg's packets.
/// </summary>
internal static class MultiTrackClips
{
    // Test classes run in parallel and share clips: one mux at a time, so none reads (or renames over) another's output.
    private static readonly SemaphoreSlim Muxing = new(1, 1);

    /// <summary>HEVC 640x360 with B-frames, the default video track of the clips.</summary>
    public static FfmpegClipOptions Hevc(string container) => new() { Video = "hevc", BFrames = true, Audio = "none", Width = 640, Height = 360, Container = container };

    /// <summary>H.264 320x180, the second video track.</summary>
    public static FfmpegClipOptions H264(string container) => new() { Video = "h264", Audio = "none", Container = container };

    /// <summary>An audio-only clip.</summary>
    public static FfmpegClipOptions AudioOnly(string codec, string container) => new() { Video = "none", Audio = codec, Container = container };

    /// <summary>Makes the parts and muxes them, video first then audio in argument order, into a file named <paramref name="name"/>.</summary>
    public static async Task<string> MuxAsync(string name, params FfmpegClipOptions[] parts)
    {
        var inputs = new List<string>();
        foreach (var part in parts)
        {
            inputs.Add(await FfmpegLibraries.MakeClipAsync(part));
        }

        var output = Path.Combine(Path.GetDirectoryName(inputs[0])!, name);
        await Muxing.WaitAsync();
        try
        {
            if (!File.Exists(output))
            {
                var result = await ExternalProcess.RunAsync(FfmpegLibraries.Node, [FfmpegLibraries.Script("mux.js"), .. inputs, output], TimeSpan.FromSeconds(120), FfmpegLibraries.PeerDirectory);
                Assert.True(result.ExitCode == 0 && !result.TimedOut, $"mux.js could not build {name}: {result.Describe()}");
            }
        }
        finally
        {
            Muxing.Release();
        }

        return output;
    }

    /// <summary>A frame of ours with its track and data.</summary>
    public sealed record Frame(FfmpegPacket Packet, int TrackIndex, byte[] Data);

    /// <summary>Every frame a reader gives for <paramref name="path"/>, and the media types it lists.</summary>
    public static async Task<(List<Frame> Frames, IReadOnlyList<VideoMediaType> Video, IReadOnlyList<AudioMediaType> Audio, List<string> Warnings)> ReadAsync(string path, bool allTracks)
    {
        var warnings = new List<string>();
        await using var reader = await MediaReader.OpenAsync(path, new MediaReaderOptions { AllTracks = allTracks, OnWarning = warnings.Add });
        var frames = new List<Frame>();
        while (await reader.ReadAsync())
        {
            frames.Add(new Frame(FfmpegPacket.From(reader.Current), reader.Current.TrackIndex, reader.Current.Data.ToArray()));
        }

        return (frames, reader.VideoTracks, reader.AudioTracks, warnings);
    }

    /// <summary>
    /// FFmpeg's streams as (stream index, kind, codec), in stream order — which is the order the readers list the
    /// tracks of each kind in for these clips.
    /// </summary>
    public static List<(int Stream, MediaKind Kind, string Codec)> Streams(FfmpegPackets packets) =>
    [
        .. packets.StreamLines.Select(l => l.Split(' ')).Select(f => (int.Parse(f[1].TrimEnd(':'), CultureInfo.InvariantCulture), f[2] == "v" ? MediaKind.Video : MediaKind.Audio, f[3])),
    ];

    /// <summary>
    /// Asserts that the frames of track <paramref name="trackIndex"/> of <paramref name="kind"/> are FFmpeg's packets of
    /// <paramref name="stream"/>: count, order, DTS/PTS in ms where FFmpeg has them, key flags, size and MD5. With
    /// <paramref name="splitPes"/> a frame of ours may hold several of FFmpeg's packets back to back (MPEG-TS audio PES);
    /// without <paramref name="bytes"/> size and MD5 are not compared.
    /// </summary>
    public static void AssertTrack(FfmpegPackets expected, List<Frame> frames, int stream, MediaKind kind, int trackIndex, string what, bool splitPes = false, bool bytes = true)
    {
        var packets = expected.Packets.Where(p => p.Stream == stream).ToList();
        var ours = frames.Where(f => f.Packet.Kind == kind && f.TrackIndex == trackIndex).ToList();
        Assert.True(packets.Count > 0, $"{what}: FFmpeg lists no packets of stream {stream}");
        if (!splitPes)
        {
            for (int i = 0; i < Math.Min(packets.Count, ours.Count); i++)
            {
                FfmpegPacket p = packets[i];
                FfmpegPacket a = ours[i].Packet;
                bool same = (!bytes || (p.Size == a.Size && p.Md5 == a.Md5)) && p.IsKeyframe == a.IsKeyframe
                    && (p.DtsMs == FfmpegPackets.NoTime || p.DtsMs == a.DtsMs)
                    && (p.PtsMs == FfmpegPackets.NoTime || p.PtsMs == a.PtsMs);
                Assert.True(same, $"{what}: stream {stream} ({kind} track {trackIndex}) frame {i} differs: FFmpeg {p}; ours {a}");
            }

            Assert.True(packets.Count == ours.Count, $"{what}: FFmpeg has {packets.Count} packets in stream {stream}, our {kind} track {trackIndex} has {ours.Count}");
            return;
        }

        int next = 0;
        foreach (var frame in ours)
        {
            Assert.True(next < packets.Count, $"{what}: frame at {frame.Packet.DtsMs} ms is past FFmpeg's {packets.Count} packets of stream {stream}");
            Assert.Equal((packets[next].DtsMs, packets[next].PtsMs), (frame.Packet.DtsMs, frame.Packet.PtsMs));
            int at = 0;
            while (at < frame.Data.Length)
            {
                Assert.True(next < packets.Count && at + packets[next].Size <= frame.Data.Length, $"{what}: frame at {frame.Packet.DtsMs} ms ({frame.Data.Length} bytes) does not end on a packet boundary at byte {at}");
                Assert.Equal(packets[next].Md5, FfmpegPacket.Md5Of(frame.Data.AsSpan(at, packets[next].Size)));
                at += packets[next].Size;
                next++;
            }
        }

        Assert.Equal(packets.Count, next);
    }

    /// <summary>Asserts every stream FFmpeg lists is the reader's track of the same kind at the same place, frame for frame.</summary>
    public static void AssertAllTracks(FfmpegPackets expected, List<Frame> frames, string what, bool splitAudioPes = false)
    {
        int video = 0, audio = 0;
        foreach (var (stream, kind, _) in Streams(expected))
        {
            int index = kind == MediaKind.Video ? video++ : audio++;
            AssertTrack(expected, frames, stream, kind, index, what, splitAudioPes && kind == MediaKind.Audio);
        }
    }
}
