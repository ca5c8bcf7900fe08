namespace Uplink.Media.MpegTs;

/// <summary>One elementary stream the reader reads: its PID's PES assembly, its codec, and its frames' timing.</summary>
internal sealed class MpegTsStream : IDisposable
{
    public MpegTsStream(int program, MediaTrack track, MpegTsStreamKind kind, byte streamType, int maxPesSize)
    {
        Program = program;
        Track = track;
        Kind = kind;
        StreamType = streamType;
        Pes = new PesAssembler(maxPesSize);
    }

    /// <summary>The place in the reader's program list of the program whose PMT lists the stream.</summary>
    public int Program { get; }

    public MediaTrack Track { get; }

    public MpegTsStreamKind Kind { get; set; }

    public byte StreamType { get; set; }

    public PesAssembler Pes { get; }

    /// <summary>The stream's index among the tracks of its kind (<see cref="MediaFrame.TrackIndex"/>); set when the look-ahead ends.</summary>
    public int Index { get; set; }

    /// <summary>True once the look-ahead has seen a PES start on the stream.</summary>
    public bool StartSeen { get; set; }

    /// <summary>Set when the look-ahead finds the stream cannot be read (MPEG audio layer I/II); it is dropped before reading.</summary>
    public string? Refusal { get; set; }

    /// <summary>The warning that the stream is skipped, given with AllTracks when another stream of its kind is read.</summary>
    public string? SkipWarning { get; set; }

    public long LastVideoDtsTicks { get; set; } = -1;

    public long LastVideoPtsTicks { get; set; } = -1;

    /// <summary>Where the audio frame after the last one delivered starts, for a PES without a PTS; -1 before any.</summary>
    public long NextAudioTicks { get; set; } = -1;

    /// <summary>The PTS of the audio PES being split into ADTS frames.</summary>
    public long AudioBaseTicks { get; set; }

    /// <summary>The samples of the ADTS frames of the PES delivered so far.</summary>
    public long AudioSamples { get; set; }

    public int AudioPosition { get; set; }

    public int AudioEnd { get; set; }

    public void Dispose() => Pes.Dispose();
}
