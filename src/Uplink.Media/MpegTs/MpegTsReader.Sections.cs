using Uplink.Codecs;
using Uplink.Media.MpegTs;

namespace Uplink.Media;

/// <summary>Program-specific information: the PAT and PMT sections that say which PIDs carry which streams.</summary>
public sealed partial class MpegTsReader
{
    private void FeedSection(SectionBuffer section, ReadOnlySpan<byte> payload, bool unitStart, long offset, int pid)
    {
        if (!unitStart)
        {
            if (section.IsCollecting)
            {
                CollectSection(section, payload, pid);
            }

            return;
        }

        int pointer = payload[0];
        if (pointer >= payload.Length)
        {
            Warn($"MPEG-TS: PSI packet at offset {offset} on PID {pid} has a pointer_field of {pointer}, past the packet's end; skipped");
            section.Reset();
            return;
        }

        if (section.IsCollecting)
        {
            CollectSection(section, payload.Slice(1, pointer), pid);
            if (section.IsCollecting)
            {
                section.Reset(); // the previous section was cut short: its remaining bytes were lost
            }
        }

        ReadOnlySpan<byte> rest = payload[(1 + pointer)..];
        while (!rest.IsEmpty && rest[0] != 0xFF)
        {
            section.Length = 0;
            section.IsCollecting = true;
            section.StartOffset = offset;
            int used = CollectSection(section, rest, pid);
            if (section.IsCollecting)
            {
                return; // continues in the next packet
            }

            rest = rest[used..];
        }
    }

    /// <summary>Appends to the section in progress and handles it when complete; returns how many bytes it used.</summary>
    private int CollectSection(SectionBuffer section, ReadOnlySpan<byte> data, int pid)
    {
        int used = 0;
        while (section.IsCollecting && used < data.Length)
        {
            int needed = section.Needed;
            if (needed > SectionBuffer.MaxSectionSize)
            {
                section.Reset();
                return data.Length;
            }

            int take = Math.Min(needed - section.Length, data.Length - used);
            data.Slice(used, take).CopyTo(section.Data.AsSpan(section.Length));
            section.Length += take;
            used += take;
            if (section.Length >= 3 && section.Length == section.Needed)
            {
                section.IsCollecting = false;
                if (section.Length > 3)
                {
                    HandleSection(section.Data.AsSpan(0, section.Length), section.StartOffset, pid);
                }
            }
        }

        return used;
    }

    private void HandleSection(ReadOnlySpan<byte> section, long offset, int pid)
    {
        byte tableId = section[0];
        bool isPat = pid == PatPid && tableId == 0x00;
        bool isPmt = pid != PatPid && tableId == 0x02 && ProgramOnPid(pid) is not null;
        if (!isPat && !isPmt)
        {
            return;
        }

        if (section.Length < 16 || (section[1] & 0x80) == 0 || (section[5] & 0x01) == 0)
        {
            return; // too short to hold a table, no section syntax, or not yet applicable
        }

        if (MpegTsCrc32.Compute(section) != 0)
        {
            Warn($"MPEG-TS: {(isPat ? "PAT" : "PMT")} section in the packet at offset {offset} on PID {pid} fails its CRC-32; ignored");
            return;
        }

        int version = (section[5] >> 1) & 0x1F;
        ReadOnlySpan<byte> body = section[8..^4];
        if (isPat)
        {
            HandlePat(body, version);
            return;
        }

        int number = (section[3] << 8) | section[4];
        for (int slot = 0; slot < _programs.Count; slot++)
        {
            MpegTsProgram program = _programs[slot];
            if (program.PmtPid == pid && program.Number == number && !(program.Seen && version == program.Version))
            {
                HandlePmt(slot, section, version, offset);
            }
        }
    }

    /// <summary>
    /// Takes the programs the PAT lists, in its order: the first (the NIT aside), or with AllTracks each of them (at most
    /// <see cref="MaxPrograms"/>). After the look-ahead no program is added; one whose number or PMT PID changes is read
    /// again from its next PMT, its streams following it.
    /// </summary>
    private void HandlePat(ReadOnlySpan<byte> programs, int version)
    {
        if (_patSeen && version == _patVersion)
        {
            return;
        }

        int slot = 0;
        for (int i = 0; i + 4 <= programs.Length; i += 4)
        {
            int number = (programs[i] << 8) | programs[i + 1];
            int pid = ((programs[i + 2] & 0x1F) << 8) | programs[i + 3];
            if (number == 0)
            {
                continue; // the network information table
            }

            _patSeen = true;
            _patVersion = version;
            if (slot == _programs.Count)
            {
                if (!_scanning || slot >= MaxPrograms)
                {
                    break;
                }

                _programs.Add(new MpegTsProgram());
            }

            MpegTsProgram program = _programs[slot];
            if (number != program.Number || pid != program.PmtPid)
            {
                program.Number = number;
                program.PmtPid = pid;
                program.Version = -1;
                program.Section.Reset();
                _continuity[pid] = 0;
            }

            slot++;
            if (!_allTracks)
            {
                return;
            }
        }
    }

