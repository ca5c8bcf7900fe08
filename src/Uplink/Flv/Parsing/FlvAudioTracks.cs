namespace Uplink.Flv.Parsing;

/// <summary>
/// The tracks of one audio message, allocation-free: a single-track message (legacy or Enhanced RTMP) as its one track
/// (trackId 0, what <see cref="FlvAudioTagHeader.Read"/> gives), a Multitrack message as each of its tracks, with
/// offsets into the whole body. Use with <c>foreach</c>.
/// </summary>
/// <remarks>
/// A single-track message's problem, and a track's unsupported FourCC, come back in the header's
/// <see cref="FlvAudioTagHeader.Problem"/>; a broken Multitrack framing or track header throws
/// <see cref="InvalidDataException"/> naming the problem and its offset in the body.
/// </remarks>
internal ref struct FlvAudioTracks
{
    private readonly ReadOnlySpan<byte> _body;
    private FlvMultitrack _multitrack;
    private FlvAudioTagHeader _message;
    private int _state; // 0 before the first track, 1 in a multitrack message, 2 done

    public FlvAudioTracks(ReadOnlySpan<byte> body)
    {
        _body = body;
    }

    /// <summary>Whether the message is a Multitrack one (known after the first <see cref="MoveNext"/>).</summary>
    public bool IsMultitrack { get; private set; }

    /// <summary>The track reached by the last <see cref="MoveNext"/>.</summary>
    public FlvAudioTagHeader Current { get; private set; }

    public readonly FlvAudioTracks GetEnumerator() => this;

    /// <summary>Advances to the next track.</summary>
    /// <exception cref="InvalidDataException">The Multitrack framing or a track's header is broken.</exception>
    public bool MoveNext()
    {
        if (_state == 0)
        {
            _message = FlvAudioTagHeader.Read(_body);
            if (_message.Kind != FlvPacketKind.Multitrack)
            {
                Current = _message;
                _state = 2;
                return true;
            }

            _multitrack = new FlvMultitrack(_body, _message.PayloadOffset, "audio", FlvAudioTagHeader.MultitrackPacketType);
            _state = 1;
            IsMultitrack = true;
        }

        if (_state == 2 || !_multitrack.TryReadTrack(out uint fourCc, out int trackId, out int start, out ReadOnlySpan<byte> track))
        {
            _state = 2;
            return false;
        }

        FlvAudioTagHeader h = FlvAudioTagHeader.ReadCodedBody(0, fourCc, _multitrack.PacketType);
        if (h.Problem is string problem && h.IsMalformed)
        {
            throw _multitrack.BrokenTrack(trackId, start, problem);
        }

        Current = h with
        {
            PayloadOffset = start + h.PayloadOffset,
            PayloadLength = h.Problem is null ? track.Length - h.PayloadOffset : 0,
            TrackId = trackId,
            TimestampOffsetNanoseconds = _message.TimestampOffsetNanoseconds,
        };
        return true;
    }
}
