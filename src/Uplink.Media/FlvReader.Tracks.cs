using Uplink.Codecs.Audio;

namespace Uplink.Media;

/// <summary>
/// The tracks of an FLV: one per kind and Enhanced RTMP trackId (0 for tags that are not multitrack). The look-ahead
/// finds them; at its end each kind's list is sorted by trackId and fixed, so a frame's <see cref="MediaFrame.TrackIndex"/>
/// is its track's place in trackId order. A track first seen after the look-ahead is skipped (with one warning), unless
/// it is the first of its kind, which becomes track 0 as in a single-track file.
/// </summary>
public sealed partial class FlvReader
{
    // A trackId is a UI8: at most 256 tracks of each kind, whatever the file says.
    private readonly List<VideoTrackState> _videoTracks = [];
    private readonly List<AudioTrackState> _audioTracks = [];
    private bool _tracksFixed;
    private bool _allTracks;
    private bool _lateTrackReported;
    private bool _sawMultitrack;

    /// <inheritdoc/>
    /// <remarks>In trackId order; tracks after the first are delivered with <see cref="MediaReaderOptions.AllTracks"/>.</remarks>
    /// <exception cref="InvalidDataException">A track's H.264 or HEVC video has no sequence header before its frames.</exception>
    public IReadOnlyList<VideoMediaType> VideoTracks => [.. _videoTracks.Select(t => t.MediaType ??= CreateVideoMediaType(t))];

    /// <inheritdoc/>
    /// <remarks>In trackId order; tracks after the first are delivered with <see cref="MediaReaderOptions.AllTracks"/>.</remarks>
    /// <exception cref="InvalidDataException">A track's AAC, Opus or FLAC audio has no sequence header before its frames.</exception>
    public IReadOnlyList<AudioMediaType> AudioTracks => [.. _audioTracks.Select(t => t.MediaType ??= CreateAudioMediaType(t))];

    /// <summary>Sorts the tracks the look-ahead found by trackId: from here on a track's index is final.</summary>
    private void FixTracks()
    {
        _videoTracks.Sort((a, b) => a.TrackId.CompareTo(b.TrackId));
        _audioTracks.Sort((a, b) => a.TrackId.CompareTo(b.TrackId));
        _tracksFixed = true;
    }

    /// <summary>The track with <paramref name="trackId"/>, added while the look-ahead runs; null for a late newcomer.</summary>
    private T? FindTrack<T>(List<T> tracks, int trackId, Func<int, T> create, out int index)
        where T : TrackState
    {
        for (index = 0; index < tracks.Count; index++)
        {
            if (tracks[index].TrackId == trackId)
            {
                return tracks[index];
            }
        }

        if (_tracksFixed && tracks.Count > 0)
        {
            if (!_lateTrackReported)
            {
                _lateTrackReported = true;
                _onWarning?.Invoke($"FLV: track {trackId} first appears after the look-ahead; its frames are skipped");
            }

            index = -1;
            return null;
        }

        T track = create(trackId);
        tracks.Add(track);
        return track;
    }

    /// <summary>Whether every track found has what its media type needs: a frame and, where the codec needs one, its sequence start.</summary>
    private bool TracksReady()
    {
        if (_videoTracks.Count == 0 || _audioTracks.Count == 0)
        {
            return false;
        }

        foreach (VideoTrackState t in _videoTracks)
        {
            if (!t.SawFrame || (t.Configuration is null && t.Codec is not (VideoCodec.Av1 or VideoCodec.Vp9)))
            {
                return false;
            }
        }

        foreach (AudioTrackState t in _audioTracks)
        {
            if (!t.SawFrame || (t.Configuration is null && t.Codec is not (AudioCodec.Ac3 or AudioCodec.Eac3 or AudioCodec.Mp3)))
            {
                return false;
            }
        }

        return true;
    }

    private static string TrackName(TrackState t) => t.TrackId == 0 ? "" : $" track {t.TrackId}";

    private static VideoMediaType CreateVideoMediaType(VideoTrackState t) => t.Codec switch
    {
        VideoCodec.Av1 => t.Configuration is null ? VideoMediaType.Av1() : VideoMediaType.Av1(t.Configuration),
        VideoCodec.Vp9 => t.Configuration is null ? VideoMediaType.Vp9() : VideoMediaType.Vp9(t.Configuration),
        VideoCodec.Hevc => t.Configuration is null
            ? throw new InvalidDataException($"FLV: the HEVC video{TrackName(t)} has no sequence start (hvcC) before its first frames")
            : VideoMediaType.Hevc(t.Configuration),
        _ => t.Configuration is null
            ? throw new InvalidDataException($"FLV: the H.264 video{TrackName(t)} has no AVC sequence header (SPS/PPS) before its first frames")
            : VideoMediaType.H264(t.Configuration),
    };

    private static AudioMediaType CreateAudioMediaType(AudioTrackState t) => t.Codec switch
    {
        AudioCodec.Ac3 => AudioMediaType.Ac3,
        AudioCodec.Eac3 => AudioMediaType.Eac3,
        AudioCodec.Mp3 => AudioMediaType.Mp3,
        AudioCodec.Opus => t.Configuration is null
            ? throw new InvalidDataException($"FLV: the Opus audio{TrackName(t)} has no sequence start (OpusHead) before its first frames")
            : AudioMediaType.Opus(t.Configuration),
        AudioCodec.Flac => t.Configuration is null
            ? throw new InvalidDataException($"FLV: the FLAC audio{TrackName(t)} has no sequence start (STREAMINFO) before its first frames")
            : AudioMediaType.Flac(t.Configuration),
        _ => t.Configuration is null
            ? throw new InvalidDataException($"FLV: the AAC audio{TrackName(t)} has no sequence header (AudioSpecificConfig) before its first frames")
            : AudioMediaType.Aac(t.Configuration),
    };

    private abstract class TrackState(int trackId)
    {
        public int TrackId { get; } = trackId;

        public byte[]? Configuration { get; set; }

        public bool SawFrame { get; set; }
    }

    private sealed class VideoTrackState(int trackId) : TrackState(trackId)
    {
        public VideoCodec? Codec { get; set; }

        public VideoMediaType? MediaType { get; set; }
    }

    private sealed class AudioTrackState(int trackId) : TrackState(trackId)
    {
        public AudioCodec? Codec { get; set; }

        public AudioMediaType? MediaType { get; set; }
    }
}
