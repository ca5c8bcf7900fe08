namespace Uplink.Media.Mp4;

/// <summary>A track the reader uses: what it holds, its timescale, its samples in the moov, its fragment defaults.</summary>
internal sealed class Mp4Track
{
    public Mp4Track(uint trackId, MediaTrack kind, uint timescale, Mp4SampleEntry sampleEntry, long stblOffset)
    {
        TrackId = trackId;
        Kind = kind;
        Timescale = timescale;
        SampleEntry = sampleEntry;
        StblOffset = stblOffset;
    }

    /// <summary>The tkhd track_ID (the id trafs refer to).</summary>
    public uint TrackId { get; }

    public MediaTrack Kind { get; }

    /// <summary>The mdhd timescale: units per second of the track's times.</summary>
    public uint Timescale { get; }

    public Mp4SampleEntry SampleEntry { get; }

    /// <summary>The track's index among the used tracks of its kind (<see cref="MediaFrame.TrackIndex"/>).</summary>
    public int Index { get; set; }

    /// <summary>The track's index among all the reader's used tracks, which its samples carry.</summary>
    public int Slot { get; set; }

    /// <summary>The absolute offset of the track's stbl box, whose tables <see cref="Samples"/> walks.</summary>
    public long StblOffset { get; }

    /// <summary>
    /// The samples indexed in the moov (none in a fragmented file written with an empty moov); read only for
    /// the tracks used, so a damaged table of an ignored track does not matter.
    /// </summary>
    public Mp4SampleTable? Samples { get; private set; }

    /// <summary>Reads the track's sample tables from the moov.</summary>
    public void ReadSampleTables(byte[] moov, long moovOffset)
    {
        var stbl = new Mp4BoxIterator(moov.AsSpan(checked((int)(StblOffset - moovOffset))), StblOffset, Mp4FourCc.Trak);
        stbl.MoveNext(out Mp4Box box);
        Samples = Mp4SampleTable.Parse(moov, moovOffset, box, Kind, TrackId, Slot);
        NextFragmentDecodeTime = Samples.TotalDuration;
        DtsShift = -Samples.MinCompositionOffset;
    }

    /// <summary>
    /// What every decode time is moved back by so that no picture is shown before it is decoded: the largest negative
    /// composition offset of the moov's ctts (version 1 tables, as <c>-movflags negative_cts_offsets</c> writes them),
    /// as FFmpeg's dts_shift. 0 for most files. RTMP's writer, like any decoder, needs PTS ≥ DTS.
    /// </summary>
    public long DtsShift { get; private set; }

    /// <summary>The trex default sample duration.</summary>
    public uint DefaultDuration { get; set; }

    /// <summary>The trex default sample size.</summary>
    public uint DefaultSize { get; set; }

    /// <summary>The trex default sample flags.</summary>
    public uint DefaultFlags { get; set; }

    /// <summary>The decode time the next fragment continues from when it has no tfdt.</summary>
    public long NextFragmentDecodeTime { get; set; }

    /// <summary>"track 1 (video)", for messages.</summary>
    public string Label => $"track {TrackId} ({(Kind == MediaTrack.Video ? "video" : "audio")})";
}
