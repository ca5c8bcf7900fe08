using System.Buffers.Binary;
using System.Text;

namespace Uplink.Media.Mp4;

/// <summary>Box and sample-entry types as big-endian 32-bit values, and their printable names.</summary>
internal static class Mp4FourCc
{
    public const uint Ftyp = 0x66747970; // 'ftyp'
    public const uint Styp = 0x73747970; // 'styp'
    public const uint Moov = 0x6D6F6F76; // 'moov'
    public const uint Mdat = 0x6D646174; // 'mdat'
    public const uint Moof = 0x6D6F6F66; // 'moof'
    public const uint Free = 0x66726565; // 'free'
    public const uint Skip = 0x736B6970; // 'skip'
    public const uint Wide = 0x77696465; // 'wide'
    public const uint Uuid = 0x75756964; // 'uuid'
    public const uint Pdin = 0x7064696E; // 'pdin'
    public const uint Sidx = 0x73696478; // 'sidx'
    public const uint Meta = 0x6D657461; // 'meta'
    public const uint Pnot = 0x706E6F74; // 'pnot'
    public const uint Mvhd = 0x6D766864; // 'mvhd'
    public const uint Trak = 0x7472616B; // 'trak'
    public const uint Tkhd = 0x746B6864; // 'tkhd'
    public const uint Mdia = 0x6D646961; // 'mdia'
    public const uint Mdhd = 0x6D646864; // 'mdhd'
    public const uint Hdlr = 0x68646C72; // 'hdlr'
    public const uint Minf = 0x6D696E66; // 'minf'
    public const uint Stbl = 0x7374626C; // 'stbl'
    public const uint Stsd = 0x73747364; // 'stsd'
    public const uint Stts = 0x73747473; // 'stts'
    public const uint Ctts = 0x63747473; // 'ctts'
    public const uint Stss = 0x73747373; // 'stss'
    public const uint Stsc = 0x73747363; // 'stsc'
    public const uint Stsz = 0x7374737A; // 'stsz'
    public const uint Stz2 = 0x73747A32; // 'stz2'
    public const uint Stco = 0x7374636F; // 'stco'
    public const uint Co64 = 0x636F3634; // 'co64'
    public const uint Mvex = 0x6D766578; // 'mvex'
    public const uint Mehd = 0x6D656864; // 'mehd'
    public const uint Trex = 0x74726578; // 'trex'
    public const uint Traf = 0x74726166; // 'traf'
    public const uint Tfhd = 0x74666864; // 'tfhd'
    public const uint Tfdt = 0x74666474; // 'tfdt'
    public const uint Trun = 0x7472756E; // 'trun'
    public const uint AvcC = 0x61766343; // 'avcC'
    public const uint Esds = 0x65736473; // 'esds'
    public const uint Wave = 0x77617665; // 'wave'
    public const uint Vide = 0x76696465; // 'vide'
    public const uint Soun = 0x736F756E; // 'soun'
    public const uint Avc1 = 0x61766331; // 'avc1'
    public const uint Avc3 = 0x61766333; // 'avc3'
    public const uint Mp4a = 0x6D703461; // 'mp4a'
    public const uint Hvc1 = 0x68766331; // 'hvc1'
    public const uint Hev1 = 0x68657631; // 'hev1'
    public const uint HvcC = 0x68766343; // 'hvcC'
    public const uint Av01 = 0x61763031; // 'av01'
    public const uint Av1C = 0x61763143; // 'av1C'
    public const uint Vp09 = 0x76703039; // 'vp09'
    public const uint VpcC = 0x76706343; // 'vpcC'
    public const uint Opus = 0x4F707573; // 'Opus'
    public const uint DOps = 0x644F7073; // 'dOps'
    public const uint FLaC = 0x664C6143; // 'fLaC'
    public const uint DfLa = 0x64664C61; // 'dfLa'
    public const uint Ac3 = 0x61632D33; // 'ac-3'
    public const uint Eac3 = 0x65632D33; // 'ec-3'
    public const uint Mp3 = 0x2E6D7033; // '.mp3'

    /// <summary>Reads a four-character code.</summary>
    public static uint Read(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32BigEndian(bytes);

    /// <summary>The code as text, with anything unprintable written as \xNN.</summary>
    public static string Name(uint fourCc)
    {
        var text = new StringBuilder(16);
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

    /// <summary>True for the box types a file may start with.</summary>
    public static bool IsKnownTopLevel(uint type) => type is Ftyp or Styp or Moov or Mdat or Moof or Free or Skip or Wide or Uuid or Pdin or Sidx or Meta or Pnot;
}
