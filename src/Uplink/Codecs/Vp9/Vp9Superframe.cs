namespace Uplink.Codecs.Vp9;

/// <summary>
/// VP9 superframes (VP9 bitstream specification, Annex B): several frames in one sample, usually a hidden alt-ref frame
/// and the shown frame after it, with an index of their sizes at the end. A sample without a valid index is one frame,
/// as libvpx reads it.
/// </summary>
internal static class Vp9Superframe
{
    /// <summary>The most frames a superframe index lists.</summary>
    public const int MaxFrames = 8;

    /// <summary>
    /// Reads the superframe index at the end of <paramref name="sample"/>, if there is one: its last byte is a marker
    /// (0b110xxxxx) repeated as the first byte of the index. Returns the number of frames it lists, or 0 without one.
    /// </summary>
    /// <param name="sample">The sample.</param>
    /// <param name="indexSize">The size of the index, 0 without one.</param>
    public static int ReadIndex(ReadOnlySpan<byte> sample, out int indexSize)
    {
        indexSize = 0;
        if (sample.IsEmpty)
        {
            return 0;
        }

        byte marker = sample[^1];
        if ((marker & 0xE0) != 0xC0)
        {
            return 0;
        }

        int frames = (marker & 0x07) + 1;
        int bytesPerSize = ((marker >> 3) & 0x03) + 1;
        int size = 2 + (bytesPerSize * frames);
        if (sample.Length < size || sample[^size] != marker)
        {
            return 0;
        }

        indexSize = size;
        return frames;
    }

    /// <summary>Enumerates the frames of a sample: the frames a superframe index lists, or the whole sample.</summary>
    /// <exception cref="InvalidDataException">The sample is empty, or the index lists a frame of size 0 or past the end.</exception>
    public static FrameEnumerator EnumerateFrames(ReadOnlySpan<byte> sample) => new(sample);

    /// <summary>Allocation-free enumerator over the frames of a sample.</summary>
    internal ref struct FrameEnumerator
    {
        private readonly ReadOnlySpan<byte> _sample;
        private readonly int _frames;
        private readonly int _indexSize;
        private readonly int _bytesPerSize;
        private int _next;
        private int _offset;

        internal FrameEnumerator(ReadOnlySpan<byte> sample)
        {
            if (sample.IsEmpty)
            {
                throw new InvalidDataException("VP9 sample is empty");
            }

            _sample = sample;
            _frames = ReadIndex(sample, out _indexSize);
            _bytesPerSize = _frames == 0 ? 0 : ((sample[^1] >> 3) & 0x03) + 1;
            _next = 0;
            _offset = 0;
            Current = default;
        }

        /// <summary>The current frame.</summary>
        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>The number of frames: those the index lists, or 1 without an index.</summary>
        public readonly int Count => _frames == 0 ? 1 : _frames;

        /// <summary>True when the sample carries a superframe index.</summary>
        public readonly bool IsSuperframe => _frames != 0;

        /// <summary>Returns this enumerator, so that it works in <c>foreach</c>.</summary>
        public readonly FrameEnumerator GetEnumerator() => this;

        /// <summary>Advances to the next frame.</summary>
        /// <exception cref="InvalidDataException">The index lists a frame of size 0 or one that runs into the index.</exception>
        public bool MoveNext()
        {
            if (_frames == 0)
            {
                if (_next++ > 0)
                {
                    return false;
                }

                Current = _sample;
                return true;
            }

            if (_next >= _frames)
            {
                return false;
            }

            int entry = _sample.Length - _indexSize + 1 + (_next * _bytesPerSize);
            uint size = 0;
            for (int i = _bytesPerSize - 1; i >= 0; i--)
            {
                size = (size << 8) | _sample[entry + i];
            }

            int available = _sample.Length - _indexSize - _offset;
            if (size == 0 || size > (uint)available)
            {
                throw new InvalidDataException(
                    $"VP9 superframe index at offset {_sample.Length - _indexSize} gives frame {_next + 1} of {_frames} size {size}, " +
                    $"but {available} bytes are left before the index at offset {_offset}");
            }

            Current = _sample.Slice(_offset, (int)size);
            _offset += (int)size;
            _next++;
            return true;
        }
    }
}
