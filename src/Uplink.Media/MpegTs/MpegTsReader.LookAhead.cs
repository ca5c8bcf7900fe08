using Uplink.Media.MpegTs;

namespace Uplink.Media;

/// <summary>The look-ahead at open: the PAT, the PMTs and a PES start on each stream, then the tracks the reader lists.</summary>
public sealed partial class MpegTsReader
{
    private async ValueTask LookAheadAsync(CancellationToken cancellationToken)
    {
        _scanning = true;
        int scanned = 0;
        while (!LookAheadDone())
        {
            if (scanned >= LookAheadMaxBytes || _lookAheadTimedOut)
            {
                break;
            }

            if (_input.Available - scanned < _packetSize)
            {
                await _input.FillAsync(scanned + _packetSize, cancellationToken).ConfigureAwait(false);
                if (_input.Available - scanned < _packetSize)
                {
                    break;
                }
            }

            int index = _input.Start + scanned;
            if (_input.Array[index + _prefix] != SyncByte)
            {
                int found = PacketSync.Find(_input.Array.AsSpan(index, _input.End - index), _packetSize, _prefix, _input.EndOfStream, out int ruledOut);
                if (found < 0)
                {
                    scanned += ruledOut;
                    if (_input.EndOfStream)
                    {
                        break;
                    }

                    await _input.FillAsync(scanned + (SyncRepeats * _packetSize), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    scanned += found;
                }

                continue;
            }

            ProcessPacket(index, _input.StartOffset + scanned);
            scanned += _packetSize;
        }

        if (!_patSeen)
        {
            throw new InvalidDataException($"not an MPEG-TS stream: no PAT (program association table) in the first {scanned} bytes");
        }

        MpegTsProgram first = _programs[0];
        if (!first.Seen)
        {
            throw new InvalidDataException(
                $"MPEG-TS: no PMT (program map table) for program {first.Number} on PID {first.PmtPid} in the first {scanned} bytes");
        }

        SettleStreams();
        if (_streams.Length == 0)
        {
            throw new InvalidDataException($"MPEG-TS: program {first.Number} (PMT on PID {first.PmtPid}) has no H.264/HEVC video or AAC/AC-3/E-AC-3/MP3 audio stream");
        }

        // Read everything again from the start, now that the programs are known; same-version tables are not re-applied.
        _scanning = false;
        foreach ((_, _, _, string warning) in _allTracks ? _refused : [])
        {
            Warn(warning);
        }

        _refused.Clear();
        _patSection.Reset();
        foreach (MpegTsProgram program in _programs)
        {
            program.Section.Reset();
        }

        Array.Clear(_continuity);
    }

    /// <summary>True when the look-ahead has every program's PMT and a PES start on every stream.</summary>
    private bool LookAheadDone()
    {
        if (_programs.Count == 0)
        {
            return false;
        }

        foreach (MpegTsProgram program in _programs)
        {
            if (!program.Seen)
            {
                return false;
            }
        }

        foreach (MpegTsStream stream in _streamList)
        {
            if (!stream.StartSeen && stream.Refusal is null && stream.Pes.Pid >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// At the end of the look-ahead: drops the streams found unreadable (refusing a kind left with none), numbers the
    /// rest by kind in PMT order and fixes the tracks the reader lists.
    /// </summary>
    private void SettleStreams()
    {
        foreach (MpegTsStream stream in _streamList.Where(s => s.Refusal is not null).ToList())
        {
            _refused.Add((stream.Program, stream.Track, stream.Refusal!, stream.SkipWarning!));
            RemoveStream(stream);
        }

        foreach (MediaTrack kind in (ReadOnlySpan<MediaTrack>)[MediaTrack.Video, MediaTrack.Audio])
        {
            if (!_streamList.Any(s => s.Track == kind) && _refused.FirstOrDefault(r => r.Track == kind && r.Refusal.Length > 0) is { Refusal: { Length: > 0 } refusal })
            {
                _unsupported = refusal;
                throw new NotSupportedException(refusal);
            }
        }

        // The PMTs may come in any order: programs go in PAT order, each one's streams in its PMT's order.
        _streams = [.. _streamList.OrderBy(s => s.Program)];
        int videos = 0, audios = 0;
        foreach (MpegTsStream stream in _streams)
        {
            stream.Index = stream.Track == MediaTrack.Video ? videos++ : audios++;
        }

        _defaultVideo = _streams.FirstOrDefault(s => s.Track == MediaTrack.Video);
        _defaultAudio = _streams.FirstOrDefault(s => s.Track == MediaTrack.Audio);
        _videoTypes = [.. _streams.Where(s => s.Track == MediaTrack.Video).Select(s => VideoType(s.Kind))];
        _audioTypes = [.. _streams.Where(s => s.Track == MediaTrack.Audio).Select(s => AudioType(s.Kind))];
    }

    private void RemoveStream(MpegTsStream stream)
    {
        if (stream.Pes.Pid >= 0 && _streamByPid[stream.Pes.Pid] == stream)
        {
            _streamByPid[stream.Pes.Pid] = null;
        }

        _streamList.Remove(stream);
        stream.Dispose();
    }
}
