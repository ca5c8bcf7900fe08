using System.Buffers.Binary;
using Uplink.Media.Mp4;

namespace Uplink.Media;

/// <summary>Finding the index: the top-level boxes up to <c>moov</c> (index first or last, skipping or seeking past <c>mdat</c>), and the movie it describes.</summary>
public sealed partial class Mp4Reader
{
    /// <summary>Reads boxes up to and including the moov, then positions the reader at the media.</summary>
    private async ValueTask ReadIndexAsync(CancellationToken cancellationToken)
    {
        long streamLength = _canSeek ? _stream.Length - _origin : long.MaxValue;
        long offset = 0;
        long firstMdat = -1;
        while (true)
        {
            await SkipToAsync(offset, cancellationToken).ConfigureAwait(false);
            await _input.FillAsync(BoxHeaderSize, cancellationToken).ConfigureAwait(false);
            int available = _input.Available;
            if (available == 0)
            {
                throw offset == 0
                    ? Mp4Errors.Invalid("not an MP4/MOV file: the stream is empty")
                    : Mp4Errors.Invalid($"no moov box (the file's index) in the {offset} bytes of the stream");
            }

            if (available < BoxHeaderSize)
            {
                throw Mp4Errors.Invalid($"the stream ends at offset {offset + available}, inside the header of the box at offset {offset}");
            }

            uint type = Mp4FourCc.Read(_input.Array.AsSpan(_input.Start + 4));
            if (offset == 0 && !Mp4FourCc.IsKnownTopLevel(type))
            {
                throw Mp4Errors.Invalid($"not an MP4/MOV file: the first box at offset 0 has type '{Mp4FourCc.Name(type)}' (expected ftyp, moov, mdat, free …)");
            }

            if (BinaryPrimitives.ReadUInt32BigEndian(_input.Buffered) == 1)
            {
                await _input.FillAsync(LargeBoxHeaderSize, cancellationToken).ConfigureAwait(false);
                available = _input.Available;
                if (available < LargeBoxHeaderSize)
                {
                    throw Mp4Errors.Invalid($"the stream ends at offset {offset + available}, inside the header of the box at offset {offset}");
                }
            }

            ReadBoxHeader(_input.Buffered, offset, out type, out int headerSize, out long boxEnd);
            if (boxEnd == long.MaxValue && _canSeek)
            {
                boxEnd = Math.Max(streamLength, offset + headerSize);
            }

            if (boxEnd > streamLength)
            {
                throw Mp4Errors.Invalid($"box '{Mp4FourCc.Name(type)}' at offset {offset} claims {boxEnd - offset} bytes, more than the {streamLength - offset} left in the stream");
            }

            switch (type)
            {
                case Mp4FourCc.Moov:
                    await ReadMovieAsync(offset, boxEnd, cancellationToken).ConfigureAwait(false);
                    _state = ReaderState.BoxHeader;
                    _boxOffset = firstMdat >= 0 ? firstMdat : boxEnd;
                    return;
                case Mp4FourCc.Mdat when boxEnd - offset > headerSize:
                    if (!_canSeek)
                    {
                        throw Mp4Errors.Invalid($"this file cannot be read from a pipe: its index (moov) comes after the media (mdat at offset {offset}); on a pipe use -movflags +faststart or fragmented MP4");
                    }

                    if (firstMdat < 0)
                    {
                        firstMdat = offset;
                    }

                    break;
                case Mp4FourCc.Moof:
                    throw Mp4Errors.Invalid($"box 'moof' at offset {offset} comes before the moov box");
            }

            if (boxEnd == long.MaxValue)
            {
                throw Mp4Errors.Invalid($"no moov box (the file's index): the box '{Mp4FourCc.Name(type)}' at offset {offset} runs to the end of the stream");
            }

            offset = boxEnd;
        }
    }

