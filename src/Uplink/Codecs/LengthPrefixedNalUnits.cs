namespace Uplink.Codecs;

/// <summary>NAL units each prefixed by a 1-, 2- or 4-byte big-endian length (the AVCC / ISO 14496-15 sample format).</summary>
internal static class LengthPrefixedNalUnits
{
    /// <summary>
    /// Enumerates the NAL units of <paramref name="data"/>. Zero-length NAL units are skipped; a length that runs
    /// past the end of the buffer throws <see cref="InvalidDataException"/> while enumerating.
    /// </summary>
    /// <param name="data">The length-prefixed NAL units.</param>
    /// <param name="lengthSize">The size of each length prefix: 1, 2 or 4.</param>
    public static Enumerator Enumerate(ReadOnlySpan<byte> data, int lengthSize)
    {
        if (lengthSize is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthSize), lengthSize, "NAL length size must be 1, 2 or 4");
        }

        return new Enumerator(data, lengthSize);
    }

    /// <summary>Allocation-free enumerator over length-prefixed NAL units.</summary>
    internal ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly int _lengthSize;
        private int _offset;

        internal Enumerator(ReadOnlySpan<byte> data, int lengthSize)
        {
            _data = data;
            _lengthSize = lengthSize;
            _offset = 0;
            Current = default;
        }

        /// <summary>The current NAL unit, starting with its NAL header byte.</summary>
        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>Returns this enumerator, so that it works in <c>foreach</c>.</summary>
        public readonly Enumerator GetEnumerator() => this;

        /// <summary>Advances to the next non-empty NAL unit.</summary>
        /// <exception cref="InvalidDataException">A length prefix is truncated or overruns the buffer.</exception>
        public bool MoveNext()
        {
            while (_offset < _data.Length)
            {
                int remaining = _data.Length - _offset;
                if (remaining < _lengthSize)
                {
                    throw new InvalidDataException(
                        $"truncated {_lengthSize}-byte NAL length at offset {_offset} ({remaining} bytes left)");
                }

                uint length = 0;
                for (int i = 0; i < _lengthSize; i++)
                {
                    length = (length << 8) | _data[_offset + i];
                }

                if (length > (uint)(remaining - _lengthSize))
                {
                    throw new InvalidDataException(
                        $"NAL length {length} at offset {_offset} overruns the buffer ({remaining - _lengthSize} bytes follow)");
                }

                int start = _offset + _lengthSize;
                _offset = start + (int)length;
                if (length != 0)
                {
                    Current = _data.Slice(start, (int)length);
                    return true;
                }
            }

            return false;
        }
    }
}
