using System.Globalization;

namespace Uplink.Media;

/// <summary>
/// Which of a reader's tracks a writer carries, and as which of its tracks: writer video track <c>i</c> carries the reader's
/// video track <c>Video[i]</c> (track 0 being the stream's default track), likewise audio. Made from the input's default
/// tracks (<see cref="Default"/>), from all of them (<see cref="All"/>, a multitrack stream), or from selections such as
/// <c>v:1 a:0 a:1</c> (<see cref="Parse"/>), the syntax of <c>uplink publish --track</c>.
/// </summary>
/// <param name="Video">The reader's video track indexes, in writer track order.</param>
/// <param name="Audio">The reader's audio track indexes, in writer track order.</param>
public sealed record MediaTrackMap(IReadOnlyList<int> Video, IReadOnlyList<int> Audio)
{
    /// <summary>Whether the reader must deliver more than its default tracks (<see cref="MediaReaderOptions.AllTracks"/>).</summary>
    public bool NeedsAllTracks => Video.Any(i => i != 0) || Audio.Any(i => i != 0) || Video.Count > 1 || Audio.Count > 1;

    /// <summary>The input's default video and audio track, those it has.</summary>
    public static MediaTrackMap Default(IMediaReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new(reader.Video is null ? [] : [0], reader.Audio is null ? [] : [0]);
    }

    /// <summary>Every video and audio track of the input, in its order.</summary>
    public static MediaTrackMap All(IMediaReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new([.. Enumerable.Range(0, reader.VideoTracks.Count)], [.. Enumerable.Range(0, reader.AudioTracks.Count)]);
    }

    /// <summary>
    /// The tracks <paramref name="selections"/> name, each <c>v:N</c> or <c>a:N</c> (the input's N-th video or audio track,
    /// from 0, as <c>uplink probe</c> lists them), in the order given: the first of each kind becomes the default track.
    /// </summary>
    /// <exception cref="FormatException">A selection is not <c>v:N</c> or <c>a:N</c>, names a track twice, or names one the input lacks.</exception>
    public static MediaTrackMap Parse(IEnumerable<string> selections, IMediaReader reader)
    {
        ArgumentNullException.ThrowIfNull(selections);
        ArgumentNullException.ThrowIfNull(reader);
        var video = new List<int>();
        var audio = new List<int>();
        foreach (string selection in selections)
        {
            string[] parts = selection.Split(':');
            if (parts.Length != 2 || parts[0] is not ("v" or "a") || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                throw new FormatException($"track \"{selection}\": expected v:N or a:N (the input's N-th video or audio track, from 0)");
            }

            bool isVideo = parts[0] == "v";
            int count = isVideo ? reader.VideoTracks.Count : reader.AudioTracks.Count;
            if (index >= count)
            {
                string kind = isVideo ? "video" : "audio";
                throw new FormatException(count == 0
                    ? $"track {selection}: the input has no {kind} track"
                    : $"track {selection}: the input has {count} {kind} track{(count == 1 ? "" : "s")} ({parts[0]}:0 to {parts[0]}:{count - 1})");
            }

            List<int> list = isVideo ? video : audio;
            if (list.Contains(index))
            {
                throw new FormatException($"track {selection} is selected twice");
            }

            list.Add(index);
        }

        return new(video, audio);
    }

    /// <summary>The writer options with the mapped tracks' media types: <see cref="RtmpWriterOptions.Video"/>/<see cref="RtmpWriterOptions.Audio"/> and the additional tracks.</summary>
    public RtmpWriterOptions ApplyTo(RtmpWriterOptions options, IMediaReader reader)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reader);
        IReadOnlyList<VideoMediaType> video = reader.VideoTracks;
        IReadOnlyList<AudioMediaType> audio = reader.AudioTracks;
        return options with
        {
            Video = Video.Count > 0 ? video[Video[0]] : null,
            Audio = Audio.Count > 0 ? audio[Audio[0]] : null,
            AdditionalVideoTracks = [.. Video.Skip(1).Select(i => video[i])],
            AdditionalAudioTracks = [.. Audio.Skip(1).Select(i => audio[i])],
        };
    }

    /// <summary>The writer track that carries a frame of the reader, or false when the map leaves its track out.</summary>
    public bool TryMap(in MediaFrame frame, out int writerTrack)
    {
        IReadOnlyList<int> list = frame.Track == MediaTrack.Video ? Video : Audio;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == frame.TrackIndex)
            {
                writerTrack = i;
                return true;
            }
        }

        writerTrack = -1;
        return false;
    }
}
