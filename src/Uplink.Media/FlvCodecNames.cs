namespace Uplink.Media;

/// <summary>Human names of the FLV codec and sound format ids, for error messages.</summary>
internal static class FlvCodecNames
{
    /// <summary>The name of an FLV video codec id (the low nibble of a legacy video tag's first byte).</summary>
    public static string Video(int codecId) => codecId switch
    {
        1 => "JPEG",
        2 => "Sorenson H.263",
        3 => "Screen video",
        4 => "VP6",
        5 => "VP6 alpha",
        6 => "Screen video 2",
        7 => "H.264",
        12 => "HEVC (non-standard)",
        13 => "AV1 (non-standard)",
        _ => "unknown",
    };

    /// <summary>The name of an FLV sound format (the high nibble of a legacy audio tag's first byte).</summary>
    public static string Audio(int soundFormat) => soundFormat switch
    {
        0 => "PCM",
        1 => "ADPCM",
        2 => "MP3",
        3 => "PCM LE",
        4 => "Nellymoser 16 kHz mono",
        5 => "Nellymoser 8 kHz mono",
        6 => "Nellymoser",
        7 => "G.711 A-law",
        8 => "G.711 mu-law",
        10 => "AAC",
        11 => "Speex",
        14 => "MP3 8 kHz",
        15 => "device-specific",
        _ => "unknown",
    };

    /// <summary>Four bytes as text, with anything unprintable written as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new System.Text.StringBuilder(bytes.Length * 4);
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7F)
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return text.ToString();
    }
}
