using System.Buffers;
using System.Buffers.Binary;

namespace Uplink.Protocol.Chunks;

/// <summary>
/// Splits RTMP messages into chunks with the smallest header the previous message on the same chunk
/// stream allows (fmt 0–3), writing into an <see cref="IBufferWriter{T}"/>. Pure and allocation-free
/// per message once its chunk streams are known.
/// </summary>
/// <remarks>
/// Choices, each made for interoperability: a type-3 header starts a new message only after a type-1 or
/// type-2 header set the delta (after a type-0 header, servers disagree on what the delta is — nginx-rtmp
/// takes 0, FFmpeg and the spec the absolute timestamp); the extended timestamp is repeated on every
/// type-3 chunk of a message whose header carried 0xFFFFFF (as FFmpeg, GStreamer and nginx expect);
/// timestamps are 32-bit and wrap at 2^32, a wrapped timestamp being sent as a small forward delta.
/// </remarks>
internal sealed class ChunkStreamWriter
{
    /// <summary>Smallest chunk size the protocol allows.</summary>
    public const int MinChunkSize = 1;

    /// <summary>Largest chunk size we send (the bound, and what Adobe servers accept).</summary>
    public const int MaxChunkSize = 65536;

    /// <summary>Largest payload an RTMP message length field can carry.</summary>
    public const int MaxMessageLength = 0xFFFFFF;

    private const uint ExtendedTimestampMarker = 0xFFFFFF;

    private ChunkStreamState[] _streams = new ChunkStreamState[16];
    private int _chunkSize = 128;

    /// <summary>The outgoing chunk size; set it right after sending Set Chunk Size.</summary>
    public int ChunkSize
    {
        get => _chunkSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinChunkSize);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxChunkSize);
            _chunkSize = value;
        }
    }

    /// <summary>Forgets all header state, so the next message on every chunk stream gets a full header (a new connection).</summary>
    public void Reset()
    {
        Array.Clear(_streams);
        _chunkSize = 128;
    }

    /// <summary>Writes one message as chunks.</summary>
    /// <returns>The header format (0–3) of the message's first chunk; its continuation chunks are type 3.</returns>
    public int Write(IBufferWriter<byte> output, int chunkStreamId, in RtmpMessageHeader header, ReadOnlySpan<byte> payload)
    {
        if (chunkStreamId is < 2 or > ChunkStreamIds.Max)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkStreamId), chunkStreamId, "RTMP chunk stream ids run from 2 to 65599.");
        }

        if (payload.Length != header.Length)
        {
            throw new ArgumentException($"Header length {header.Length} does not match the payload's {payload.Length} bytes.", nameof(payload));
        }

        if (payload.Length > MaxMessageLength)
        {
            throw new ArgumentException($"RTMP messages carry at most {MaxMessageLength} bytes; this one has {payload.Length}.", nameof(payload));
        }

        ref ChunkStreamState state = ref GetState(chunkStreamId);
        int fmt;
        uint timestampField;
        uint delta = header.Timestamp - state.Timestamp; // modulo 2^32: a wrap is a small forward delta
        if (!state.Used || header.StreamId != state.StreamId || delta > int.MaxValue)
        {
            fmt = 0;
            timestampField = header.Timestamp;
        }
        else if (header.Length != state.Length || header.Type != state.Type)
        {
            fmt = 1;
            timestampField = delta;
        }
        else if (delta != state.Delta || !state.DeltaKnown)
        {
            fmt = 2;
            timestampField = delta;
        }
        else
        {
            fmt = 3;
            timestampField = delta;
        }

        bool extended = timestampField >= ExtendedTimestampMarker;

        // First chunk: full header of the chosen format.
        int payloadOffset = 0;
        int first = Math.Min(_chunkSize, payload.Length);
        Span<byte> span = output.GetSpan(18 + first);
        int n = WriteBasicHeader(span, fmt, chunkStreamId);
        if (fmt <= 2)
        {
            WriteUInt24(span[n..], extended ? ExtendedTimestampMarker : timestampField);
            n += 3;
            if (fmt <= 1)
            {
                WriteUInt24(span[n..], (uint)header.Length);
                span[n + 3] = (byte)header.Type;
                n += 4;
                if (fmt == 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(span[n..], header.StreamId);
                    n += 4;
                }
            }
        }

        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[n..], timestampField);
            n += 4;
        }

        payload[..first].CopyTo(span[n..]);
        output.Advance(n + first);
        payloadOffset = first;

        // Continuation chunks: type 3, repeating the extended timestamp when the header carried one.
        while (payloadOffset < payload.Length)
        {
            int size = Math.Min(_chunkSize, payload.Length - payloadOffset);
            span = output.GetSpan(7 + size);
            n = WriteBasicHeader(span, 3, chunkStreamId);
            if (extended)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span[n..], timestampField);
                n += 4;
            }

            payload.Slice(payloadOffset, size).CopyTo(span[n..]);
            output.Advance(n + size);
            payloadOffset += size;
        }

        state.Used = true;
        state.StreamId = header.StreamId;
        state.Length = header.Length;
        state.Type = header.Type;
        if (fmt == 0)
        {
            state.DeltaKnown = false;
            state.Delta = 0;
        }
        else
        {
            state.DeltaKnown = true;
            state.Delta = delta;
        }

        state.Timestamp = header.Timestamp;
        return fmt;
    }

    private static int WriteBasicHeader(Span<byte> span, int fmt, int chunkStreamId)
    {
        if (chunkStreamId < 64)
        {
            span[0] = (byte)((fmt << 6) | chunkStreamId);
            return 1;
        }

        if (chunkStreamId < 320)
        {
            span[0] = (byte)(fmt << 6);
            span[1] = (byte)(chunkStreamId - 64);
            return 2;
        }

        int id = chunkStreamId - 64;
        span[0] = (byte)((fmt << 6) | 1);
        span[1] = (byte)(id & 0xFF);
        span[2] = (byte)(id >> 8);
        return 3;
    }

    private static void WriteUInt24(Span<byte> span, uint value)
    {
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
    }

    private ref ChunkStreamState GetState(int chunkStreamId)
    {
        if (chunkStreamId >= _streams.Length)
        {
            Array.Resize(ref _streams, Math.Max(chunkStreamId + 1, _streams.Length * 2));
        }

        return ref _streams[chunkStreamId];
    }

    private struct ChunkStreamState
    {
        public bool Used;
        public bool DeltaKnown;
        public uint Timestamp;
        public uint Delta;
        public int Length;
        public RtmpMessageType Type;
        public uint StreamId;
    }
}
