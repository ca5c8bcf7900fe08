namespace Uplink.Flv.Parsing;

/// <summary>
/// The framing of an Enhanced RTMP Multitrack message, shared by audio and video: after the ex header (and any ModEx),
/// one byte (multitrack type, packet type), the FourCC unless every track names its own, then per track
/// [FourCC] trackId [UI24 size] body. Reading it allocates nothing unless it fails; a broken framing throws
/// <see cref="InvalidDataException"/> naming the problem and its offset in the body.
/// </summary>
internal ref struct FlvMultitrack
{
    private const int OneTrack = 0;
    private const int ManyTracksManyCodecs = 2;

    private readonly ReadOnlySpan<byte> _body;
    private readonly string _kind;
    private readonly int _multitrackType;
    private readonly uint _fourCc;
    private int _position;
    private bool _readOne;

    /// <summary>Reads the multitrack header at <paramref name="position"/> (the byte after the ex header and ModEx).</summary>
    /// <param name="body">The whole tag body.</param>
    /// <param name="position">Where the multitrack type byte is.</param>
    /// <param name="kind">"audio" or "video", for messages.</param>
    /// <param name="multitrackPacketType">The kind's Multitrack packet type (audio 5, video 6), which a track may not have.</param>
    /// <exception cref="InvalidDataException">The header is truncated, names an unknown multitrack type, or nests Multitrack or ModEx.</exception>
    public FlvMultitrack(ReadOnlySpan<byte> body, int position, string kind, int multitrackPacketType)
    {
        _body = body;
        _kind = kind;
        if (position >= body.Length)
        {
            throw Broken($"ends at body offset {position}, before its multitrack type");
        }

        _multitrackType = body[position] >> 4;
        PacketType = body[position] & 0x0F;
        if (_multitrackType > ManyTracksManyCodecs)
        {
            throw Broken($"has unknown multitrack type {_multitrackType} at body offset {position}");
        }

        if (PacketType == multitrackPacketType)
        {
            throw Broken($"nests Multitrack inside Multitrack at body offset {position}");
        }

        if (PacketType == FlvModEx.PacketType)
        {
            throw Broken($"has ModEx as its tracks' packet type at body offset {position}");
        }

        position++;
        if (_multitrackType != ManyTracksManyCodecs)
        {
            if (body.Length - position < 4)
            {
                throw Broken($"ends at body offset {body.Length}, inside the FourCC at body offset {position}");
            }

            _fourCc = FlvFourCc.Read(body[position..]);
            position += 4;
        }

        _position = position;
    }

    /// <summary>The packet type every track of the message has.</summary>
    public int PacketType { get; }

    /// <summary>Advances to the next track.</summary>
    /// <param name="fourCc">The track's FourCC.</param>
    /// <param name="trackId">The track's id.</param>
    /// <param name="start">Where the track's body starts in the message body.</param>
    /// <param name="track">The track's body (what follows trackId and size).</param>
    /// <returns>False after the last track.</returns>
    /// <exception cref="InvalidDataException">The track's header is truncated, or its size overruns the body.</exception>
    public bool TryReadTrack(out uint fourCc, out int trackId, out int start, out ReadOnlySpan<byte> track)
    {
        fourCc = _fourCc;
        trackId = 0;
        start = _position;
        track = default;
        if (_position >= _body.Length || (_readOne && _multitrackType == OneTrack))
        {
            if (!_readOne)
            {
                throw Broken($"ends at body offset {_position}, before its first track");
            }

            return false;
        }

        int position = _position;
        if (_multitrackType == ManyTracksManyCodecs)
        {
            if (_body.Length - position < 4)
            {
                throw Broken($"ends at body offset {_body.Length}, inside the track FourCC at body offset {position}");
            }

            fourCc = FlvFourCc.Read(_body[position..]);
            position += 4;
        }

        if (position >= _body.Length)
        {
            throw Broken($"ends at body offset {position}, before the track id");
        }

        trackId = _body[position++];
        int size;
        if (_multitrackType == OneTrack)
        {
            size = _body.Length - position;
        }
        else
        {
            if (_body.Length - position < 3)
            {
                throw Broken($"ends at body offset {_body.Length}, inside track {trackId}'s size at body offset {position}");
            }

            size = _body[position] << 16 | _body[position + 1] << 8 | _body[position + 2];
            if (size > _body.Length - (position + 3))
            {
                throw Broken($"track {trackId}'s size {size} at body offset {position} overruns the {_body.Length}-byte body");
            }

            position += 3;
        }

        start = position;
        track = _body.Slice(position, size);
        _position = position + size;
        _readOne = true;
        return true;
    }

    /// <summary>The error for a track whose own header is broken.</summary>
    public readonly InvalidDataException BrokenTrack(int trackId, int start, string problem) =>
        Broken($"track {trackId} at body offset {start}: {problem}");

    private readonly InvalidDataException Broken(string problem) => new($"Enhanced RTMP multitrack {_kind} tag {problem}");
}
