namespace Uplink.Tests.Readers.MpegTs;

/// <summary>
/// Builds small transport streams by hand: PAT, PMT (stream types and descriptors of one's choosing), PES packets
/// split into 188-byte packets with correct continuity counters, the last one padded by adaptation-field stuffing.
/// </summary>
internal sealed class MpegTsTestWriter
{
    public const int PmtPid = 0x1000;
    public const int VideoPid = 0x100;
    public const int AudioPid = 0x101;

    private readonly MemoryStream _output = new();
    private readonly int[] _counters = new int[8192];
    private readonly bool[] _discontinuity = new bool[8192];

    /// <summary>A PAT announcing one program (1) whose PMT is on <paramref name="pmtPid"/>.</summary>
    public MpegTsTestWriter Pat(int pmtPid = PmtPid, int version = 0)
    {
        byte[] body = [0x00, 0x01, (byte)(0xE0 | (pmtPid >> 8)), (byte)pmtPid];
        return Section(0, 0x00, 0x0001, version, body);
    }

    /// <summary>A PAT announcing <paramref name="programs"/>, in that order.</summary>
    public MpegTsTestWriter Pat(params (int Program, int PmtPid)[] programs)
    {
        byte[] body = [.. programs.SelectMany(p => new[] { (byte)(p.Program >> 8), (byte)p.Program, (byte)(0xE0 | (p.PmtPid >> 8)), (byte)p.PmtPid })];
        return Section(0, 0x00, 0x0001, 0, body);
    }

    /// <summary>A PMT for program 1 listing <paramref name="streams"/>.</summary>
    public MpegTsTestWriter Pmt(int version, params (byte StreamType, int Pid, byte[] Descriptors)[] streams) => Pmt(1, PmtPid, version, streams);

    /// <summary>A PMT for <paramref name="program"/> on <paramref name="pmtPid"/> listing <paramref name="streams"/>.</summary>
    public MpegTsTestWriter Pmt(int program, int pmtPid, int version, params (byte StreamType, int Pid, byte[] Descriptors)[] streams)
    {
        var body = new List<byte> { 0xE1, 0x00, 0xF0, 0x00 }; // PCR PID 0x100, no program descriptors
        foreach ((byte type, int pid, byte[] descriptors) in streams)
        {
            body.Add(type);
            body.Add((byte)(0xE0 | (pid >> 8)));
            body.Add((byte)pid);
            body.Add((byte)(0xF0 | (descriptors.Length >> 8)));
            body.Add((byte)descriptors.Length);
            body.AddRange(descriptors);
        }

        return Section(pmtPid, 0x02, program, version, [.. body]);
    }

    /// <summary>The usual program: PAT and a PMT with H.264 on 0x100 and AAC ADTS on 0x101.</summary>
    public MpegTsTestWriter Program(bool video = true, bool audio = true)
    {
        var streams = new List<(byte, int, byte[])>();
        if (video)
        {
            streams.Add((0x1B, VideoPid, []));
        }

        if (audio)
        {
            streams.Add((0x0F, AudioPid, []));
        }

        return Pat().Pmt(0, [.. streams]);
    }

    /// <summary>A PES with the given timestamps (90 kHz; null for none), PES_packet_length 0 when not bounded.</summary>
    public MpegTsTestWriter Pes(
        int pid, long? pts, long? dts, byte[] payload, bool bounded = true, byte streamId = 0, int headerStuffing = 0, bool markerBits = true)
    {
        streamId = streamId != 0 ? streamId : pid == AudioPid ? (byte)0xC0 : (byte)0xE0;
        var pes = new List<byte> { 0, 0, 1, streamId, 0, 0, 0x80 };
        int flags = pts is null ? 0 : dts is null ? 0x80 : 0xC0;
        pes.Add((byte)flags);
        pes.Add((byte)((pts is null ? 0 : dts is null ? 5 : 10) + headerStuffing));
        int timestampsAt = pes.Count;
        if (pts is long p)
        {
            AddTimestamp(pes, dts is null ? 0x2 : 0x3, p);
        }

        if (dts is long d)
        {
            AddTimestamp(pes, 0x1, d);
        }

        if (!markerBits)
        {
            for (int i = timestampsAt; i < pes.Count; i += 2)
            {
                pes[i] &= 0xFE;
            }
        }

        pes.AddRange(Enumerable.Repeat((byte)0xFF, headerStuffing));

        pes.AddRange(payload);
        if (bounded)
        {
            int length = pes.Count - 6;
            if (length > 0xFFFF)
            {
                throw new ArgumentException("too big for a bounded PES", nameof(payload));
            }

            pes[4] = (byte)(length >> 8);
            pes[5] = (byte)length;
        }

        return Packetize(pid, [.. pes]);
    }

    /// <summary>A packet holding only an adaptation field (length 183), as PCR-only packets do.</summary>
    public MpegTsTestWriter AdaptationOnly(int pid)
    {
        byte[] packet = new byte[188];
        packet.AsSpan().Fill(0xFF);
        packet[0] = 0x47;
        packet[1] = (byte)(pid >> 8);
        packet[2] = (byte)pid;
        packet[3] = (byte)(0x20 | _counters[pid]); // adaptation only: the counter does not advance
        packet[4] = 183;
        packet[5] = 0x00;
        _output.Write(packet);
        return this;
    }

