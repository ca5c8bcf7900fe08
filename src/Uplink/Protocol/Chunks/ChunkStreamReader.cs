using System.Buffers;
using System.Buffers.Binary;

namespace Uplink.Protocol.Chunks;

/// <summary>
/// Reassembles RTMP messages from chunks (fmt 0–3, 1/2/3-byte basic headers, extended timestamps,
/// including on type-3 chunks). Sizes the peer controls are bounded: the chunk size it may set, the
/// length of one message, and the bytes held across all partly received messages. A message buffer
/// grows with the bytes actually received, so a huge announced length costs nothing until it is sent.
/// </summary>
internal sealed class ChunkStreamReader
{
    private const uint ExtendedTimestampMarker = 0xFFFFFF;

    private readonly Dictionary<int, State> _streams = [];
    private readonly int _maxMessageLength;
    private readonly int _maxChunkSize;
    private readonly long _maxBufferedBytes;
    private long _bufferedBytes;
    private int _chunkSize = 128;

    public ChunkStreamReader(int maxMessageLength = 4 * 1024 * 1024, int maxChunkSize = 1 << 24, long maxBufferedBytes = 16L * 1024 * 1024)
    {
        _maxMessageLength = Math.Min(maxMessageLength, ChunkStreamWriter.MaxMessageLength);
        _maxChunkSize = maxChunkSize;
        _maxBufferedBytes = maxBufferedBytes;
    }

    /// <summary>The incoming chunk size, as last set by the peer's Set Chunk Size.</summary>
    public int ChunkSize => _chunkSize;

    /// <summary>Applies the peer's Set Chunk Size, refusing values outside 1 .. the configured bound.</summary>
    public void SetChunkSize(uint size)
    {
        if (size == 0 || size > int.MaxValue || size > (uint)_maxChunkSize)
        {
            throw new RtmpProtocolException($"peer set chunk size {size}; accepted range is 1 to {_maxChunkSize}");
        }

        _chunkSize = (int)size;
    }

    /// <summary>Discards the partly received message on a chunk stream (Abort message).</summary>
    public void Abort(int chunkStreamId)
    {
        if (_streams.TryGetValue(chunkStreamId, out State? s))
        {
            s.Discard(this);
        }
    }

    /// <summary>
    /// Consumes whole chunks from <paramref name="input"/> until a message completes (true, with the
    /// message) or no whole chunk is left (false; the unread bytes stay in the reader's input).
    /// </summary>
    public bool TryReadMessage(ref SequenceReader<byte> input, out RtmpMessage message)
    {
        while (TryReadChunk(ref input, out message, out bool completed))
        {
            if (completed)
            {
                return true;
            }
        }

        message = default;
        return false;
    }

