using Uplink.IntegrationTests.Media;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The FLV reader on FFmpeg 8.1's Enhanced RTMP multitrack FLV (two video, two audio tracks): with AllTracks every
/// track's frames equal FFmpeg's packets of the matching stream; without it the default tracks only, as before.
/// </summary>
public sealed class FlvMultitrackInputTests
{
    [Fact]
    public async Task All_tracks_equal_FFmpeg_packets_per_stream()
    {
        string clip = await MultitrackClips.FourTrackFlvAsync();
        var streams = await MultitrackClips.PacketsPerStreamAsync(clip);

        await using var reader = await MediaReader.OpenAsync(clip, new MediaReaderOptions { AllTracks = true });
        Assert.Equal([VideoCodec.Hevc, VideoCodec.H264], reader.VideoTracks.Select(t => t.Codec));
        Assert.Equal([AudioCodec.Aac, AudioCodec.Opus], reader.AudioTracks.Select(t => t.Codec));
        Assert.Equal((VideoCodec.Hevc, AudioCodec.Aac), (reader.Video?.Codec, reader.Audio?.Codec));
        var frames = await ReadAsync(reader);

        // FFmpeg's streams 0 and 1 are video tracks 0 and 1, streams 2 and 3 audio tracks 0 and 1.
        Assert.Equal(streams[0].Packets, frames.GetValueOrDefault((MediaTrack.Video, 0)));
        Assert.Equal(streams[1].Packets, frames.GetValueOrDefault((MediaTrack.Video, 1)));
        Assert.Equal(streams[2].Packets, frames.GetValueOrDefault((MediaTrack.Audio, 0)));
        Assert.Equal(streams[3].Packets, frames.GetValueOrDefault((MediaTrack.Audio, 1)));
        Assert.Equal(4, frames.Count);
    }

    [Fact]
    public async Task Without_all_tracks_only_the_default_tracks_are_read()
    {
        string clip = await MultitrackClips.FourTrackFlvAsync();
        var streams = await MultitrackClips.PacketsPerStreamAsync(clip);

        await using var reader = await MediaReader.OpenAsync(clip);
        Assert.Equal(2, reader.VideoTracks.Count);
        var frames = await ReadAsync(reader);

        Assert.Equal(streams[0].Packets, frames.GetValueOrDefault((MediaTrack.Video, 0)));
        Assert.Equal(streams[2].Packets, frames.GetValueOrDefault((MediaTrack.Audio, 0)));
        Assert.Equal(2, frames.Count);
    }

    /// <summary>The frames (configuration frames left out) per kind and track, as packets.js prints them without stream and kind.</summary>
    private static async Task<Dictionary<(MediaTrack, int), List<string>>> ReadAsync(IMediaReader reader)
    {
        var frames = new Dictionary<(MediaTrack, int), List<string>>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            if (f.IsConfiguration)
            {
                continue;
            }

            string line = FfmpegPacket.From(f).ToString();
            if (!frames.TryGetValue((f.Track, f.TrackIndex), out List<string>? list))
            {
                frames[(f.Track, f.TrackIndex)] = list = [];
            }

            list.Add(line[(line.IndexOf(", ", StringComparison.Ordinal) + 2)..]);
        }

        return frames;
    }
}
