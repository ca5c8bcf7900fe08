namespace Uplink.Media.MpegTs;

/// <summary>A program the reader reads, as the PAT lists it: its number, its PMT's PID and the PMT's progress.</summary>
internal sealed class MpegTsProgram
{
    public int Number { get; set; } = -1;

    public int PmtPid { get; set; } = -1;

    /// <summary>The version of the PMT applied; -1 before one.</summary>
    public int Version { get; set; } = -1;

    /// <summary>True once a PMT of the program was applied.</summary>
    public bool Seen { get; set; }

    public SectionBuffer Section { get; } = new();
}
