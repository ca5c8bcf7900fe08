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
        bool isPmt = pid == _pmtPid && tableId == 0x02;
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
        }
        else
        {
            HandlePmt(section, version, offset);
        }
    }

    private void HandlePat(ReadOnlySpan<byte> programs, int version)
    {
        if (_patSeen && version == _patVersion)
        {
            return;
        }

        for (int i = 0; i + 4 <= programs.Length; i += 4)
        {
            int program = (programs[i] << 8) | programs[i + 1];
            int pid = ((programs[i + 2] & 0x1F) << 8) | programs[i + 3];
            if (program == 0)
            {
                continue; // the network information table
            }

            _patSeen = true;
            _patVersion = version;
            if (program != _programNumber || pid != _pmtPid)
            {
                _programNumber = program;
                _pmtPid = pid;
                _pmtVersion = -1;
                _pmtSection.Reset();
                _continuity[pid] = 0;
            }

            return;
        }
    }

    private void HandlePmt(ReadOnlySpan<byte> section, int version, long offset)
    {
        int program = (section[3] << 8) | section[4];
        if (program != _programNumber || (_pmtSeen && version == _pmtVersion))
        {
            return;
        }

        int end = section.Length - 4;
        int position = 12 + (((section[10] & 0x0F) << 8) | section[11]);
        if (position > end)
        {
            Warn($"MPEG-TS: PMT in the packet at offset {offset}: program_info_length runs past the section; ignored");
            return;
        }

        int videoPid = -1, audioPid = -1;
        MpegTsStreamKind videoKind = MpegTsStreamKind.Ignored, audioKind = MpegTsStreamKind.Ignored;
        byte audioStreamType = 0;
        string? unsupportedVideo = null, unsupportedAudio = null;
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
            if (MpegTsStreamTypes.IsReadVideo(kind))
            {
                // After the look-ahead the media type is fixed: a stream in another codec cannot take over.
                if (!_scanning && _hasVideo && kind != _videoKind)
                {
                    unsupportedVideo ??= DescribeSwitch(name, streamType, pid, "video", _videoKind);
                }
                else if (videoPid < 0)
                {
                    videoPid = pid;
                    videoKind = kind;
                }
            }
            else if (MpegTsStreamTypes.IsReadAudio(kind))
            {
                if (!_scanning && _hasAudio && !SameAudioCodec(kind, _audioKind))
                {
                    unsupportedAudio ??= DescribeSwitch(name, streamType, pid, "audio", _audioKind);
                }
                else if (audioPid < 0)
                {
                    audioPid = pid;
                    audioKind = kind;
                    audioStreamType = streamType;
                }
            }
            else if (kind == MpegTsStreamKind.UnsupportedVideo)
            {
                unsupportedVideo ??= Describe(name, streamType, pid, "video");
            }
            else if (kind == MpegTsStreamKind.UnsupportedAudio)
            {
                unsupportedAudio ??= Describe(name, streamType, pid, "audio");
            }

            position += 5 + infoLength;
        }

        if (!_scanning)
        {
            videoPid = _hasVideo ? videoPid : -1;
            audioPid = _hasAudio ? audioPid : -1;
            unsupportedVideo = _hasVideo ? unsupportedVideo : null;
            unsupportedAudio = _hasAudio ? unsupportedAudio : null;
        }
        else
        {
            _videoKind = videoPid >= 0 ? videoKind : _videoKind;

            // Keeps MP3 found by CheckMpegAudioLayer when a repeated PMT lists the same MPEG audio stream.
            if (audioPid >= 0 && !(audioPid == _audio.Pid && SameAudioCodec(audioKind, _audioKind)))
            {
                _audioKind = audioKind;
                _audioStreamType = audioStreamType;
            }
        }

        _unsupported = videoPid < 0 && unsupportedVideo is not null ? unsupportedVideo
            : audioPid < 0 && unsupportedAudio is not null ? unsupportedAudio
            : null;
        if (_unsupported is not null)
        {
            throw new NotSupportedException(_unsupported);
        }

        _pmtSeen = true;
        _pmtVersion = version;
        if (videoPid != _video.Pid)
        {
            _video.Reset(videoPid);
            _videoStartSeen = false;
            ClearContinuity(videoPid);
        }

        if (audioPid != _audio.Pid)
        {
            _audio.Reset(audioPid);
            _audioStartSeen = false;
            ClearContinuity(audioPid);
        }

        if (_scanning)
        {
            _hasVideo |= videoPid >= 0;
            _hasAudio |= audioPid >= 0;
        }
    }

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
