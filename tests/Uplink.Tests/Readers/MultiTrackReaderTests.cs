using System.Text;
using Uplink.Media;
using Uplink.Tests.Readers.Matroska;
using Uplink.Tests.Readers.Mp4;
using Uplink.Tests.Readers.MpegTs;
using static Uplink.Tests.Readers.Matroska.EbmlElement;
using static Uplink.Tests.Readers.Matroska.MatroskaTestFiles;

namespace Uplink.Tests.Readers;

/// <summary>
/// <see cref="MediaReaderOptions.AllTracks"/> in the MP4, Matroska and MPEG-TS readers: without it a reader lists and
/// reads just its default tracks, as before (every frame track 0); with it every video and audio track it can publish,
/// in order, the default first, and a track it cannot publish is skipped with one warning naming it.
/// </summary>
public class MultiTrackReaderTests
{
    private const int V = MpegTsTestWriter.VideoPid;
    private const int A = MpegTsTestWriter.AudioPid;

    [Fact]
    public async Task Mp4_without_AllTracks_reads_the_default_tracks_only()
    {
        var (reader, frames, warnings) = await ReadAsync(Mp4TestData.Bytes("extra-tracks.mp4"), allTracks: false);
        Assert.Single(reader.VideoTracks);
        Assert.Same(reader.Audio, Assert.Single(reader.AudioTracks));
        Assert.All(frames, f => Assert.Equal(0, f.TrackIndex));
        Assert.Contains("track 3 (audio) (AAC) is ignored", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mp4_with_AllTracks_reads_every_track_in_file_order()
    {
        byte[] file = Mp4TestData.Bytes("extra-tracks.mp4");
        var (_, single, _) = await ReadAsync(file, allTracks: false);
        var (reader, frames, warnings) = await ReadAsync(file, allTracks: true);
        Assert.Empty(warnings); // the subtitle track is left out silently
        Assert.Single(reader.VideoTracks);
        Assert.Equal(2, reader.AudioTracks.Count);
        Assert.Same(reader.Audio, reader.AudioTracks[0]);
        Assert.Equal(single.Select(Describe), frames.Where(f => f.TrackIndex == 0).Select(Describe));
        Assert.Contains(frames, f => f.Track == MediaTrack.Audio && f.TrackIndex == 1);
        AssertEachTrackRises(frames);
    }

    [Fact]
    public async Task Mp4_with_AllTracks_skips_a_track_RTMP_cannot_carry_with_a_warning()
    {
        byte[] file = RenameLast(Mp4TestData.Bytes("extra-tracks.mp4"), "mp4a", "alac");
        var (reader, frames, warnings) = await ReadAsync(file, allTracks: true);
        Assert.Single(reader.AudioTracks);
        string warning = Assert.Single(warnings);
        Assert.StartsWith("MP4: track 3 (audio): ALAC", warning, StringComparison.Ordinal);
        Assert.All(frames, f => Assert.Equal(0, f.TrackIndex));
    }

    [Fact]
    public async Task Matroska_with_AllTracks_reads_every_track_the_default_first_and_skips_one_it_cannot_carry()
    {
        EbmlElement first = AudioTrack(number: 2, rate: 48000, asc: [0x11, 0x90]);
        first.Children!.Add(UInt(FlagDefault, 0));
        EbmlElement second = AudioTrack(number: 3);
        EbmlElement vorbis = AudioTrack(number: 4, codecId: "A_VORBIS", asc: [2, 30, 20, 1, 2, 3]);
        byte[] bytes = Build([InfoOf(), TracksOf(VideoTrack(), first, second, vorbis),
            ClusterOf(0, SimpleBlockOf(4, 0, true, [1, 2, 3]), SimpleBlockOf(2, 0, true, [9]), SimpleBlockOf(3, 0, true, [7, 7]), SimpleBlockOf(1, 0, true, [0, 0, 0, 1, 0x65]),
                SimpleBlockOf(2, 21, true, [10]), SimpleBlockOf(3, 23, true, [8, 8]))]);

        var (single, singleFrames, singleWarnings) = await ReadAsync(bytes, allTracks: false);
        Assert.Equal(44100, Assert.Single(single.AudioTracks).SampleRate);
        Assert.Equal([[7, 7], [0, 0, 0, 1, 0x65], [8, 8]], singleFrames.Select(f => f.Data));
        Assert.Equal(2, singleWarnings.Count);

        var (reader, frames, warnings) = await ReadAsync(bytes, allTracks: true);
        Assert.Equal([44100, 48000], reader.AudioTracks.Select(t => t.SampleRate)); // FlagDefault first, then file order
        Assert.Single(reader.VideoTracks);
        Assert.Equal("Matroska: track 4 (audio): Vorbis (A_VORBIS) cannot be published over RTMP; the track is ignored", Assert.Single(warnings));
        Assert.Equal(
            ["a1 09", "a0 0707", "v0 0000000165", "a1 0A", "a0 0808"],
            frames.Select(f => $"{(f.Track == MediaTrack.Video ? 'v' : 'a')}{f.TrackIndex} {Convert.ToHexString(f.Data)}"));
    }

    [Fact]
    public async Task MpegTs_with_AllTracks_reads_every_stream_of_a_program_in_pmt_order()
    {
        const int V2 = 0x102, A2 = 0x103, Opus = 0x104;
        byte[] opusDescriptors = [0x05, 4, (byte)'O', (byte)'p', (byte)'u', (byte)'s', 0x7F, 2, 0x80, 2];
        var writer = new MpegTsTestWriter().Pat().Pmt(0, (0x1B, V, []), (0x0F, A, []), (0x06, Opus, opusDescriptors), (0x24, V2, []), (0x0F, A2, []));
        for (int i = 0; i < 3; i++)
        {
            writer.Pes(V, 3600 * (i + 1), null, MpegTsTestWriter.AccessUnit(i == 0, 20, 1))
                .Pes(A2, 3600 * (i + 1), null, MpegTsTestWriter.AdtsFrame(10, fill: 0x42))
                .Pes(V2, 3600 * (i + 1), null, HevcAccessUnit(i == 0))
                .Pes(A, 3600 * (i + 1), null, MpegTsTestWriter.AdtsFrame(10, fill: 0x41));
        }

        byte[] data = writer.ToArray();
        var (single, singleFrames, singleWarnings) = await ReadAsync(data, allTracks: false);
        Assert.Equal([VideoCodec.H264], single.VideoTracks.Select(t => t.Codec));
        Assert.Single(single.AudioTracks);
        Assert.Empty(singleWarnings);
        Assert.Equal(6, singleFrames.Count);

        var (reader, frames, warnings) = await ReadAsync(data, allTracks: true);
        Assert.Equal([VideoCodec.H264, VideoCodec.Hevc], reader.VideoTracks.Select(t => t.Codec));
        Assert.Equal(2, reader.AudioTracks.Count);
        Assert.Equal($"MPEG-TS: audio on PID {Opus} is Opus (stream type 0x06), which RTMP cannot carry; the stream is skipped", Assert.Single(warnings));
        Assert.Equal(12, frames.Count);
        Assert.Equal(singleFrames.Select(Describe), frames.Where(f => f.TrackIndex == 0).Select(Describe));
        Assert.All(frames.Where(f => f.Track == MediaTrack.Audio && f.TrackIndex == 1), f => Assert.Equal(0x42, f.Data[^1]));
        Assert.Equal(3, frames.Count(f => f.Track == MediaTrack.Video && f.TrackIndex == 1));
        Assert.True(frames.First(f => f.Track == MediaTrack.Video && f.TrackIndex == 1).IsKeyframe);
        AssertEachTrackRises(frames);
    }

    [Fact]
    public async Task MpegTs_with_AllTracks_lists_the_programs_in_pat_order_then_their_streams()
    {
        const int Pmt2 = 0x1100, V2 = 0x200, A2 = 0x201;
        var writer = new MpegTsTestWriter()
            .Pat((2, Pmt2), (1, MpegTsTestWriter.PmtPid))
            .Pmt(1, MpegTsTestWriter.PmtPid, 0, (0x1B, V, []), (0x0F, A, []))
            .Pmt(2, Pmt2, 0, (0x24, V2, []), (0x81, A2, []));
        for (int i = 0; i < 3; i++)
        {
            writer.Pes(V, 3600 * (i + 1), null, MpegTsTestWriter.AccessUnit(i == 0, 20, 1))
                .Pes(V2, 3600 * (i + 1), null, HevcAccessUnit(i == 0))
                .Pes(A, 3600 * (i + 1), null, MpegTsTestWriter.AdtsFrame(10))
                .Pes(A2, 3600 * (i + 1), null, Ac3Frame());
        }

        byte[] data = writer.ToArray();
        var (single, singleFrames, _) = await ReadAsync(data, allTracks: false);
        Assert.Equal(VideoCodec.Hevc, single.Video!.Codec); // the PAT's first program
        Assert.Equal(AudioCodec.Ac3, single.Audio!.Codec);
        Assert.Equal(6, singleFrames.Count);

        var (reader, frames, warnings) = await ReadAsync(data, allTracks: true);
        Assert.Empty(warnings);
        Assert.Equal([VideoCodec.Hevc, VideoCodec.H264], reader.VideoTracks.Select(t => t.Codec));
        Assert.Equal([AudioCodec.Ac3, AudioCodec.Aac], reader.AudioTracks.Select(t => t.Codec));
        Assert.Equal(12, frames.Count);
        Assert.Equal(singleFrames.Select(Describe), frames.Where(f => f.TrackIndex == 0).Select(Describe));
        AssertEachTrackRises(frames);
    }

    [Fact]
    public async Task MpegTs_a_new_pmt_that_drops_one_of_two_audio_streams_stops_that_track_only()
    {
        const int A2 = 0x102;
        var writer = new MpegTsTestWriter().Pat().Pmt(0, (0x1B, V, []), (0x0F, A, []), (0x0F, A2, []));
        for (int i = 0; i < 4; i++)
        {
            if (i == 2)
            {
                writer.Pmt(1, (0x1B, V, []), (0x0F, A, []));
            }

            writer.Pes(V, 3600 * (i + 1), null, MpegTsTestWriter.AccessUnit(i == 0, 20, 1))
                .Pes(A, 3600 * (i + 1), null, MpegTsTestWriter.AdtsFrame(10, fill: 0x41))
                .Pes(A2, 3600 * (i + 1), null, MpegTsTestWriter.AdtsFrame(10, fill: 0x42));
        }

        var (reader, frames, warnings) = await ReadAsync(writer.ToArray(), allTracks: true);
        Assert.Equal(2, reader.AudioTracks.Count);
        Assert.Empty(warnings);
        Assert.Equal(4, frames.Count(f => f.Track == MediaTrack.Audio && f.TrackIndex == 0));
        Assert.Equal(2, frames.Count(f => f.Track == MediaTrack.Audio && f.TrackIndex == 1));
        Assert.Equal(4, frames.Count(f => f.Track == MediaTrack.Video));
    }

    [Fact]
    public async Task Probe_lists_every_track_with_its_index()
    {
        await using IMediaReader reader = await MediaReader.OpenAsync(new MemoryStream(Mp4TestData.Bytes("extra-tracks.mp4")), new MediaReaderOptions { AllTracks = true });
        MediaProbeResult result = await MediaProbe.ProbeAsync(reader);
        Assert.Equal([("video", 0), ("audio", 0), ("audio", 1)], result.Tracks.Select(t => (t.Type, t.Index)));
        Assert.All(result.Tracks, t => Assert.True(t.Frames > 0));
    }

    [Fact]
    public async Task Probe_of_a_reader_without_AllTracks_lists_its_default_tracks()
    {
        await using IMediaReader reader = await MediaReader.OpenAsync(new MemoryStream(Mp4TestData.Bytes("extra-tracks.mp4")));
        MediaProbeResult result = await MediaProbe.ProbeAsync(reader);
        Assert.Equal([("video", 0), ("audio", 0)], result.Tracks.Select(t => (t.Type, t.Index)));
    }

    internal sealed record Frame(MediaTrack Track, int TrackIndex, long DtsTicks, long PtsTicks, bool IsKeyframe, byte[] Data);

    internal static async Task<(IMediaReader Reader, List<Frame> Frames, List<string> Warnings)> ReadAsync(byte[] file, bool allTracks)
    {
        var warnings = new List<string>();
        IMediaReader reader = await MediaReader.OpenAsync(new MemoryStream(file), new MediaReaderOptions { AllTracks = allTracks, OnWarning = warnings.Add });
        var frames = new List<Frame>();
        await using (reader)
        {
            while (await reader.ReadAsync())
            {
                MediaFrame f = reader.Current;
                frames.Add(new Frame(f.Track, f.TrackIndex, f.Dts.Ticks, f.Pts.Ticks, f.IsKeyframe, f.Data.ToArray()));
            }
        }

        return (reader, frames, warnings);
    }

    private static string Describe(Frame f) => $"{f.Track} {f.TrackIndex} {f.DtsTicks} {f.PtsTicks} {f.IsKeyframe} {Convert.ToHexString(f.Data)}";

    /// <summary>Each track's decode times never go back: the tracks were told apart.</summary>
    private static void AssertEachTrackRises(List<Frame> frames)
    {
        foreach (var track in frames.GroupBy(f => (f.Track, f.TrackIndex)))
        {
            long[] times = [.. track.Select(f => f.DtsTicks)];
            Assert.True(times.SequenceEqual(times.Order()), $"{track.Key}: DTS go back: {string.Join(", ", times)}");
        }
    }

    private static byte[] RenameLast(byte[] file, string format, string replacement)
    {
        byte[] copy = [.. file];
        int at = copy.AsSpan().LastIndexOf(Encoding.ASCII.GetBytes(format));
        Encoding.ASCII.GetBytes(replacement).CopyTo(copy, at);
        return copy;
    }

    /// <summary>An HEVC access unit in Annex-B: an IDR_W_RADL (19) or TRAIL_R (1) slice NAL unit.</summary>
    private static byte[] HevcAccessUnit(bool irap) => [0, 0, 0, 1, (byte)((irap ? 19 : 1) << 1), 1, 0xAF, 0x11, 0x22, 0x33];

    /// <summary>An AC-3 syncframe header (48 kHz, 2/0, 64 kbit/s: 128 words) and padding.</summary>
    private static byte[] Ac3Frame()
    {
        byte[] frame = new byte[256];
        frame[0] = 0x0B;
        frame[1] = 0x77;
        frame[4] = 0x08; // fscod 0 (48 kHz), frmsizecod 8 (64 kbit/s)
        frame[5] = 0x40; // bsid 8
        frame[6] = 0x40; // acmod 2
        return frame;
    }
}
