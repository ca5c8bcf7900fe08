namespace Uplink.Media.Matroska;

/// <summary>
/// Picks the video and the audio tracks to read, as the MP4 reader does: of the enabled tracks of each kind, those with
/// FlagDefault first, then file order; the first one whose codec (and content encoding) can be published is the default
/// track. Further tracks are ignored with a warning, or with <c>allTracks</c> read too (those that cannot be published
/// skipped with a warning); a kind whose tracks all use codecs RTMP cannot carry is refused.
/// </summary>
internal sealed class MatroskaTrackSelection
{
    /// <summary>The most tracks of one kind read with allTracks (each block is matched against them, each video track may look ahead).</summary>
    internal const int MaxTracksPerKind = 64;

    private MatroskaTrackSelection()
    {
    }

    /// <summary>The video tracks read, the default one first.</summary>
    public List<Choice<VideoMediaType>> Videos { get; } = [];

    /// <summary>The audio tracks read, the default one first.</summary>
    public List<Choice<AudioMediaType>> Audios { get; } = [];

    /// <summary>Selects from every track the Tracks element declared.</summary>
    /// <param name="tracks">The tracks, in file order.</param>
    /// <param name="onWarning">Where the tracks left out are reported.</param>
    /// <param name="allTracks">Read every track of each kind that can be published, not just the first.</param>
    /// <exception cref="NotSupportedException">The only video (or audio) tracks use codecs or encodings the reader cannot publish.</exception>
    /// <exception cref="InvalidDataException">A chosen track's decoder configuration is malformed.</exception>
    public static MatroskaTrackSelection Select(IReadOnlyList<MatroskaTrack> tracks, Action<string>? onWarning, bool allTracks)
    {
        var selection = new MatroskaTrackSelection();
        foreach (MediaTrack kind in (ReadOnlySpan<MediaTrack>)[MediaTrack.Video, MediaTrack.Audio])
        {
            MatroskaTrack? chosen = null;
            (MatroskaTrack Track, string Reason)? refused = null;
            IEnumerable<MatroskaTrack> candidates = tracks.Where(t => t.Kind == kind && t.IsEnabled).OrderBy(t => t.IsDefault ? 0 : 1);
            foreach (MatroskaTrack track in candidates)
            {
                if (chosen is not null && !allTracks)
                {
                    onWarning?.Invoke($"Matroska: {track.Label} ({MatroskaCodecs.CodecName(track.CodecId)}) is ignored: only one {Noun(kind)} track ({chosen.Label}) is used");
                    continue;
                }

                if (chosen is not null && (kind == MediaTrack.Video ? selection.Videos.Count : selection.Audios.Count) >= MaxTracksPerKind)
                {
                    onWarning?.Invoke($"Matroska: {track.Label} ({MatroskaCodecs.CodecName(track.CodecId)}) is ignored: the reader reads at most {MaxTracksPerKind} {Noun(kind)} tracks");
                    continue;
                }

                string? reason = selection.TryUse(track, kind);
                if (reason is not null)
                {
                    if (refused is null && chosen is null)
                    {
                        refused = (track, reason);
                    }
                    else
                    {
                        onWarning?.Invoke($"Matroska: {track.Label}: {reason}; the track is ignored");
                    }

                    continue;
                }

                chosen ??= track;
                if (refused is { } earlier)
                {
                    onWarning?.Invoke($"Matroska: {earlier.Track.Label}: {earlier.Reason}; using {track.Label} instead");
                    refused = null;
                }
            }

            if (refused is { } only)
            {
                throw MatroskaErrors.Unsupported($"{only.Track.Label}: {only.Reason}");
            }
        }

        return selection;
    }

    /// <summary>Adds <paramref name="track"/> to the tracks of its kind, or returns why it cannot be.</summary>
    private string? TryUse(MatroskaTrack track, MediaTrack kind)
    {
        byte[]? codecPrivate = track.CodecPrivate;
        byte[]? prefix = null;
        if (track.Encodings.Count > 1)
        {
            return $"its frames pass through {track.Encodings.Count} content encodings ({string.Join(", ", track.Encodings.Select(e => e.Description))}), which RTMP cannot carry; remux it (ffmpeg -i IN -c copy OUT.mkv) to store them plainly";
        }

        if (track.Encodings.Count == 1)
        {
            MatroskaContentEncoding encoding = track.Encodings[0];
            if (!encoding.IsHeaderStripping)
            {
                return $"its {((encoding.Scope & 1) != 0 ? "frames are" : "CodecPrivate is")} {encoding.Description} (ContentEncoding), which RTMP cannot carry; remux it (ffmpeg -i IN -c copy OUT.mkv) to store them plainly";
            }

            // Header stripping (old mkvmerge files): the removed bytes go back before every frame and the CodecPrivate.
            if (encoding.Settings.Length > 0)
            {
                prefix = (encoding.Scope & 1) != 0 ? encoding.Settings : null;
                codecPrivate = (encoding.Scope & 2) != 0 && codecPrivate is not null ? [.. encoding.Settings, .. codecPrivate] : codecPrivate;
            }
        }

        string? refusal;
        if (kind == MediaTrack.Video)
        {
            if (MatroskaCodecs.TryCreateVideo(track, codecPrivate, out refusal) is { } type)
            {
                Videos.Add(new Choice<VideoMediaType>(track, type, prefix));
            }
        }
        else if (MatroskaCodecs.TryCreateAudio(track, codecPrivate, out refusal) is { } type)
        {
            Audios.Add(new Choice<AudioMediaType>(track, type, prefix));
        }

        return refusal;
    }

    private static string Noun(MediaTrack kind) => kind == MediaTrack.Video ? "video" : "audio";

    /// <summary>A track read: its media type, and the bytes header stripping removed from every frame (to put back; null when none).</summary>
    public sealed record Choice<T>(MatroskaTrack Track, T Type, byte[]? Prefix);
}
