using System.Buffers;
using System.IO.Pipelines;
using Uplink.Protocol.Chunks;

namespace Uplink.Protocol;

/// <summary>
/// A connection's receiving side: reads the stream and reassembles whole messages. Set Chunk Size and Abort take
/// effect here, before the next chunk is parsed; every other message is handed on in <see cref="Messages"/>.
/// A read is two steps so a caller can account for the bytes that arrived before any of them is parsed:
/// <see cref="ReadAsync"/>, then <see cref="ReadMessages"/>, then <see cref="ReleaseMessages"/> once handled.
/// </summary>
public sealed class RtmpMessageReader : IAsyncDisposable
{
    private readonly PipeReader _pipe;
    private readonly ChunkStreamReader _chunks;
    private readonly Action<uint>? _onPeerChunkSize;
    private readonly List<RtmpMessage> _messages = [];
    private ReadOnlySequence<byte> _buffer;
    private long _leftover;
    private RtmpProtocolException? _fault;
    private bool _completed;

    /// <param name="stream">The connected stream, left open when the reader completes.</param>
    /// <param name="bufferSize">The size of each read from the stream.</param>
    /// <param name="maxMessageLength">The longest message the peer may send.</param>
    /// <param name="maxChunkSize">The largest chunk size the peer may set.</param>
    /// <param name="maxBufferedBytes">The most bytes held across all partly received messages.</param>
    /// <param name="onPeerChunkSize">Told each chunk size the peer sets, once accepted.</param>
    public RtmpMessageReader(Stream stream, int bufferSize, int maxMessageLength, int maxChunkSize, long maxBufferedBytes, Action<uint>? onPeerChunkSize = null)
    {
        _pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: bufferSize, minimumReadSize: 1024, leaveOpen: true));
        _chunks = new ChunkStreamReader(maxMessageLength, maxChunkSize, maxBufferedBytes);
        _onPeerChunkSize = onPeerChunkSize;
    }

    /// <summary>The messages the last <see cref="ReadMessages"/> reassembled; each payload is valid until <see cref="ReleaseMessages"/>.</summary>
    public IReadOnlyList<RtmpMessage> Messages => _messages;

    /// <summary>True once the peer has closed its side (as of the last read).</summary>
    public bool IsCompleted
    {
        // A fault still to report comes first.
        get => _completed && _fault is null;
        private set => _completed = value;
    }

    /// <summary>Bytes of an incomplete chunk left unparsed by the last <see cref="ReadMessages"/>.</summary>
    public long Leftover => _leftover;

    /// <summary>Waits for bytes from the peer (or its close).</summary>
    /// <returns>How many bytes arrived since the previous read.</returns>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> ReadAsync(CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            // The fault found after the last messages handed on: report it now, without waiting for the peer.
            return 0;
        }

        ReadResult result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
        _buffer = result.Buffer;
        IsCompleted = result.IsCompleted;
        return _buffer.Length - _leftover;
    }

    /// <summary>Reassembles the whole messages in what the last <see cref="ReadAsync"/> read into <see cref="Messages"/>.</summary>
    /// <returns>The bytes consumed (whole chunks).</returns>
    /// <exception cref="RtmpProtocolException">The peer broke the chunk protocol or a bound.</exception>
    public long ReadMessages()
    {
        if (_fault is { } fault)
        {
            _fault = null;
            throw fault;
        }

        var sequence = new SequenceReader<byte>(_buffer);
        try
        {
            ReadWholeMessages(ref sequence);
        }
        catch (RtmpProtocolException ex) when (_messages.Count > 0)
        {
            // What the peer sent before breaking the protocol is as much its stream as any: hand it on, fail at the next read.
            _fault = ex;
        }

        long consumed = sequence.Consumed;
        _leftover = _buffer.Length - consumed;
        _pipe.AdvanceTo(sequence.Position, _buffer.End);
        _buffer = default;
        return consumed;
    }

    private void ReadWholeMessages(ref SequenceReader<byte> sequence)
    {
        while (_chunks.TryReadMessage(ref sequence, out RtmpMessage message))
        {
            switch (message.Header.Type)
            {
                case RtmpMessageType.SetChunkSize when ProtocolControl.TryReadUInt32(message.Payload, out uint size):
                    message.Dispose();
                    size &= 0x7FFFFFFF;
                    _chunks.SetChunkSize(size);
                    _onPeerChunkSize?.Invoke(size);
                    break;
                case RtmpMessageType.Abort when ProtocolControl.TryReadUInt32(message.Payload, out uint abortedStream):
                    message.Dispose();
                    _chunks.Abort((int)Math.Min(abortedStream, ChunkStreamIds.Max));
                    break;
                default:
                    _messages.Add(message);
                    break;
            }
        }
    }

    /// <summary>Returns the payloads of <see cref="Messages"/> to the pool and empties it.</summary>
    public void ReleaseMessages()
    {
        foreach (RtmpMessage message in _messages)
        {
            message.Dispose();
        }

        _messages.Clear();
    }

    /// <summary>Releases any messages still held and completes the reader (the stream stays open).</summary>
    public async ValueTask DisposeAsync()
    {
        ReleaseMessages();
        await _pipe.CompleteAsync().ConfigureAwait(false);
    }
}