    /// <summary>A null packet (PID 0x1FFF).</summary>
    public MpegTsTestWriter Null()
    {
        byte[] packet = new byte[188];
        packet[0] = 0x47;
        packet[1] = 0x1F;
        packet[2] = 0xFF;
        packet[3] = 0x10;
        _output.Write(packet);
        return this;
    }

    /// <summary>Makes the counter of <paramref name="pid"/> jump by <paramref name="by"/>, flagged as a discontinuity or not.</summary>
    public MpegTsTestWriter JumpCounter(int pid, int by, bool flagged)
    {
        _counters[pid] = (_counters[pid] + by) & 0x0F;
        _discontinuity[pid] = flagged;
        return this;
    }

    public byte[] ToArray() => _output.ToArray();

    /// <summary>An H.264 access unit in Annex-B: AUD, then an IDR or non-IDR slice NAL of <paramref name="size"/> bytes.</summary>
    public static byte[] AccessUnit(bool idr, int size, byte fill)
    {
        var au = new List<byte> { 0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, idr ? (byte)0x65 : (byte)0x41 };
        for (int i = 0; i < size; i++)
        {
            au.Add((byte)(fill | 0x80)); // never 0: no accidental start codes
        }

        return [.. au];
    }

    /// <summary>An ADTS frame (AAC LC, no CRC) of <paramref name="payloadSize"/> payload bytes.</summary>
    public static byte[] AdtsFrame(int payloadSize, int sampleRateIndex = 4, int channels = 2, byte fill = 0x21)
    {
        int length = 7 + payloadSize;
        var frame = new byte[length];
        frame[0] = 0xFF;
        frame[1] = 0xF1;
        frame[2] = (byte)((1 << 6) | (sampleRateIndex << 2) | (channels >> 2));
        frame[3] = (byte)(((channels & 3) << 6) | (length >> 11));
        frame[4] = (byte)(length >> 3);
        frame[5] = (byte)(((length & 7) << 5) | 0x1F);
        frame[6] = 0xFC;
        frame.AsSpan(7).Fill(fill);
        return frame;
    }

    private static void AddTimestamp(List<byte> pes, int prefix, long value)
    {
        pes.Add((byte)((prefix << 4) | (int)(((value >> 30) & 0x07) << 1) | 1));
        pes.Add((byte)(value >> 22));
        pes.Add((byte)((((value >> 15) & 0x7F) << 1) | 1));
        pes.Add((byte)(value >> 7));
        pes.Add((byte)(((value & 0x7F) << 1) | 1));
    }

    private MpegTsTestWriter Section(int pid, byte tableId, int tableIdExtension, int version, byte[] body)
    {
        int sectionLength = 5 + body.Length + 4;
        var section = new List<byte>
        {
            tableId, (byte)(0xB0 | (sectionLength >> 8)), (byte)sectionLength,
            (byte)(tableIdExtension >> 8), (byte)tableIdExtension, (byte)(0xC1 | (version << 1)), 0, 0,
        };
        section.AddRange(body);
        uint crc = Uplink.Media.MpegTs.MpegTsCrc32.Compute([.. section]);
        section.Add((byte)(crc >> 24));
        section.Add((byte)(crc >> 16));
        section.Add((byte)(crc >> 8));
        section.Add((byte)crc);
        section.Insert(0, 0); // pointer_field
        return Packetize(pid, [.. section], stuffWithPayload: true);
    }

    private MpegTsTestWriter Packetize(int pid, byte[] data, bool stuffWithPayload = false)
    {
        int offset = 0;
        bool first = true;
        while (offset < data.Length)
        {
            byte[] packet = new byte[188];
            packet[0] = 0x47;
            packet[1] = (byte)((first ? 0x40 : 0) | (pid >> 8));
            packet[2] = (byte)pid;
            int counter = _counters[pid];
            _counters[pid] = (counter + 1) & 0x0F;
            int remaining = data.Length - offset;
            bool flagged = _discontinuity[pid];
            _discontinuity[pid] = false;
            if (!flagged && (remaining >= 184 || stuffWithPayload))
            {
                packet[3] = (byte)(0x10 | counter);
                int take = Math.Min(184, remaining);
                data.AsSpan(offset, take).CopyTo(packet.AsSpan(4));
                packet.AsSpan(4 + take).Fill(0xFF);
                offset += take;
            }
            else
            {
                // 0 when 183 bytes remain: the length byte alone; at least 1 to carry the discontinuity flag.
                int adaptationLength = Math.Max(flagged ? 1 : 0, 183 - Math.Min(remaining, 183));
                int take = Math.Min(remaining, 183 - adaptationLength);
                packet[3] = (byte)(0x30 | counter);
                packet[4] = (byte)adaptationLength;
                if (adaptationLength > 0)
                {
                    packet[5] = flagged ? (byte)0x80 : (byte)0x00;
                    packet.AsSpan(6, adaptationLength - 1).Fill(0xFF);
                }

                data.AsSpan(offset, take).CopyTo(packet.AsSpan(5 + adaptationLength));
                offset += take;
            }

            first = false;
            _output.Write(packet);
        }

        return this;
    }
}
