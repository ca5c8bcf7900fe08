namespace Uplink.Media.MpegTs;

/// <summary>Collects one PSI section (PAT or PMT) that may span several transport packets.</summary>
internal sealed class SectionBuffer
{
    /// <summary>The largest section: a 3-byte header and a 12-bit section_length of at most 4093 (private sections).</summary>
    public const int MaxSectionSize = 4096;

    /// <summary>The collected bytes of the section in progress.</summary>
    public byte[] Data { get; } = new byte[MaxSectionSize];

    /// <summary>How many bytes of the section in progress are collected.</summary>
    public int Length { get; set; }

    /// <summary>True while a section started in an earlier packet is waiting for its remaining bytes.</summary>
    public bool IsCollecting { get; set; }

    /// <summary>The byte offset of the packet the section in progress started in.</summary>
    public long StartOffset { get; set; }

    /// <summary>
    /// The section's total size (3 + section_length) once its first 3 bytes are collected, or 3 while they are
    /// not: the number of bytes to collect before looking again.
    /// </summary>
    public int Needed => Length < 3 ? 3 : 3 + (((Data[1] & 0x0F) << 8) | Data[2]);

    /// <summary>Forgets the section in progress.</summary>
    public void Reset()
    {
        IsCollecting = false;
        Length = 0;
    }
}