    private void HandlePmt(int slot, ReadOnlySpan<byte> section, int version, long offset)
    {
        int end = section.Length - 4;
        int position = 12 + (((section[10] & 0x0F) << 8) | section[11]);
        if (position > end)
        {
            Warn($"MPEG-TS: PMT in the packet at offset {offset}: program_info_length runs past the section; ignored");
            return;
        }

        var entries = new List<PmtEntry>();
        while (position + 5 <= end)
        {
            byte streamType = section[position];
            int pid = ((section[position + 1] & 0x1F) << 8) | section[position + 2];
            int infoLength = ((section[position + 3] & 0x0F) << 8) | section[position + 4];
            if (infoLength > end - position - 5)
            {
                Warn($"MPEG-TS: PMT in the packet at offset {offset}: the descriptors of PID {pid} run past the section; ignored");
                return;
            }

            MpegTsStreamKind kind = MpegTsStreamTypes.Classify(streamType, section.Slice(position + 5, infoLength), out string? name);
            entries.Add(new PmtEntry(streamType, pid, kind, name));
            position += 5 + infoLength;
        }

        if (_scanning)
        {
            AddStreams(slot, entries);
        }
        else
        {
            FollowStreams(slot, entries);
        }

        _programs[slot].Seen = true;
        _programs[slot].Version = version;
    }

    /// <summary>
    /// In the look-ahead: makes the program's streams those its PMT lists (the first video and audio of the first program
    /// without AllTracks); an unsupported stream is noted, refused later if its kind has no other stream. A newer PMT
    /// version moves the streams already found to the PIDs (and codecs) it lists, or stops them; they stay announced.
    /// </summary>
    private void AddStreams(int slot, List<PmtEntry> entries)
    {
        var claimed = new bool[entries.Count];
        var moves = new List<(MpegTsStream Stream, int Pid)>();
        foreach (MpegTsStream stream in _streamList)
        {
            if (stream.Program != slot)
            {
                continue;
            }

            int match = FindEntry(entries, claimed, stream, static (stream, kind) => stream.Track == MediaTrack.Video ? MpegTsStreamTypes.IsReadVideo(kind) : MpegTsStreamTypes.IsReadAudio(kind));
            if (match < 0)
            {
                moves.Add((stream, -1));
                continue;
            }

            claimed[match] = true;
            PmtEntry entry = entries[match];
            if (entry.Pid != stream.Pes.Pid)
            {
                moves.Add((stream, entry.Pid));
            }

            // Keeps MP3 found by CheckMpegAudioLayer when a repeated PMT lists the same MPEG audio stream.
            if (!(entry.Pid == stream.Pes.Pid && SameAudioCodec(entry.Kind, stream.Kind)))
            {
                stream.Kind = entry.Kind;
                stream.StreamType = entry.StreamType;
            }
        }

        Retarget(moves);
        _refused.RemoveAll(r => r.Program == slot);
        for (int i = 0; i < entries.Count; i++)
        {
            if (claimed[i])
            {
                continue;
            }

            PmtEntry entry = entries[i];
            bool isVideo = MpegTsStreamTypes.IsReadVideo(entry.Kind) || entry.Kind == MpegTsStreamKind.UnsupportedVideo;
            bool isAudio = MpegTsStreamTypes.IsReadAudio(entry.Kind) || entry.Kind == MpegTsStreamKind.UnsupportedAudio;
            if (!isVideo && !isAudio)
            {
                continue;
            }

            MediaTrack track = isVideo ? MediaTrack.Video : MediaTrack.Audio;
            string noun = isVideo ? "video" : "audio";
            if (!_allTracks && slot > 0)
            {
                continue;
            }

            if (entry.Kind is MpegTsStreamKind.UnsupportedVideo or MpegTsStreamKind.UnsupportedAudio)
            {
                _refused.Add((slot, track, Describe(entry.Name, entry.StreamType, entry.Pid, noun), DescribeSkip(entry.Name, entry.StreamType, entry.Pid, noun)));
                continue;
            }

            if ((!_allTracks && _streamList.Any(s => s.Track == track)) || _streamByPid[entry.Pid] is not null)
            {
                continue;
            }

            if (_streamList.Count >= MaxStreams)
            {
                _refused.Add((slot, track, "", $"MPEG-TS: {noun} on PID {entry.Pid} is skipped: the reader reads at most {MaxStreams} streams"));
                continue;
            }

            var stream = new MpegTsStream(slot, track, entry.Kind, entry.StreamType, _maxPesSize);
            stream.Pes.Reset(entry.Pid);
            _streamByPid[entry.Pid] = stream;
            _streamList.Add(stream);
            ClearContinuity(entry.Pid);
        }
    }

