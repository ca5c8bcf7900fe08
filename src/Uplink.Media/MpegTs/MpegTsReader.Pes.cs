using Uplink.Codecs;
using Uplink.Media.MpegTs;

namespace Uplink.Media;

/// <summary>PES packets into frames: headers and timestamps, video access units, ADTS frames, whole-PES audio, drops with a warning.</summary>
public sealed partial class MpegTsReader
{
    private static long ToTicks(long value90kHz) => ((value90kHz * 1000) + 4) / 9;

    private static long ReadTimestamp(ReadOnlySpan<byte> b) =>
        ((long)(b[0] >> 1 & 0x07) << 30) | ((long)b[1] << 22) | ((long)(b[2] >> 1) << 15) | ((long)b[3] << 7) | ((long)b[4] >> 1);

    private const int HevcFirstIrap = 16; // BLA_W_LP
    private const int HevcLastIrap = 21; // CRA_NUT; 22 and 23 are reserved
    private const int HevcFirstNonVcl = 32;

    private static bool IsKeyframe(MpegTsStreamKind kind, ReadOnlySpan<byte> accessUnit) =>
        kind == MpegTsStreamKind.Hevc ? IsHevcKeyframe(accessUnit) : IsH264Keyframe(accessUnit);

    /// <summary>True when the first picture of the access unit is IRAP (BLA, IDR or CRA): a decoder can start there.</summary>
    private static bool IsHevcKeyframe(ReadOnlySpan<byte> accessUnit)
    {
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
        {
            int type = (nal[0] >> 1) & 0x3F;
            if (type < HevcFirstNonVcl)
            {
                return type is >= HevcFirstIrap and <= HevcLastIrap;
            }
        }

        return false;
    }

    private static bool IsH264Keyframe(ReadOnlySpan<byte> accessUnit)
    {
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
        {
            var type = (H264NalUnitType)(nal[0] & 0x1F);
            if (type == H264NalUnitType.Idr)
            {
                return true;
            }

            if (type is H264NalUnitType.NonIdrSlice or H264NalUnitType.SliceDataA)
            {
                return false;
            }
        }

        return false;
    }

    private void FinishPes(PesAssembler pes)
    {
        if (!pes.IsCollecting)
        {
            return;
        }

        if (pes.IsShortOfDeclaredLength)
        {
            DropWithWarning(pes, "the stream ends inside it");
        }
        else
        {
            pes.Complete();
        }
    }

    private void DropPesInProgress()
    {
        foreach (MpegTsStream stream in _streams)
        {
            stream.Pes.Drop();
        }

        _patSection.Reset();
        foreach (MpegTsProgram program in _programs)
        {
            program.Section.Reset();
        }
    }

    private void DropWithWarning(PesAssembler pes, string reason)
    {
        Warn($"MPEG-TS: dropped the PES on PID {pes.Pid} that started at offset {pes.StartOffset}: {reason}");
        pes.Drop();
    }

    private void FeedPes(MpegTsStream stream, ReadOnlySpan<byte> payload, bool unitStart, long offset)
    {
        PesAssembler pes = stream.Pes;
        if (_scanning)
        {
            if (unitStart && stream.Kind == MpegTsStreamKind.MpegAudio && stream.Refusal is null)
            {
                CheckMpegAudioLayer(stream, payload);
            }

            stream.StartSeen |= unitStart;
            if (unitStart && payload.Length >= 14 && (payload[7] & 0x80) != 0)
            {
                NoteLookAheadTimestamp(ReadTimestamp(payload[9..]));
            }

            return;
        }

        bool startsPes = payload.Length >= 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 1;
        if (unitStart && !startsPes)
        {
            Warn($"MPEG-TS: packet at offset {offset} on PID {pes.Pid} has payload_unit_start_indicator set but no PES start code; skipped");
            pes.Drop();
            return;
        }

        if (!unitStart && startsPes && stream.Track == MediaTrack.Video && (payload[3] & 0xF0) == 0xE0)
        {
            // 00 00 01 Ex cannot occur inside H.264 data (it would be a NAL header with forbidden_zero_bit set).
            Warn($"MPEG-TS: packet at offset {offset} on PID {pes.Pid} starts a video PES without payload_unit_start_indicator; read as a start");
            unitStart = true;
        }

        if (unitStart)
        {
            if (pes.IsCollecting)
            {
                if (pes.IsShortOfDeclaredLength)
                {
                    DropWithWarning(pes, $"the next PES starts at offset {offset} before it is complete");
                }
                else
                {
                    pes.Complete(); // the completed slot is free: the read loop delivers it before processing a packet
                }
            }

            pes.Start(offset);
        }
        else if (!pes.IsCollecting)
        {
            if (!pes.OrphanPayloadExpected)
            {
                Warn($"MPEG-TS: packet at offset {offset} on PID {pes.Pid} continues a PES whose start was lost; skipped up to the next PES start");
                pes.OrphanPayloadExpected = true;
            }

            return; // waiting for the next unit start
        }

        if (!pes.Append(payload))
        {
            DropWithWarning(pes, $"it grows past the limit of {_maxPesSize} bytes at offset {offset}");
        }
    }

