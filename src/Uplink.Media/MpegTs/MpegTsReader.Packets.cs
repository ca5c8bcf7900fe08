using Uplink.Codecs;
using Uplink.Media.MpegTs;

namespace Uplink.Media;

/// <summary>Transport packets: the header, adaptation field and continuity counter, and routing the payload to its PES or section.</summary>
public sealed partial class MpegTsReader
{
    /// <summary>Processes one transport packet (in look-ahead mode only its PSI, and notes the streams' first PES).</summary>
    private void ProcessPacket(int index, long offset)
    {
        ReadOnlySpan<byte> packet = _input.Array.AsSpan(index + _prefix, PacketSize);
        if (!_scanning)
        {
            PacketsRead++;
        }

        int pid = ((packet[1] & 0x1F) << 8) | packet[2];
        if (pid == NullPid)
        {
            return;
        }

        MpegTsProgram? program = pid == PatPid ? null : ProgramOnPid(pid);
        MpegTsStream? stream = program is null ? _streamByPid[pid] : null;
        if (pid != PatPid && program is null && stream is null)
        {
            return;
        }

        if ((packet[1] & 0x80) != 0)
        {
            Warn($"MPEG-TS: packet at offset {offset} on PID {pid} has its transport error indicator set; skipped");
            return;
        }

        bool unitStart = (packet[1] & 0x40) != 0;
        int adaptationControl = (packet[3] >> 4) & 0x03;
        int counter = packet[3] & 0x0F;
        if (adaptationControl == 0)
        {
            return; // reserved: no adaptation field, no payload
        }

        int payloadStart = 4;
        bool discontinuity = false;
        if ((adaptationControl & 0x02) != 0)
        {
            int adaptationLength = packet[4];
            int maxLength = adaptationControl == 0x03 ? PacketSize - 5 - 1 : PacketSize - 5;
            if (adaptationLength > maxLength)
            {
                Warn($"MPEG-TS: packet at offset {offset} on PID {pid} has an adaptation field of {adaptationLength} bytes, more than the {maxLength} that fit; skipped");
                return;
            }

            discontinuity = adaptationLength > 0 && (packet[5] & 0x80) != 0;
            payloadStart = 5 + adaptationLength;
        }

        if ((adaptationControl & 0x01) == 0)
        {
            return; // adaptation field only: the counter does not advance
        }

        if (!_scanning && !CheckContinuity(pid, counter, discontinuity, offset))
        {
            return;
        }

        ReadOnlySpan<byte> payload = packet[payloadStart..];
        if (pid == PatPid)
        {
            FeedSection(_patSection, payload, unitStart, offset, pid);
        }
        else if (program is not null)
        {
            FeedSection(program.Section, payload, unitStart, offset, pid);
        }
        else
        {
            FeedPes(stream!, payload, unitStart, offset);
        }
    }

    /// <summary>The first program whose PMT is on <paramref name="pid"/> (programs may share one), or null.</summary>
    private MpegTsProgram? ProgramOnPid(int pid)
    {
        foreach (MpegTsProgram program in _programs)
        {
            if (program.PmtPid == pid)
            {
                return program;
            }
        }

        return null;
    }

    /// <summary>Checks the packet's continuity counter; false when the packet is a duplicate to ignore.</summary>
    private bool CheckContinuity(int pid, int counter, bool discontinuity, long offset)
    {
        byte state = _continuity[pid];
        _continuity[pid] = (byte)(CcValid | counter);
        if ((state & CcValid) == 0 || discontinuity)
        {
            return true;
        }

        int last = state & 0x0F;
        if (counter == ((last + 1) & 0x0F))
        {
            return true;
        }

        if (counter == last && (state & CcDuplicateSeen) == 0)
        {
            _continuity[pid] = (byte)(CcValid | CcDuplicateSeen | counter);
            return false;
        }

        ContinuityErrors++;
        PesAssembler? pes = _streamByPid[pid]?.Pes;
        bool dropping = pes is not null && pes.IsCollecting;
        Warn(dropping
            ? $"MPEG-TS: continuity gap on PID {pid} at offset {offset}: counter {counter} after {last}; dropped the PES that started at offset {pes!.StartOffset}"
            : $"MPEG-TS: continuity gap on PID {pid} at offset {offset}: counter {counter} after {last}");
        pes?.Drop();
        if (pid == PatPid)
        {
            _patSection.Reset();
        }
        else
        {
            ProgramOnPid(pid)?.Section.Reset();
        }

        return true;
    }

    private void ClearContinuity(int pid)
    {
        if (pid >= 0)
        {
            _continuity[pid] = 0;
        }
    }
}
