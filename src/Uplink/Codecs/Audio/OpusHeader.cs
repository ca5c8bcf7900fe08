using System.Buffers.Binary;

namespace Uplink.Codecs.Audio;

/// <summary>
/// The Opus identification header ("OpusHead", RFC 7845 5.1): Enhanced RTMP's Opus SequenceStart body and Matroska's
/// CodecPrivate. MP4 carries the same fields big-endian in a dOps box (Opus in ISOBMFF 4.3.2), which
/// <see cref="Normalize"/> turns into an OpusHead.
/// </summary>
internal static class OpusHeader
{
    /// <summary>The size of an OpusHead for channel mapping family 0.</summary>
    public const int MinimumSize = 19;

    private static ReadOnlySpan<byte> Magic => "OpusHead"u8;

    /// <summary>An OpusHead from an OpusHead or a dOps box body, with its channel count and input sample rate.</summary>
    /// <exception cref="InvalidDataException">Neither form, or truncated; the message names the field.</exception>
    public static byte[] Normalize(ReadOnlySpan<byte> header, out int channels, out int inputSampleRate)
    {
        if (header.StartsWith(Magic))
        {
            if (header.Length < MinimumSize)
            {
                throw new InvalidDataException($"OpusHead is {header.Length} bytes, too short ({MinimumSize} needed)");
            }

            if (header[8] >> 4 != 0)
            {
                throw new InvalidDataException($"OpusHead version {header[8]} at offset 8 is not 1 (a major version other than 0)");
            }

            channels = header[9];
            inputSampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            CheckMapping(header[18], header[MinimumSize..], channels, MinimumSize);
            return header.ToArray();
        }

        // dOps: Version 0, OutputChannelCount, PreSkip, InputSampleRate, OutputGain, ChannelMappingFamily, [table].
        const int dOpsSize = 11;
        if (header.Length < dOpsSize || header[0] != 0)
        {
            throw new InvalidDataException(header.Length < dOpsSize
                ? $"Opus header is {header.Length} bytes: neither an OpusHead (starting \"OpusHead\") nor a dOps box body ({dOpsSize} bytes or more)"
                : $"Opus header starts with byte {header[0]}: neither an OpusHead (starting \"OpusHead\") nor a dOps box body (version 0)");
        }

        channels = header[1];
        inputSampleRate = (int)BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        CheckMapping(header[10], header[dOpsSize..], channels, dOpsSize);
        int table = header[10] == 0 ? 0 : 2 + channels;
        byte[] head = new byte[MinimumSize + table];
        Magic.CopyTo(head);
        head[8] = 1;
        head[9] = (byte)channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), BinaryPrimitives.ReadUInt16BigEndian(header[2..]));
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), (uint)inputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(head.AsSpan(16), BinaryPrimitives.ReadInt16BigEndian(header[8..]));
        head[18] = header[10];
        header.Slice(dOpsSize, table).CopyTo(head.AsSpan(MinimumSize));
        return head;
    }

    private static void CheckMapping(byte family, ReadOnlySpan<byte> table, int channels, int offset)
    {
        if (channels == 0)
        {
            throw new InvalidDataException($"Opus header says 0 channels (at offset {(offset == MinimumSize ? 9 : 1)})");
        }

        if (family == 0 ? channels > 2 : table.Length < 2 + channels)
        {
            throw new InvalidDataException(family == 0
                ? $"Opus header: channel mapping family 0 allows 1 or 2 channels, not {channels}"
                : $"Opus header: the channel mapping table at offset {offset} is {table.Length} bytes, {2 + channels} needed for {channels} channels");
        }
    }
}