    /// <summary>Tracks the span of PTS values the look-ahead has seen, so that it stops after <see cref="LookAheadMaxDuration"/>.</summary>
    private void NoteLookAheadTimestamp(long pts)
    {
        if (_lookAheadFirstPts < 0)
        {
            _lookAheadFirstPts = pts;
        }
        else if (TimestampUnwrapper.Difference(pts, _lookAheadFirstPts, MpegTimestampBits) > LookAheadMaxDuration)
        {
            _lookAheadTimedOut = true;
        }
    }

    /// <summary>
    /// Parses the PES header of a completed PES: the offset of its payload and its PTS/DTS (-1 when absent);
    /// false (with a warning) when the header is malformed.
    /// </summary>
    private bool TryParsePesHeader(PesAssembler pes, out int payloadStart, out long pts, out long dts)
    {
        ReadOnlySpan<byte> data = pes.Completed;
        payloadStart = 0;
        pts = dts = -1;
        if (data.Length < 6 || data[0] != 0 || data[1] != 0 || data[2] != 1)
        {
            Warn($"MPEG-TS: PES on PID {pes.Pid} at offset {pes.CompletedOffset} does not start with a PES start code; dropped");
            return false;
        }

        byte streamId = data[3];
        if (streamId is 0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xF2 or 0xF8 or 0xFF)
        {
            payloadStart = 6; // no optional PES header
            return true;
        }

        if (data.Length < 9 || 9 + data[8] > data.Length)
        {
            Warn($"MPEG-TS: PES on PID {pes.Pid} at offset {pes.CompletedOffset} has a header longer than the PES; dropped");
            return false;
        }

        int headerLength = data[8];
        int flags = data[7] >> 6;
        payloadStart = 9 + headerLength;
        if ((flags & 0x02) != 0 && headerLength >= 5)
        {
            pts = ReadTimestamp(data[9..]);
            dts = flags == 0x03 && headerLength >= 10 ? ReadTimestamp(data[14..]) : pts;
        }

        return true;
    }

    private bool TryDeliverVideo(MpegTsStream stream)
    {
        PesAssembler video = stream.Pes;
        if (!TryParsePesHeader(video, out int payloadStart, out long pts, out long dts))
        {
            return false;
        }

        ReadOnlySpan<byte> accessUnit = video.Completed[payloadStart..];
        if (accessUnit.IsEmpty)
        {
            return false;
        }

        long dtsTicks, ptsTicks;
        if (pts >= 0)
        {
            long unwrapped = _timestamps.Unwrap(dts);
            dtsTicks = ToTicks(unwrapped);
            ptsTicks = ToTicks(unwrapped + TimestampUnwrapper.Difference(pts, dts, MpegTimestampBits));
        }
        else if (stream.LastVideoDtsTicks >= 0)
        {
            dtsTicks = stream.LastVideoDtsTicks;
            ptsTicks = stream.LastVideoPtsTicks;
        }
        else
        {
            Warn($"MPEG-TS: video PES on PID {video.Pid} at offset {video.CompletedOffset} has no timestamp and none came before; dropped");
            return false;
        }

        stream.LastVideoDtsTicks = dtsTicks;
        stream.LastVideoPtsTicks = ptsTicks;
        Current = new MediaFrame(
            MediaTrack.Video,
            TimeSpan.FromTicks(dtsTicks),
            TimeSpan.FromTicks(ptsTicks),
            IsKeyframe(stream.Kind, accessUnit),
            false,
            new ReadOnlyMemory<byte>(video.CompletedBuffer, payloadStart, accessUnit.Length),
            stream.Index);
        CurrentPesOffset = video.CompletedOffset;
        FramesRead++;
        return true;
    }