    /// <summary>
    /// After the look-ahead, a new PMT version: each stream of the program follows the PID that now carries its codec
    /// (its own PID when it still does, else the first free one), or stops when none does. A stream kind the program
    /// did not have at open is ignored; a PMT that leaves a stream only a stream in another codec (or one RTMP cannot
    /// carry) is refused, as the media type is fixed once publishing started.
    /// </summary>
    private void FollowStreams(int slot, List<PmtEntry> entries)
    {
        var claimed = new bool[entries.Count];
        var moves = new List<(MpegTsStream Stream, int Pid)>();
        foreach (MpegTsStream stream in _streams)
        {
            if (stream.Program != slot)
            {
                continue;
            }

            int match = FindEntry(entries, claimed, stream, Compatible);
            if (match < 0)
            {
                // Only a free entry can have taken the stream's place: one another stream of the program kept is no switch.
                string noun = stream.Track == MediaTrack.Video ? "video" : "audio";
                for (int i = 0; i < entries.Count; i++)
                {
                    PmtEntry entry = entries[i];
                    bool sameClass = stream.Track == MediaTrack.Video
                        ? MpegTsStreamTypes.IsReadVideo(entry.Kind) || entry.Kind == MpegTsStreamKind.UnsupportedVideo
                        : MpegTsStreamTypes.IsReadAudio(entry.Kind) || entry.Kind == MpegTsStreamKind.UnsupportedAudio;
                    if (sameClass && !claimed[i])
                    {
                        _unsupported = entry.Kind is MpegTsStreamKind.UnsupportedVideo or MpegTsStreamKind.UnsupportedAudio
                            ? Describe(entry.Name, entry.StreamType, entry.Pid, noun)
                            : DescribeSwitch(entry.Name, entry.StreamType, entry.Pid, noun, stream.Kind);
                        throw new NotSupportedException(_unsupported);
                    }
                }

                moves.Add((stream, -1));
                continue;
            }

            claimed[match] = true;
            if (entries[match].Pid != stream.Pes.Pid)
            {
                moves.Add((stream, entries[match].Pid));
            }
        }

        Retarget(moves);
    }

    /// <summary>The entry <paramref name="stream"/> goes on with: its own PID if it fits, else the first free one that fits; -1 when none.</summary>
    private static int FindEntry(List<PmtEntry> entries, bool[] claimed, MpegTsStream stream, Func<MpegTsStream, MpegTsStreamKind, bool> fits)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < entries.Count; i++)
            {
                if (!claimed[i] && (pass == 1 || entries[i].Pid == stream.Pes.Pid) && fits(stream, entries[i].Kind))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Moves streams to new PIDs (-1: stopped), all unmapped first so two streams may swap.</summary>
    private void Retarget(List<(MpegTsStream Stream, int Pid)> moves)
    {
        foreach ((MpegTsStream stream, _) in moves)
        {
            if (stream.Pes.Pid >= 0 && _streamByPid[stream.Pes.Pid] == stream)
            {
                _streamByPid[stream.Pes.Pid] = null;
            }
        }

        foreach ((MpegTsStream stream, int pid) in moves)
        {
            stream.Pes.Reset(pid);
            stream.StartSeen = false;
            if (pid >= 0)
            {
                _streamByPid[pid] = stream;
                ClearContinuity(pid);
            }
        }
    }

    private static bool Compatible(MpegTsStream stream, MpegTsStreamKind kind) => stream.Track == MediaTrack.Video
        ? MpegTsStreamTypes.IsReadVideo(kind) && kind == stream.Kind
        : MpegTsStreamTypes.IsReadAudio(kind) && SameAudioCodec(kind, stream.Kind);

    private static string DescribeSkip(string? name, byte streamType, int pid, string kind) =>
        $"MPEG-TS: {kind} on PID {pid} is {name} (stream type 0x{streamType:X2}), which RTMP cannot carry; the stream is skipped";

    /// <summary>One stream a PMT lists.</summary>
    private readonly record struct PmtEntry(byte StreamType, int Pid, MpegTsStreamKind Kind, string? Name);

    private static string Describe(string? name, byte streamType, int pid, string kind) =>
        $"MPEG-TS: {kind} on PID {pid} is {name} (stream type 0x{streamType:X2}), which RTMP cannot carry: {SupportedCodecs}";

    private static string DescribeSwitch(string? name, byte streamType, int pid, string kind, MpegTsStreamKind began) =>
        $"MPEG-TS: {kind} on PID {pid} is {name} (stream type 0x{streamType:X2}), but the stream began in {CodecName(began)}: a new PMT cannot switch the codec while publishing";

    private static string CodecName(MpegTsStreamKind kind) => kind switch
    {
        MpegTsStreamKind.H264 => "H.264",
        MpegTsStreamKind.Hevc => "HEVC",
        MpegTsStreamKind.AacAdts => "AAC",
        MpegTsStreamKind.Ac3 => "AC-3",
        MpegTsStreamKind.Eac3 => "E-AC-3",
        _ => "MP3",
    };

    /// <summary>MPEG audio whose layer was not yet checked counts as the MP3 it was found (or assumed) to be.</summary>
    private static bool SameAudioCodec(MpegTsStreamKind kind, MpegTsStreamKind began) =>
        kind == began || (kind is MpegTsStreamKind.MpegAudio or MpegTsStreamKind.Mp3 && began is MpegTsStreamKind.MpegAudio or MpegTsStreamKind.Mp3);
}
