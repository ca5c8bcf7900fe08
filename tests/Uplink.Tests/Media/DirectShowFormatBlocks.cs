using System.Buffers.Binary;

namespace Uplink.Tests.Media;

/// <summary>Hand-built DirectShow format blocks, laid out as the Windows SDK structs are (little-endian).</summary>
internal static class DirectShowFormatBlocks
{
    /// <summary>An MPEG2VIDEOINFO: VIDEOINFOHEADER2 (112 bytes), five DWORDs, then the sequence header.</summary>
    public static byte[] Mpeg2VideoInfo(
        byte[] sequenceHeader,
        uint nalLengthSize = 4,
        long averageTimePerFrame = 400_000,
        uint bitRate = 2_000_000,
        int width = 1280,
        int height = 720,
        int? declaredSequenceHeaderSize = null,
        int padding = 0)
    {
        byte[] block = new byte[132 + sequenceHeader.Length + padding];
        Span<byte> s = block;
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], width);         // rcSource.right
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], height);       // rcSource.bottom
        BinaryPrimitives.WriteUInt32LittleEndian(s[32..], bitRate);     // dwBitRate
        BinaryPrimitives.WriteInt64LittleEndian(s[40..], averageTimePerFrame);
        BinaryPrimitives.WriteUInt32LittleEndian(s[56..], 16);          // dwPictAspectRatioX
        BinaryPrimitives.WriteUInt32LittleEndian(s[60..], 9);           // dwPictAspectRatioY
        BinaryPrimitives.WriteUInt32LittleEndian(s[72..], 40);          // biSize
        BinaryPrimitives.WriteInt32LittleEndian(s[76..], width);        // biWidth
        BinaryPrimitives.WriteInt32LittleEndian(s[80..], height);       // biHeight
        BinaryPrimitives.WriteUInt16LittleEndian(s[84..], 1);           // biPlanes
        BinaryPrimitives.WriteUInt16LittleEndian(s[86..], 24);          // biBitCount
        BinaryPrimitives.WriteUInt32LittleEndian(s[88..], 0x34363248);  // biCompression 'H264'
        BinaryPrimitives.WriteUInt32LittleEndian(s[116..], (uint)(declaredSequenceHeaderSize ?? sequenceHeader.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(s[120..], 100);        // dwProfile
        BinaryPrimitives.WriteUInt32LittleEndian(s[124..], 31);         // dwLevel
        BinaryPrimitives.WriteUInt32LittleEndian(s[128..], nalLengthSize);
        sequenceHeader.CopyTo(s[132..]);
        return block;
    }

    /// <summary>A sequence header holding each parameter set after a 2-byte big-endian length.</summary>
    public static byte[] LengthPrefixed(params byte[][] nals)
    {
        var bytes = new List<byte>();
        foreach (byte[] nal in nals)
        {
            bytes.Add((byte)(nal.Length >> 8));
            bytes.Add((byte)nal.Length);
            bytes.AddRange(nal);
        }

        return [.. bytes];
    }

    /// <summary>A sequence header holding each parameter set after a 00 00 00 01 start code.</summary>
    public static byte[] AnnexB(params byte[][] nals)
    {
        var bytes = new List<byte>();
        foreach (byte[] nal in nals)
        {
            bytes.AddRange([0, 0, 0, 1]);
            bytes.AddRange(nal);
        }

        return [.. bytes];
    }

    /// <summary>A WAVEFORMATEX for WAVE_FORMAT_RAW_AAC1-style AAC (tag 0x00FF) followed by cbSize extra bytes.</summary>
    public static byte[] WaveFormatEx(byte[] extra, int channels = 2, int sampleRate = 48000, int? declaredExtraSize = null)
    {
        byte[] block = new byte[18 + extra.Length];
        Span<byte> s = block;
        BinaryPrimitives.WriteUInt16LittleEndian(s, 0x00FF);                      // wFormatTag
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)channels);       // nChannels
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)sampleRate);       // nSamplesPerSec
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], 16_000);                 // nAvgBytesPerSec
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], 1);                     // nBlockAlign
        BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 16);                    // wBitsPerSample
        BinaryPrimitives.WriteUInt16LittleEndian(s[16..], (ushort)(declaredExtraSize ?? extra.Length));
        extra.CopyTo(s[18..]);
        return block;
    }
}
