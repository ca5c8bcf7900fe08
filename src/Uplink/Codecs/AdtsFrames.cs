namespace Uplink.Codecs;

/// <summary>A buffer of one or more concatenated ADTS frames.</summary>
internal static class AdtsFrames
{
    /// <summary>
    /// Enumerates the frames of <paramref name="data"/>. A lost sync word or a frame that runs past the end of the
    /// buffer throws <see cref="InvalidDataException"/> naming the offset while enumerating. A frame with several raw
    /// data blocks (<see cref="AdtsHeader.RawDataBlockCount"/> &gt; 1) is yielded whole, its block CRCs included.
    /// </summary>
    public static Enumerator Enumerate(ReadOnlySpan<byte> data) => new(data);

    /// <summary>Allocation-free enumerator over ADTS frames.</summary>
    internal ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _offset;

        internal Enumerator(ReadOnlySpan<byte> data)
        {
            _data = data;
            _offset = 0;
            Current = default;
        }

        /// <summary>The current frame.</summary>
        public AdtsFrame Current { get; private set; }

        /// <summary>Returns this enumerator, so that it works in <c>foreach</c>.</summary>
        public readonly Enumerator GetEnumerator() => this;

        /// <summary>Advances to the next frame.</summary>
        /// <exception cref="InvalidDataException">No valid ADTS header at the offset, or the frame overruns the buffer.</exception>
        public bool MoveNext()
        {
            if (_offset >= _data.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> rest = _data[_offset..];
            if (!AdtsHeader.TryParse(rest, out AdtsHeader header))
            {
                throw new InvalidDataException(rest.Length < 7
                    ? $"truncated ADTS header at offset {_offset} ({rest.Length} bytes left)"
                    : $"no valid ADTS header at offset {_offset} (sync lost)");
            }

            if (header.FrameLength > rest.Length)
            {
                throw new InvalidDataException(
                    $"ADTS frame at offset {_offset} declares {header.FrameLength} bytes but only {rest.Length} remain");
            }

            Current = new AdtsFrame(header, rest[header.HeaderLength..header.FrameLength]);
            _offset += header.FrameLength;
            return true;
        }
    }
}
