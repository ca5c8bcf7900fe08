using System.Buffers.Binary;

namespace Uplink.Flv.Parsing;

/// <summary>The Enhanced RTMP FourCCs, as the big-endian UI32 of their ASCII (also their onMetaData codec id).</summary>
internal static class FlvFourCc
{
    public const uint Avc1 = 0x61766331;
    public const uint Hvc1 = 0x68766331;
    public const uint Av01 = 0x61763031;
    public const uint Vp09 = 0x76703039;
    public const uint Vp08 = 0x76703038;
    public const uint Opus = 0x4F707573;
    public const uint Flac = 0x664C6143;
    public const uint Ac3 = 0x61632D33;
    public const uint Eac3 = 0x65632D33;
    public const uint Mp3 = 0x2E6D7033;
    public const uint Mp4a = 0x6D703461;

    public static uint Read(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32BigEndian(bytes);

    /// <summary>The FourCC as text, anything unprintable as \xNN; the known ones without allocating (it runs per tag).</summary>
    public static string ToText(uint fourCc)
    {
        string? known = fourCc switch
        {
            Avc1 => "avc1",
            Hvc1 => "hvc1",
            Av01 => "av01",
            Vp09 => "vp09",
            Vp08 => "vp08",
            Opus => "Opus",
            Flac => "fLaC",
            Ac3 => "ac-3",
            Eac3 => "ec-3",
            Mp3 => ".mp3",
            Mp4a => "mp4a",
            _ => null,
        };
        if (known is not null)
        {
            return known;
        }

        var text = new System.Text.StringBuilder(16);
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            byte b = (byte)(fourCc >> shift);
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
