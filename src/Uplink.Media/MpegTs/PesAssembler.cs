using System.Buffers;

namespace Uplink.Media.MpegTs;

/// <summary>
/// Reassembles the PES packets of one elementary stream from transport packet payloads, into one of two pooled
/// buffers: while the last completed PES is being read from one, the next one is collected in the other.
/// </summary>
internal sealed class PesAssembler : IDisposable
{
    private const int PesHeaderSize = 6;
    private const int InitialBufferSize = 64 * 1024;

    private readonly int _maxSize;
    private byte[] _collecting;
    private byte[] _completed;

    public PesAssembler(int maxSize)
    {
        _maxSize = maxSize;
        _collecting = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxSize));
        _completed = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxSize));
    }

    /// <summary>The PID the stream is carried on, or -1 when the program has no such stream.</summary>
    public int Pid { get; private set; } = -1;

    /// <summary>True once a payload_unit_start was seen and until the PES is completed or dropped.</summary>
    public bool IsCollecting { get; private set; }

    /// <summary>How many bytes of the PES in progress are collected (its 6-byte header included).</summary>
    public int Length { get; private set; }

    /// <summary>PES_packet_length of the PES in progress: -1 until its first 6 bytes arrived, 0 for an unbounded PES.</summary>
    public int DeclaredLength { get; private set; } = -1;

    /// <summary>The byte offset of the transport packet the PES in progress started in.</summary>
    public long StartOffset { get; private set; }

    /// <summary>True when a bounded PES in progress has all the bytes its PES_packet_length declares.</summary>
    public bool IsCompleteByLength => IsCollecting && DeclaredLength > 0 && Length >= PesHeaderSize + DeclaredLength;

    /// <summary>True when a bounded PES in progress was cut short (fewer bytes than declared, or not even the header).</summary>
    public bool IsShortOfDeclaredLength => DeclaredLength < 0 || (DeclaredLength > 0 && Length < PesHeaderSize + DeclaredLength);

    /// <summary>
    /// True when payload without a PES in progress needs no warning: before the first PES, and after a drop (which
    /// warned already); false after a PES completed, when such payload means a lost unit start.
    /// </summary>
    public bool OrphanPayloadExpected { get; set; } = true;

    /// <summary>True when a completed PES waits in <see cref="Completed"/> to be read.</summary>
    public bool HasCompleted { get; set; }

    /// <summary>The completed PES; valid until the next <see cref="Complete"/>.</summary>
    public ReadOnlySpan<byte> Completed => _completed.AsSpan(0, CompletedLength);

    /// <summary>The buffer <see cref="Completed"/> lives in (from index 0).</summary>
    public byte[] CompletedBuffer => _completed;

    /// <summary>The length of <see cref="Completed"/>.</summary>
    public int CompletedLength { get; private set; }

    /// <summary>The byte offset of the transport packet the completed PES started in.</summary>
    public long CompletedOffset { get; private set; }

    /// <summary>Switches to another PID (or none), dropping the PES in progress.</summary>
    public void Reset(int pid)
    {
        Pid = pid;
        IsCollecting = false;
        HasCompleted = false;
        OrphanPayloadExpected = true;
    }

    /// <summary>Starts collecting a PES whose first packet is at <paramref name="offset"/>.</summary>
    public void Start(long offset)
    {
        IsCollecting = true;
        Length = 0;
        DeclaredLength = -1;
        StartOffset = offset;
    }

    /// <summary>Appends a packet's payload; false (and nothing appended) when the PES would exceed the size limit.</summary>
    public bool Append(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _maxSize - Length)
        {
            return false;
        }

        if (payload.Length > _collecting.Length - Length)
        {
            Grow(Length + payload.Length);
        }

        payload.CopyTo(_collecting.AsSpan(Length));
        Length += payload.Length;
        if (DeclaredLength < 0 && Length >= PesHeaderSize)
        {
            DeclaredLength = (_collecting[4] << 8) | _collecting[5];
        }

        return true;
    }

    /// <summary>Drops the PES in progress.</summary>
    public void Drop()
    {
        IsCollecting = false;
        OrphanPayloadExpected = true;
    }

    /// <summary>Moves the PES in progress to <see cref="Completed"/> (trimmed to its declared length when bounded).</summary>
    public void Complete()
    {
        (_collecting, _completed) = (_completed, _collecting);
        CompletedLength = DeclaredLength > 0 ? Math.Min(Length, PesHeaderSize + DeclaredLength) : Length;
        CompletedOffset = StartOffset;
        HasCompleted = true;
        IsCollecting = false;
        OrphanPayloadExpected = false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_collecting);
        ArrayPool<byte>.Shared.Return(_completed);
        _collecting = _completed = [];
        IsCollecting = HasCompleted = false;
    }

    private void Grow(int needed)
    {
        long size = Math.Max((long)_collecting.Length * 2, needed);
        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, _maxSize));
        _collecting.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_collecting);
        _collecting = larger;
    }
}
