using Uplink.Codecs;

namespace Uplink.Media.Elementary;

/// <summary>
/// Reads an AAC ADTS stream one frame at a time: each frame whole, header included, timed by the samples before it.
/// </summary>
/// <remarks>
/// The first frame, and the first after lost sync, is accepted only when a header with the same profile and sample
/// rate follows it (or the stream ends exactly where it ends); after that each frame follows the last. A frame whose
/// header is broken loses sync: the reader skips to the next confirmed header and reports the offsets.
/// </remarks>
internal sealed class AdtsFrameSource : ElementaryStreamSource
{
    private const int HeaderLength = 7;
    private const int SearchLimit = 1024 * 1024;
    private const int SamplesPerBlock = 1024;

    private bool _synced;
    private bool _finished;
    private long _lostAt;
    private long _skipped;
    private int _sampleRate;
    private long _samples;
    private long _baseTicks;

    public AdtsFrameSource(Stream stream, bool leaveOpen, Action<string>? onWarning)
        : base(stream, leaveOpen, onWarning)
    {
    }

    protected override ReadStep TryReadBuffered()
    {
        while (!_finished)
        {
            int held = End - Start;
            if (held < HeaderLength)
            {
                if (!EndOfStream)
                {
                    return ReadStep.NeedMoreData;
                }

                Finish(held, "inside an ADTS header");
                return ReadStep.End;
            }

            ReadOnlySpan<byte> data = Buffer.AsSpan(Start, held);
            if (!AdtsHeader.TryParse(data, out AdtsHeader header))
            {
                LoseSync();
                Skip(data);
                continue;
            }

            int length = header.FrameLength;
            if (_synced)
            {
                if (held < length)
                {
                    if (!EndOfStream)
                    {
                        return ReadStep.NeedMoreData;
                    }

                    Finish(held, $"inside the frame, {held} of its {length} bytes");
                    return ReadStep.End;
                }

                Emit(header, length);
                return ReadStep.Frame;
            }

            // Looking for sync: a header counts only when the next one confirms it.
            if (held < length + HeaderLength)
            {
                if (!EndOfStream)
                {
                    return ReadStep.NeedMoreData;
                }

                if (held != length)
                {
                    Skip(data);
                    continue;
                }
            }
            else if (!AdtsHeader.TryParse(data[length..], out AdtsHeader next)
                || next.SamplingFrequencyIndex != header.SamplingFrequencyIndex
                || next.Profile != header.Profile)
            {
                Skip(data);
                continue;
            }

            if (_skipped > 0)
            {
                Warn(FramesRead == 0
                    ? $"AAC ADTS: skipped {_skipped} bytes before the first frame header at offset {OffsetOf(Start)}"
                    : $"AAC ADTS: lost sync at offset {_lostAt}: skipped {_skipped} bytes to the next frame header at offset {OffsetOf(Start)}");
            }

            _synced = true;
            _skipped = 0;
            Emit(header, length);
            return ReadStep.Frame;
        }

        return ReadStep.End;
    }

    protected override void OnShifted(int by)
    {
    }

    private static long Ticks(long samples, int sampleRate) => (long)((Int128)samples * TimeSpan.TicksPerSecond / sampleRate);

    private void Emit(in AdtsHeader header, int length)
    {
        int rate = header.SampleRate;
        if (rate != _sampleRate)
        {
            if (_sampleRate != 0)
            {
                _baseTicks += Ticks(_samples, _sampleRate);
            }

            _samples = 0;
            _sampleRate = rate;
        }

        var time = TimeSpan.FromTicks(_baseTicks + Ticks(_samples, rate));
        Frame = new MediaFrame(MediaTrack.Audio, time, time, true, false, new ReadOnlyMemory<byte>(Buffer, Start, length));
        _samples += SamplesPerBlock * (long)header.RawDataBlockCount;

        // The frame's bytes stay in place until the next read from the stream.
        ReleaseBefore(Start + length);
    }

    private void LoseSync()
    {
        if (_synced)
        {
            _synced = false;
            _lostAt = OffsetOf(Start);
            _skipped = 0;
        }
    }

    /// <summary>Skips to the next 0xFF byte after the first (the next possible sync word).</summary>
    private void Skip(ReadOnlySpan<byte> data)
    {
        int next = data[1..].IndexOf((byte)0xFF);
        int skip = next < 0 ? data.Length : next + 1;
        _skipped += skip;
        ReleaseBefore(Start + skip);
        if (FramesRead == 0 && _skipped > SearchLimit)
        {
            throw NotAdts();
        }
    }

    private void Finish(int held, string where)
    {
        _finished = true;
        if (FramesRead == 0)
        {
            throw NotAdts(held);
        }

        if (held > 0 && _synced)
        {
            Warn($"AAC ADTS: the stream ends {where} at offset {OffsetOf(Start)}: the partial frame is dropped");
        }
        else if (!_synced)
        {
            Warn($"AAC ADTS: lost sync at offset {_lostAt}: no further frame header in the {_skipped + held} bytes to the end");
        }

        ReleaseBefore(End);
    }

    private InvalidDataException NotAdts(int held = 0)
    {
        long examined = _skipped + held;
        return new InvalidDataException(examined == 0
            ? "not an AAC ADTS stream: the stream is empty"
            : $"not an AAC ADTS stream: no ADTS frame header in the first {examined} bytes");
    }
}