    /// <summary>
    /// Starts delivering a completed audio PES: ADTS frames one by one from <see cref="TryNextAdtsFrame"/>, or (AC-3,
    /// E-AC-3, MP3) the whole payload as one frame at once, returning true; the writer splits the syncframes.
    /// </summary>
    private bool StartAudioPes(MpegTsStream stream)
    {
        PesAssembler audio = stream.Pes;
        if (!TryParsePesHeader(audio, out int payloadStart, out long pts, out _))
        {
            return false;
        }

        if (pts >= 0)
        {
            stream.AudioBaseTicks = ToTicks(_timestamps.Unwrap(pts));
        }
        else if (stream.NextAudioTicks >= 0)
        {
            stream.AudioBaseTicks = stream.NextAudioTicks;
        }
        else
        {
            Warn($"MPEG-TS: audio PES on PID {audio.Pid} at offset {audio.CompletedOffset} has no timestamp and none came before; dropped");
            return false;
        }

        if (stream.Kind != MpegTsStreamKind.AacAdts)
        {
            int length = audio.CompletedLength - payloadStart;
            if (length <= 0)
            {
                return false;
            }

            // Without frame durations a PES lacking a PTS keeps the previous one (a PTS is mandatory every 0.7 s).
            stream.NextAudioTicks = stream.AudioBaseTicks;
            Current = new MediaFrame(
                MediaTrack.Audio,
                TimeSpan.FromTicks(stream.AudioBaseTicks),
                TimeSpan.FromTicks(stream.AudioBaseTicks),
                true,
                false,
                new ReadOnlyMemory<byte>(audio.CompletedBuffer, payloadStart, length),
                stream.Index);
            CurrentPesOffset = audio.CompletedOffset;
            FramesRead++;
            return true;
        }

        _iterating = stream;
        stream.AudioPosition = payloadStart;
        stream.AudioEnd = audio.CompletedLength;
        stream.AudioSamples = 0;
        return false;
    }

    /// <summary>
    /// In the look-ahead, at the start of an MPEG audio PES: the first frame header's layer decides between MP3 (read)
    /// and layers I/II (refused). A packet without a frame header leaves it to the next PES start.
    /// </summary>
    private static void CheckMpegAudioLayer(MpegTsStream stream, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 9 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1 || 9 + payload[8] > payload.Length)
        {
            return;
        }

        ReadOnlySpan<byte> data = payload[(9 + payload[8])..];
        for (int i = 0; i + 1 < data.Length; i++)
        {
            int layer = (data[i + 1] >> 1) & 3; // 3 layer I, 2 layer II, 1 layer III, 0 reserved
            if (data[i] != 0xFF || (data[i + 1] & 0xE0) != 0xE0 || layer == 0)
            {
                continue;
            }

            if (layer == 1)
            {
                stream.Kind = MpegTsStreamKind.Mp3;
                return;
            }

            string name = $"MPEG audio layer {(layer == 2 ? "II" : "I")}";
            stream.Refusal = Describe(name, stream.StreamType, stream.Pes.Pid, "audio");
            stream.SkipWarning = DescribeSkip(name, stream.StreamType, stream.Pes.Pid, "audio");
            return;
        }
    }

    private bool TryNextAdtsFrame(MpegTsStream stream)
    {
        PesAssembler audio = stream.Pes;
        if (stream.AudioPosition >= stream.AudioEnd)
        {
            _iterating = null;
            return false;
        }

        ReadOnlySpan<byte> rest = audio.CompletedBuffer.AsSpan(stream.AudioPosition, stream.AudioEnd - stream.AudioPosition);
        if (!AdtsHeader.TryParse(rest, out AdtsHeader header) || header.FrameLength > rest.Length)
        {
            Warn(rest.Length >= 7 && header.FrameLength > rest.Length
                ? $"MPEG-TS: audio PES on PID {audio.Pid} at offset {audio.CompletedOffset}: ADTS frame declares {header.FrameLength} bytes but {rest.Length} remain; dropped the rest of the PES"
                : $"MPEG-TS: audio PES on PID {audio.Pid} at offset {audio.CompletedOffset}: no valid ADTS header {stream.AudioPosition} bytes into the PES; dropped the rest of the PES");
            _iterating = null;
            return false;
        }

        int rate = header.SampleRate;
        long ticks = stream.AudioBaseTicks + (((stream.AudioSamples * TimeSpan.TicksPerSecond) + (rate / 2)) / rate);
        stream.AudioSamples += (long)AacSamplesPerBlock * header.RawDataBlockCount;
        stream.NextAudioTicks = stream.AudioBaseTicks + (((stream.AudioSamples * TimeSpan.TicksPerSecond) + (rate / 2)) / rate);
        Current = new MediaFrame(
            MediaTrack.Audio,
            TimeSpan.FromTicks(ticks),
            TimeSpan.FromTicks(ticks),
            true,
            false,
            new ReadOnlyMemory<byte>(audio.CompletedBuffer, stream.AudioPosition, header.FrameLength),
            stream.Index);
        CurrentPesOffset = audio.CompletedOffset;
        stream.AudioPosition += header.FrameLength;
        FramesRead++;
        return true;
    }
}
