namespace Uplink.Codecs;

/// <summary>One ADTS frame: its header and the raw AAC payload that follows the header (and CRC).</summary>
internal readonly ref struct AdtsFrame
{
    /// <summary>Creates a frame.</summary>
    public AdtsFrame(AdtsHeader header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    /// <summary>The parsed header.</summary>
    public AdtsHeader Header { get; }

    /// <summary>The raw data block(s) after the header.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Lets <c>foreach (var (header, payload) in …)</c> work.</summary>
    public void Deconstruct(out AdtsHeader header, out ReadOnlySpan<byte> payload)
    {
        header = Header;
        payload = Payload;
    }
}
