using System.Buffers.Binary;
using Uplink.Codecs.Av1;
using Uplink.Codecs.Vp9;
using Uplink.Media.Ivf;
using Uplink.Media.Matroska;

namespace Uplink.Media;

/// <summary>
/// Reads an IVF file (as <c>ffmpeg -f ivf</c>, libaom, SVT-AV1 and libvpx write it) holding AV1 or VP9 into timed
/// frames: one frame per IVF frame (an AV1 temporal unit, a VP9 frame or superframe), DTS = PTS = its timestamp in the
/// header's time base, so frames are never reordered. The media type is <c>VideoMediaType.Av1()</c> or
/// <c>VideoMediaType.Vp9()</c>: the writer takes the configuration from the sequence header or first key frame in band.
/// </summary>
/// <remarks>
/// Read forward only (pipes work), into a pooled buffer; frames are slices of it, so steady-state reading does not
/// allocate. The keyframe flag comes from the codec's headers (a shown AV1 key frame first in its temporal unit; a VP9
/// key frame first in its superframe); a frame whose headers do not parse is not a keyframe, with a warning. A frame
/// cut by the end of the stream is dropped with a warning.
/// </remarks>
public sealed class IvfReader : IMediaReader, IDisposable, IBufferedFrameParser
{
    /// <summary>The largest frame accepted; anything larger is damage (a 4K AV1 key frame is a few MB).</summary>
    internal const int MaxFrameSize = 64 * 1024 * 1024;

    private static readonly MediaReaderOptions DefaultOptions = new();

    private readonly Action<string>? _onWarning;
    private readonly StreamReadBuffer _input;
    private IvfHeader _header;
    private Av1TemporalUnitInspector? _av1;
    private Vp9SampleInspector? _vp9;
    private WarningRun _unparsed;
    private bool _ended;

    private IvfReader(Stream stream, MediaReaderOptions options)
    {
        _onWarning = options.OnWarning;
        _input = new StreamReadBuffer(stream, ownsStream: !options.LeaveOpen);
    }

    /// <inheritdoc/>
    public string FormatName => "IVF";

    /// <inheritdoc/>
    public VideoMediaType? Video { get; private set; }

    /// <inheritdoc/>
    /// <remarks>IVF carries video only: always null.</remarks>
    public AudioMediaType? Audio => null;

    /// <inheritdoc/>
    /// <remarks>The header's frame count is often 0 or wrong (a live writer cannot know it): always null.</remarks>
    public TimeSpan? Duration => null;

    /// <inheritdoc/>
    public MediaDataRates DataRates => default;

    /// <inheritdoc/>
    public MediaFrame Current { get; private set; }

    /// <summary>The stream offset of <see cref="Current"/>'s frame header.</summary>
    public long CurrentOffset { get; private set; }

    /// <summary>How many frames <see cref="ReadAsync"/> has returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>The frame width the file header declares.</summary>
    public int Width => _header.Width;

    /// <summary>The frame height the file header declares.</summary>
    public int Height => _header.Height;

