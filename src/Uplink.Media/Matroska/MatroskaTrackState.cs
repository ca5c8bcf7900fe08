namespace Uplink.Media.Matroska;

/// <summary>What the reader keeps for each track it reads: how its frames are timed and restored, and its warning runs.</summary>
internal sealed class MatroskaTrackState
{
    public MatroskaTrackState(MatroskaTrack track, MediaTrack kind, int index, byte[]? prefix)
    {
        Track = track;
        Kind = kind;
        Index = index;
        Prefix = prefix;
    }

    public MatroskaTrack Track { get; }

    public MediaTrack Kind { get; }

    /// <summary>The track's index among those of its kind (<see cref="MediaFrame.TrackIndex"/>).</summary>
    public int Index { get; }

    /// <summary>The bytes header stripping removed from every frame, to put back; null when none.</summary>
    public byte[]? Prefix { get; }

    /// <summary>The time from one laced frame to the next when the block has no BlockDuration, in ticks as a fraction.</summary>
    public (long Numerator, long Denominator) Step { get; set; } = (0, 1);

    /// <summary>The CodecDelay in TimestampScale units, taken off every block time.</summary>
    public long CodecDelay { get; set; }

    /// <summary>Derives video decode times; null for audio.</summary>
    public DecodeTimeDeriver? Times { get; set; }

    /// <summary>The PTS of the last audio frame delivered, which the next may not go back before.</summary>
    public long LastAudioTime { get; set; } = long.MinValue;

    /// <summary>A run of audio frames going back in time.</summary>
    public WarningRun Backwards;

    /// <summary>A run of video frames shown before frames decoded earlier.</summary>
    public WarningRun Late;
}
