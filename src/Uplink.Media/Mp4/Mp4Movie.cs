using System.Buffers.Binary;

namespace Uplink.Media.Mp4;

/// <summary>
/// What the reader takes from the moov box: the first video and the first audio track RTMP can carry (or, for a reader
/// that delivers every track, all of them in file order, the first of each kind leading), the movie's duration, and
/// whether fragments follow (mvex). Edit lists (edts/elst) are ignored: frames carry the raw sample-table times, as
/// <c>ffprobe -ignore_editlist 1</c> shows them.
/// </summary>
internal sealed class Mp4Movie
{
    /// <summary>The most tracks of one kind read with AllTracks (each sample picks among the tracks' next samples).</summary>
    internal const int MaxTracksPerKind = 64;

    private Mp4Movie(List<Mp4Track> videos, List<Mp4Track> audios, TimeSpan? duration, bool isFragmented)
    {
        VideoTracks = videos;
        AudioTracks = audios;
        Tracks = [.. videos, .. audios];
        Duration = duration;
        IsFragmented = isFragmented;
    }

    /// <summary>The default video track (the first RTMP can carry), or null.</summary>
    public Mp4Track? Video => VideoTracks.Count > 0 ? VideoTracks[0] : null;

    /// <summary>The default audio track (the first RTMP can carry), or null.</summary>
    public Mp4Track? Audio => AudioTracks.Count > 0 ? AudioTracks[0] : null;

    /// <summary>The video tracks used, in file order; <see cref="Mp4Track.Index"/> is the place in this list.</summary>
    public IReadOnlyList<Mp4Track> VideoTracks { get; }

    /// <summary>The audio tracks used, in file order.</summary>
    public IReadOnlyList<Mp4Track> AudioTracks { get; }

    /// <summary>Every track used, video first; <see cref="Mp4Track.Slot"/> is the place in this array.</summary>
    public Mp4Track[] Tracks { get; }

    public TimeSpan? Duration { get; private set; }

    /// <summary>True when the moov has an mvex box: movie fragments (moof + mdat) follow.</summary>
    public bool IsFragmented { get; }

    /// <summary>Parses a buffered moov box (header included) that starts at <paramref name="moovOffset"/>.</summary>
    /// <param name="moov">The moov box.</param>
    /// <param name="moovOffset">Its absolute offset.</param>
    /// <param name="onWarning">Where the tracks left out are reported.</param>
    /// <param name="allTracks">Use every video and audio track RTMP can carry, not just the first of each kind.</param>
    /// <exception cref="NotSupportedException">The only video (or audio) tracks hold codecs RTMP cannot carry.</exception>
    public static Mp4Movie Parse(byte[] moov, long moovOffset, Action<string>? onWarning, bool allTracks)
    {
        int headerSize = BinaryPrimitives.ReadUInt32BigEndian(moov) == 1 ? 16 : 8;
        var children = new Mp4BoxIterator(moov.AsSpan(headerSize), moovOffset + headerSize, Mp4FourCc.Moov);
        uint movieTimescale = 0;
        ulong movieDuration = 0;
        ulong fragmentDuration = 0;
        bool isFragmented = false;
        List<Mp4Track> videos = [], audios = [];
        Mp4Track? rejectedVideo = null, rejectedAudio = null;
        var extends = new List<(uint TrackId, uint Duration, uint Size, uint Flags)>();
        while (children.MoveNext(out Mp4Box box))
        {
            switch (box.Type)
            {
                case Mp4FourCc.Mvhd:
                    box.RequireFullBox(box.Version == 1 ? 28 : 16);
                    movieTimescale = BinaryPrimitives.ReadUInt32BigEndian(box.Payload[(box.Version == 1 ? 20 : 12)..]);
                    movieDuration = box.Version == 1
                        ? BinaryPrimitives.ReadUInt64BigEndian(box.Payload[24..])
                        : BinaryPrimitives.ReadUInt32BigEndian(box.Payload[16..]);
                    break;
                case Mp4FourCc.Trak:
                    Mp4Track? track = ParseTrack(box);
                    if (track is null)
                    {
                        break;
                    }

                    List<Mp4Track> used = track.Kind == MediaTrack.Video ? videos : audios;
                    ref Mp4Track? rejected = ref track.Kind == MediaTrack.Video ? ref rejectedVideo : ref rejectedAudio;
                    if (!track.SampleEntry.IsSupported)
                    {
                        if (used.Count == 0 && rejected is null)
                        {
                            rejected = track;
                        }
                        else
                        {
                            onWarning?.Invoke($"MP4: {track.Label}: {track.SampleEntry.CodecName} cannot be published over RTMP; the track is ignored");
                        }
                    }
                    else if (used.Count == 0)
                    {
                        used.Add(track);
                        if (rejected is not null)
                        {
                            onWarning?.Invoke($"MP4: {rejected.Label}: {rejected.SampleEntry.CodecName} cannot be published over RTMP; using {track.Label} instead");
                            rejected = null;
                        }
                    }
                    else if (allTracks && used.Count < MaxTracksPerKind)
                    {
                        used.Add(track);
                    }
                    else if (allTracks)
                    {
                        onWarning?.Invoke($"MP4: {track.Label} ({track.SampleEntry.CodecName}) is ignored: the reader reads at most {MaxTracksPerKind} {(track.Kind == MediaTrack.Video ? "video" : "audio")} tracks");
                    }
                    else
                    {
                        onWarning?.Invoke($"MP4: {track.Label} ({track.SampleEntry.CodecName}) is ignored: only the first {(track.Kind == MediaTrack.Video ? "video" : "audio")} track ({used[0].Label}) is used");
                    }

                    break;
                case Mp4FourCc.Mvex:
                    isFragmented = true;
                    var extensions = new Mp4BoxIterator(box.Payload, box.PayloadOffset, Mp4FourCc.Mvex);
                    while (extensions.MoveNext(out Mp4Box extension))
                    {
                        if (extension.Type == Mp4FourCc.Trex)
                        {
                            extension.RequireFullBox(20);
                            ReadOnlySpan<byte> p = extension.Payload;
                            extends.Add((BinaryPrimitives.ReadUInt32BigEndian(p[4..]), BinaryPrimitives.ReadUInt32BigEndian(p[12..]),
                                BinaryPrimitives.ReadUInt32BigEndian(p[16..]), BinaryPrimitives.ReadUInt32BigEndian(p[20..])));
                        }
                        else if (extension.Type == Mp4FourCc.Mehd)
                        {
                            extension.RequireFullBox(extension.Version == 1 ? 8 : 4);
                            fragmentDuration = extension.Version == 1
                                ? BinaryPrimitives.ReadUInt64BigEndian(extension.Payload[4..])
                                : BinaryPrimitives.ReadUInt32BigEndian(extension.Payload[4..]);
                        }
                    }

                    break;
            }
        }

        if (rejectedVideo is not null)
        {
            throw Mp4Errors.Unsupported($"{rejectedVideo.Label}: {rejectedVideo.SampleEntry.CodecName} cannot be published over RTMP");
        }

        if (rejectedAudio is not null)
        {
            throw Mp4Errors.Unsupported($"{rejectedAudio.Label}: {rejectedAudio.SampleEntry.CodecName} cannot be published over RTMP");
        }

        var movie = new Mp4Movie(videos, audios, null, isFragmented);
        Mp4Track[] tracks = movie.Tracks;
        for (int i = 0; i < tracks.Length; i++)
        {
            Mp4Track track = tracks[i];
            track.Slot = i;
            track.Index = track.Kind == MediaTrack.Video ? i : i - videos.Count;
            track.ReadSampleTables(moov, moovOffset);
        }

        foreach ((uint trackId, uint duration, uint size, uint flags) in extends)
        {
            foreach (Mp4Track track in tracks)
            {
                if (track.TrackId == trackId)
                {
                    track.DefaultDuration = duration;
                    track.DefaultSize = size;
                    track.DefaultFlags = flags;
                }
            }
        }

        ulong units = movieDuration is not 0 and not uint.MaxValue and not ulong.MaxValue ? movieDuration : fragmentDuration;
        TimeSpan? total = movieTimescale == 0 || units == 0 || units > long.MaxValue
            ? null
            : Mp4Time.ToTimeSpanOrNull((long)units, movieTimescale);
        movie.Duration = total;
        return movie;
    }