    private bool TryReadChunk(ref SequenceReader<byte> input, out RtmpMessage message, out bool completed)
    {
        message = default;
        completed = false;
        SequenceReader<byte> r = input;

        if (!r.TryRead(out byte b0))
        {
            return false;
        }

        int fmt = b0 >> 6;
        int csid = b0 & 0x3F;
        if (csid == 0)
        {
            if (!r.TryRead(out byte b1))
            {
                return false;
            }

            csid = b1 + 64;
        }
        else if (csid == 1)
        {
            if (!r.TryRead(out byte b1) || !r.TryRead(out byte b2))
            {
                return false;
            }

            csid = b1 + (b2 << 8) + 64;
        }

        if (!_streams.TryGetValue(csid, out State? s))
        {
            if (fmt != 0)
            {
                throw new RtmpProtocolException($"chunk stream {csid} starts with a type-{fmt} header; the first chunk must be type 0");
            }

            if (_streams.Count >= 1024)
            {
                throw new RtmpProtocolException("peer opened more than 1024 chunk streams");
            }

            s = new State();
            _streams.Add(csid, s);
        }

        uint timestampField = 0;
        int length = s.Header.Length;
        RtmpMessageType type = s.Header.Type;
        uint streamId = s.Header.StreamId;
        bool extended;
        if (fmt <= 2)
        {
            if (!TryReadUInt24(ref r, out timestampField))
            {
                return false;
            }

            if (fmt <= 1)
            {
                if (!TryReadUInt24(ref r, out uint len) || !r.TryRead(out byte t))
                {
                    return false;
                }

                length = (int)len;
                type = (RtmpMessageType)t;
                if (fmt == 0)
                {
                    if (!r.TryReadLittleEndian(out int sid))
                    {
                        return false;
                    }

                    streamId = (uint)sid;
                }
            }

            extended = timestampField == ExtendedTimestampMarker;
        }
        else
        {
            extended = s.Extended;
        }

        if (extended)
        {
            if (!r.TryReadBigEndian(out int ext))
            {
                return false;
            }

            timestampField = (uint)ext;
        }

        bool startsMessage = s.Received == 0;
        if (fmt != 3 && !startsMessage)
        {
            throw new RtmpProtocolException($"chunk stream {csid}: a type-{fmt} header arrived in the middle of a message");
        }

        if (startsMessage && length > _maxMessageLength)
        {
            throw new RtmpProtocolException($"peer announced a {length}-byte message (type {(int)type}) on chunk stream {csid}; the limit is {_maxMessageLength}");
        }

        int payloadSize = Math.Min(_chunkSize, length - s.Received);
        if (r.Remaining < payloadSize)
        {
            return false;
        }

        // The whole chunk is here: commit the header state, then the payload.
        if (startsMessage)
        {
            uint timestamp;
            if (fmt == 0)
            {
                timestamp = timestampField;
                s.Delta = 0;
            }
            else if (fmt == 3)
            {
                timestamp = s.Header.Timestamp + s.Delta;
            }
            else
            {
                s.Delta = timestampField;
                timestamp = s.Header.Timestamp + timestampField;
            }

            s.Header = new RtmpMessageHeader(timestamp, length, type, streamId);
            if (fmt <= 2)
            {
                s.Extended = extended;
            }
        }

        if (payloadSize > 0)
        {
            s.Append(this, r.UnreadSequence.Slice(0, payloadSize));
            r.Advance(payloadSize);
        }

        input = r;
        if (s.Received == length)
        {
            message = new RtmpMessage(csid, s.Header, s.TakeBuffer(this));
            completed = true;
        }

        return true;
    }

    private static bool TryReadUInt24(ref SequenceReader<byte> r, out uint value)
    {
        value = 0;
        if (r.Remaining < 3)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[3];
        r.TryCopyTo(b);
        r.Advance(3);
        value = (uint)((b[0] << 16) | (b[1] << 8) | b[2]);
        return true;
    }

    private sealed class State
    {
        public RtmpMessageHeader Header;
        public uint Delta;
        public bool Extended;
        public int Received;
        private byte[]? _buffer;

        public void Append(ChunkStreamReader owner, ReadOnlySequence<byte> data)
        {
            int needed = Received + (int)data.Length;
            if (_buffer is null || _buffer.Length < needed)
            {
                // Grow with what arrived (doubling, capped at the message length), never with what was announced.
                int size = Math.Min(Header.Length, Math.Max(needed, (_buffer?.Length ?? 0) * 2));
                size = Math.Max(size, needed);
                long growth = size - (_buffer?.Length ?? 0);
                if (owner._bufferedBytes + growth > owner._maxBufferedBytes)
                {
                    throw new RtmpProtocolException($"peer has more than {owner._maxBufferedBytes} bytes of unfinished messages outstanding");
                }

                byte[] bigger = ArrayPool<byte>.Shared.Rent(size);
                if (_buffer is not null)
                {
                    _buffer.AsSpan(0, Received).CopyTo(bigger);
                    owner._bufferedBytes -= _buffer.Length;
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                owner._bufferedBytes += bigger.Length;
                _buffer = bigger;
            }

            data.CopyTo(_buffer.AsSpan(Received));
            Received = needed;
        }

        public byte[]? TakeBuffer(ChunkStreamReader owner)
        {
            byte[]? b = _buffer;
            if (b is not null)
            {
                owner._bufferedBytes -= b.Length;
            }

            _buffer = null;
            Received = 0;
            return b;
        }

        public void Discard(ChunkStreamReader owner)
        {
            byte[]? b = TakeBuffer(owner);
            if (b is not null)
            {
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }
}