    /// <summary>Opens an IVF stream and reads its file header.</summary>
    /// <exception cref="InvalidDataException">The header is missing, cut or malformed (the message names the offset).</exception>
    /// <exception cref="NotSupportedException">The FourCC is not AV01 or VP90.</exception>
    public static async ValueTask<IvfReader> OpenAsync(Stream stream, MediaReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new IvfReader(stream, options ?? DefaultOptions);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => _input.ReadNextAsync(this, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_input.Close())
        {
            Current = default;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (await _input.CloseAsync().ConfigureAwait(false))
        {
            Current = default;
        }
    }

    ReadStep IBufferedFrameParser.TryParseFrame(out int needed)
    {
        needed = 0;
        if (_ended)
        {
            return ReadStep.End;
        }

        long offset = _input.StartOffset;
        int available = _input.Available;
        if (available < IvfHeader.FrameHeaderSize)
        {
            return available == 0 && _input.EndOfStream ? End()
                : _input.EndOfStream ? Cut($"the stream ends at offset {offset + available}, inside the frame header at offset {offset}")
                : Need(IvfHeader.FrameHeaderSize, out needed);
        }

        ReadOnlySpan<byte> head = _input.Buffered;
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(head);
        long pts = BinaryPrimitives.ReadInt64LittleEndian(head[4..]);
        if (size > MaxFrameSize)
        {
            throw IvfErrors.Invalid($"the frame header at offset {offset} claims {size} bytes, more than the limit of {MaxFrameSize}");
        }

        int total = IvfHeader.FrameHeaderSize + (int)size;
        if (available < total)
        {
            return _input.EndOfStream
                ? Cut($"the stream ends at offset {offset + available}, inside the {size}-byte frame at offset {offset}")
                : Need(total, out needed);
        }

        ReadOnlyMemory<byte> data = new(_input.Array, _input.Start + IvfHeader.FrameHeaderSize, (int)size);
        TimeSpan time = ToTime(pts);
        Current = new MediaFrame(MediaTrack.Video, time, time, IsKeyframe(data.Span, offset), false, data);
        CurrentOffset = offset;
        FramesRead++;
        _input.Consume(total); // the bytes stay in the array until the next read from the stream
        return ReadStep.Frame;
    }

    private static ReadStep Need(int bytes, out int needed)
    {
        needed = bytes;
        return ReadStep.NeedMoreData;
    }

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        await _input.FillAsync(IvfHeader.Size, cancellationToken).ConfigureAwait(false);
        if (_input.Available == 0)
        {
            throw IvfErrors.Invalid("not an IVF file: the stream is empty");
        }

        _header = IvfHeader.Parse(_input.Buffered[..Math.Min(_input.Available, IvfHeader.Size)]);
        switch (_header.FourCc)
        {
            case "AV01":
                Video = VideoMediaType.Av1();
                _av1 = new Av1TemporalUnitInspector();
                break;
            case "VP90":
                Video = VideoMediaType.Vp9();
                _vp9 = new Vp9SampleInspector();
                break;
            default:
                throw IvfErrors.Unsupported($"{IvfHeader.CodecName(_header.FourCc)} (FourCC {_header.FourCc} at offset 8) cannot be published over RTMP");
        }

        if (_header.HeaderLength > IvfHeader.MaxHeaderLength)
        {
            throw IvfErrors.Invalid($"the file header declares a header length of {_header.HeaderLength} bytes (offset 6), more than the limit of {IvfHeader.MaxHeaderLength}");
        }

        await _input.FillAsync(_header.HeaderLength, cancellationToken).ConfigureAwait(false);
        if (_input.Available < _header.HeaderLength)
        {
            throw IvfErrors.Invalid($"the stream ends at offset {_input.Available}, inside the {_header.HeaderLength}-byte file header");
        }

        _input.Consume(_header.HeaderLength);
    }

    /// <summary>A timestamp in time base units as a time, rounded down; clamped to a quarter of TimeSpan's range.</summary>
    private TimeSpan ToTime(long pts)
    {
        Int128 ticks = (Int128)pts * _header.TimeBaseNumerator * TimeSpan.TicksPerSecond;
        Int128 quotient = ticks / _header.TimeBaseDenominator;
        if (ticks % _header.TimeBaseDenominator < 0)
        {
            quotient--;
        }

        long limit = TimeSpan.MaxValue.Ticks / 4;
        return TimeSpan.FromTicks((long)Int128.Clamp(quotient, -limit, limit));
    }

    private bool IsKeyframe(ReadOnlySpan<byte> frame, long offset)
    {
        try
        {
            bool keyframe = _av1 is not null ? _av1.Inspect(frame).IsKeyframe : _vp9!.Inspect(frame).IsKeyframe;
            if (_unparsed.End() is int more and > 0)
            {
                Warn($"{more} more frames after it did not parse either");
            }

            return keyframe;
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            if (_unparsed.Add())
            {
                Warn($"the {IvfHeader.CodecName(_header.FourCc)} headers of the frame at offset {offset} do not parse ({e.Message}); it is not taken for a keyframe");
            }

            return false;
        }
    }

    private ReadStep Cut(string message)
    {
        Warn(message + "; the cut frame is dropped");
        return End();
    }

    private ReadStep End()
    {
        _ended = true;
        Current = default;
        return ReadStep.End;
    }

    private void Warn(string message) => _onWarning?.Invoke("IVF: " + message);
}