    /// <summary>Reads a trak; null when it is neither video nor audio (text, subtitles, timecode, hint …).</summary>
    private static Mp4Track? ParseTrack(Mp4Box trak)
    {
        uint trackId = 0;
        if (Mp4BoxIterator.TryFind(trak.Payload, trak.PayloadOffset, Mp4FourCc.Trak, Mp4FourCc.Tkhd, out Mp4Box tkhd))
        {
            tkhd.RequireFullBox(tkhd.Version == 1 ? 20 : 12);
            trackId = BinaryPrimitives.ReadUInt32BigEndian(tkhd.Payload[(tkhd.Version == 1 ? 20 : 12)..]);
        }

        if (!Mp4BoxIterator.TryFind(trak.Payload, trak.PayloadOffset, Mp4FourCc.Trak, Mp4FourCc.Mdia, out Mp4Box mdia)
            || !Mp4BoxIterator.TryFind(mdia.Payload, mdia.PayloadOffset, Mp4FourCc.Mdia, Mp4FourCc.Hdlr, out Mp4Box hdlr))
        {
            return null;
        }

        hdlr.RequireFullBox(8);
        uint handler = Mp4FourCc.Read(hdlr.Payload[8..]);
        if (handler is not (Mp4FourCc.Vide or Mp4FourCc.Soun))
        {
            return null;
        }

        MediaTrack kind = handler == Mp4FourCc.Vide ? MediaTrack.Video : MediaTrack.Audio;
        if (!Mp4BoxIterator.TryFind(mdia.Payload, mdia.PayloadOffset, Mp4FourCc.Mdia, Mp4FourCc.Mdhd, out Mp4Box mdhd))
        {
            throw Mp4Errors.Invalid($"track {trackId}: the mdia box at offset {mdia.Offset} has no mdhd box");
        }

        mdhd.RequireFullBox(mdhd.Version == 1 ? 20 : 12);
        uint timescale = BinaryPrimitives.ReadUInt32BigEndian(mdhd.Payload[(mdhd.Version == 1 ? 20 : 12)..]);
        if (timescale == 0)
        {
            throw Mp4Errors.Invalid($"track {trackId}: box 'mdhd' at offset {mdhd.Offset} has timescale 0");
        }

        if (!Mp4BoxIterator.TryFind(mdia.Payload, mdia.PayloadOffset, Mp4FourCc.Mdia, Mp4FourCc.Minf, out Mp4Box minf)
            || !Mp4BoxIterator.TryFind(minf.Payload, minf.PayloadOffset, Mp4FourCc.Minf, Mp4FourCc.Stbl, out Mp4Box stbl)
            || !Mp4BoxIterator.TryFind(stbl.Payload, stbl.PayloadOffset, Mp4FourCc.Stbl, Mp4FourCc.Stsd, out Mp4Box stsd))
        {
            throw Mp4Errors.Invalid($"track {trackId}: the mdia box at offset {mdia.Offset} has no minf/stbl/stsd");
        }

        return new Mp4Track(trackId, kind, timescale, Mp4SampleEntry.Parse(stsd, kind, trackId), stbl.Offset);
    }
}
