using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>The FLV reader on Enhanced RTMP multitrack tags: track indices in trackId order, several tracks in one tag, late and unsupported tracks.</summary>
public class FlvReaderMultitrackTests
{
    private static byte[] File() => new FlvTestWriter()
        .Tag(9, 0, [0x91, .. "av01"u8, 0x0A])
        .Tag(9, 0, [0x96, 0x11, .. "av01"u8, 2, 0, 0, 1, 0xB2, 1, 0, 0, 1, 0xB1]) // ManyTracks: track 2 then track 1
        .Tag(9, 0, [0x96, 0x01, .. "vvc1"u8, 3, 0xEE]) // a codec the reader does not take, on an extra track
        .Tag(8, 0, [0x91, .. "ac-3"u8, 0x0B, 0x77])
        .Tag(9, 1000, [0xA1, .. "av01"u8, 0x0C]) // the look-ahead of a multitrack file ends 1 s in
        .Tag(9, 1040, [0xA6, 0x01, .. "av01"u8, 7, 0xC7])
        .Tag(9, 1040, [0xA1, .. "av01"u8, 0x0D])
        .ToArray();

    private static async Task<(FlvReader Reader, List<string> Frames)> ReadAsync(MediaReaderOptions options)
    {
        FlvReader reader = await FlvReader.OpenAsync(new MemoryStream(File()), options);
        var frames = new List<string>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            frames.Add($"{f.Track} {f.TrackIndex} {f.Dts.TotalMilliseconds} {Convert.ToHexString(f.Data.Span)}");
        }

        return (reader, frames);
    }

    [Fact]
    public async Task In_a_multitrack_file_a_track_first_seen_within_a_second_of_the_others_being_ready_is_found()
    {
        byte[] bytes = new FlvTestWriter()
            .Tag(9, 0, [0x91, .. "av01"u8, 0x0A])
            .Tag(9, 0, [0x96, 0x01, .. "av01"u8, 1, 0xB1])
            .Tag(8, 0, [0x91, .. "ac-3"u8, 0x0B, 0x77])
            .Tag(8, 500, [0x95, 0x01, .. "ac-3"u8, 1, 0x0B, 0x77])
            .ToArray();
        await using FlvReader reader = await FlvReader.OpenAsync(new MemoryStream(bytes), new MediaReaderOptions { AllTracks = true });

        Assert.Equal(2, reader.AudioTracks.Count);
    }

    [Fact]
    public async Task With_all_tracks_every_track_comes_with_its_index_in_track_id_order()
    {
        var warnings = new List<string>();
        (FlvReader reader, List<string> frames) = await ReadAsync(new MediaReaderOptions { AllTracks = true, OnWarning = warnings.Add });
        await using (reader)
        {
            Assert.Equal(3, reader.VideoTracks.Count);
            Assert.Single(reader.AudioTracks);
            Assert.Equal(["Video 0 0 0A", "Video 2 0 B2", "Video 1 0 B1", "Audio 0 0 0B77", "Video 0 1000 0C", "Video 0 1040 0D"], frames);
            Assert.Equal(["FLV: track 7 first appears after the look-ahead; its frames are skipped"], warnings);
        }
    }

    [Fact]
    public async Task Without_all_tracks_only_the_default_tracks_come()
    {
        (FlvReader reader, List<string> frames) = await ReadAsync(new MediaReaderOptions());
        await using (reader)
        {
            Assert.Equal(["Video 0 0 0A", "Audio 0 0 0B77", "Video 0 1000 0C", "Video 0 1040 0D"], frames);
        }
    }
}
