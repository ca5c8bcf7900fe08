using Uplink.Media;

namespace Uplink.Tests.Multitrack;

/// <summary>Track lists in the options and the writes that name a track: refused clearly when they cannot work.</summary>
public class TrackOptionsTests
{
    private const string Url = "rtmp://127.0.0.1/live/test";

    [Fact]
    public void Additional_tracks_need_a_default_track_of_their_kind()
    {
        var options = new RtmpWriterOptions { Url = Url, Video = null, AdditionalVideoTracks = [VideoMediaType.HevcAnnexB] };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("AdditionalVideoTracks needs Video set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_255_additional_tracks_are_refused_since_track_ids_are_one_byte()
    {
        var options = new RtmpWriterOptions { Url = Url, AdditionalAudioTracks = [.. Enumerable.Repeat(AudioMediaType.AacAdts, 256)] };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("256 tracks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_to_a_track_the_writer_lacks_names_the_tracks_it_has()
    {
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = Url, AdditionalVideoTracks = [VideoMediaType.HevcAnnexB] });

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => writer.WriteVideoAsync(2, new byte[] { 0, 0, 1, 0x65 }, TimeSpan.Zero).AsTask());

        Assert.Contains("video tracks 0 to 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_text_counts_the_additional_tracks()
    {
        var options = new RtmpWriterOptions { Url = Url, AdditionalVideoTracks = [VideoMediaType.HevcAnnexB] };

        Assert.Contains("AdditionalVideoTracks = 1", options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v:2", "track v:2: the input has 2 video tracks (v:0 to v:1)")]
    [InlineData("a:1", "track a:1: the input has 1 audio track (a:0 to a:0)")]
    [InlineData("x:0", "track \"x:0\": expected v:N or a:N (the input's N-th video or audio track, from 0)")]
    [InlineData("v:-1", "track \"v:-1\": expected v:N or a:N (the input's N-th video or audio track, from 0)")]
    public void A_track_selection_the_input_cannot_meet_is_refused_naming_it(string selection, string message)
    {
        var error = Assert.Throws<FormatException>(() => MediaTrackMap.Parse([selection], new Tracks(2, 1)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_selection_maps_the_readers_tracks_to_the_writers_in_the_order_given()
    {
        var reader = new Tracks(3, 2);
        MediaTrackMap map = MediaTrackMap.Parse(["v:2", "a:1", "v:0"], reader);

        Assert.Equal([2, 0], map.Video);
        Assert.Equal([1], map.Audio);
        Assert.True(map.NeedsAllTracks);
        Assert.True(map.TryMap(new MediaFrame(MediaTrack.Video, default, default, true, false, default, TrackIndex: 0), out int track));
        Assert.Equal(1, track);
        Assert.False(map.TryMap(new MediaFrame(MediaTrack.Video, default, default, true, false, default, TrackIndex: 1), out _));
        RtmpWriterOptions options = map.ApplyTo(new RtmpWriterOptions { Url = Url }, reader);
        Assert.Same(reader.VideoTracks[2], options.Video);
        Assert.Same(reader.VideoTracks[0], Assert.Single(options.AdditionalVideoTracks));
        Assert.Same(reader.AudioTracks[1], options.Audio);
        Assert.Empty(options.AdditionalAudioTracks);
        Assert.False(MediaTrackMap.Default(reader).NeedsAllTracks);
    }

    /// <summary>A reader that only lists tracks.</summary>
    private sealed class Tracks(int video, int audio) : IMediaReader
    {
        public IReadOnlyList<VideoMediaType> VideoTracks { get; } = [.. Enumerable.Range(0, video).Select(_ => VideoMediaType.Av1())];

        public IReadOnlyList<AudioMediaType> AudioTracks { get; } = [.. Enumerable.Range(0, audio).Select(_ => AudioMediaType.Aac([0x12, 0x10]))];

        public string FormatName => "test";

        public VideoMediaType? Video => VideoTracks.FirstOrDefault();

        public AudioMediaType? Audio => AudioTracks.FirstOrDefault();

        public TimeSpan? Duration => null;

        public MediaDataRates DataRates => default;

        public MediaFrame Current => default;

        public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