    private async ValueTask ReadMovieAsync(long offset, long boxEnd, CancellationToken cancellationToken)
    {
        long size = boxEnd - offset;
        if (boxEnd == long.MaxValue || size > MaxIndexBoxSize)
        {
            throw Mp4Errors.Invalid($"box 'moov' at offset {offset} claims {(boxEnd == long.MaxValue ? "the rest of the stream" : $"{size} bytes")}, more than the limit of {MaxIndexBoxSize}");
        }

        await _input.FillAsync((int)size, cancellationToken).ConfigureAwait(false);
        if (_input.Available < size)
        {
            throw Mp4Errors.Invalid($"the stream ends at offset {offset + _input.Available}, inside the moov box at offset {offset} ({size} bytes)");
        }

        byte[] moov = _input.Array.AsSpan(_input.Start, (int)size).ToArray();
        _input.Consume((int)size);
        Mp4Movie movie = Mp4Movie.Parse(moov, offset, _onWarning, _allTracks);
        _tracks = movie.Tracks;
        _peeked = new bool[_tracks.Length];
        _hasNext = new bool[_tracks.Length];
        _next = new Mp4Sample[_tracks.Length];
        _fragmented = movie.IsFragmented;
        Duration = movie.Duration;
        _videoTypes = [.. movie.VideoTracks.Select(Mp4MediaTypes.Video)];
        _audioTypes = [.. movie.AudioTracks.Select(Mp4MediaTypes.Audio)];
        Video = _videoTypes.Count > 0 ? _videoTypes[0] : null;
        Audio = _audioTypes.Count > 0 ? _audioTypes[0] : null;
    }

    /// <summary>Reads a box header (8 or 16 bytes buffered); <paramref name="boxEnd"/> is long.MaxValue for a box that runs to the end.</summary>
    private static void ReadBoxHeader(ReadOnlySpan<byte> header, long offset, out uint type, out int headerSize, out long boxEnd)
    {
        ulong size = BinaryPrimitives.ReadUInt32BigEndian(header);
        type = Mp4FourCc.Read(header[4..]);
        headerSize = BoxHeaderSize;
        if (size == 1)
        {
            size = BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
            headerSize = LargeBoxHeaderSize;
        }
        else if (size == 0)
        {
            boxEnd = long.MaxValue;
            return;
        }

        if (size < (ulong)headerSize || size > long.MaxValue / 2)
        {
            throw Mp4Errors.Invalid($"box '{Mp4FourCc.Name(type)}' at offset {offset} claims {size} bytes{(size < (ulong)headerSize ? $", less than its {headerSize}-byte header" : "")}");
        }

        boxEnd = offset + (long)size;
    }

    /// <summary>
    /// Moves the read position forward to <paramref name="target"/>: drops buffered bytes, seeks on a seekable
    /// stream, or empties the buffer and asks for more on a pipe.
    /// </summary>
    private SkipResult TrySkipTo(long target)
    {
        long ahead = target - _input.StartOffset;
        int available = _input.Available;
        if (ahead >= 0 && ahead <= available)
        {
            _input.Consume((int)ahead);
            return SkipResult.Reached;
        }

        if (_canSeek)
        {
            if (target >= _stream.Length - _origin)
            {
                _input.Reposition(target, endOfStream: true);
                return SkipResult.EndOfStream;
            }

            _input.Reposition(target, endOfStream: false);
            _stream.Seek(_origin + target, SeekOrigin.Begin);
            return SkipResult.Reached;
        }

        if (ahead < 0)
        {
            throw Mp4Errors.Invalid($"offset {target} lies before offset {_input.StartOffset}, already read from a stream that cannot seek");
        }

        _input.Consume(available);
        return _input.EndOfStream ? SkipResult.EndOfStream : SkipResult.NeedMoreData;
    }

    private async ValueTask SkipToAsync(long target, CancellationToken cancellationToken)
    {
        while (TrySkipTo(target) == SkipResult.NeedMoreData)
        {
            _input.MakeRoom(1);
            _input.CompleteRead(await _input.StartRead(cancellationToken).ConfigureAwait(false));
        }
    }
}
