namespace Uplink.Codecs.Audio;

/// <summary>
/// The FLAC STREAMINFO metadata block, and the FLAC SequenceStart body Enhanced RTMP defines: the "fLaC" signature, then
/// STREAMINFO as a metadata block (header included). Accepts the forms containers carry: STREAMINFO alone (34 bytes, as
/// FFmpeg's extradata), the "fLaC" stream header with its metadata blocks (Matroska), or a dfLa box body (MP4).
/// </summary>
internal static class FlacStreamInfo
{
    /// <summary>The size of the STREAMINFO block's body.</summary>
    public const int Size = 34;

    /// <summary>The size of the SequenceStart body: signature, block header, STREAMINFO.</summary>
    public const int SequenceHeaderSize = 4 + 4 + Size;

    private static ReadOnlySpan<byte> Signature => "fLaC"u8;

    /// <summary>The SequenceStart body for <paramref name="header"/>, with the stream's sample rate and channel count.</summary>
    /// <exception cref="InvalidDataException">No STREAMINFO is found; the message names the offset.</exception>
    public static byte[] Normalize(ReadOnlySpan<byte> header, out int sampleRate, out int channels, out int bitsPerSample)
    {
        ReadOnlySpan<byte> info;
        if (header.Length == Size)
        {
            info = header;
        }
        else
        {
            // "fLaC" then metadata blocks, or a dfLa FullBox (version 0, flags 0) then metadata blocks.
            int start = header.StartsWith(Signature) ? 4
                : header.Length >= 4 && header[0] == 0 && header[1] == 0 && header[2] == 0 && header[3] == 0 ? 4
                : throw new InvalidDataException($"FLAC header of {header.Length} bytes is neither STREAMINFO ({Size} bytes), a \"fLaC\" stream header nor a dfLa box body");
            if (header.Length < start + 4 + Size || (header[start] & 0x7F) != 0)
            {
                throw new InvalidDataException($"FLAC header: no STREAMINFO metadata block at offset {start}");
            }

            int length = (header[start + 1] << 16) | (header[start + 2] << 8) | header[start + 3];
            if (length != Size)
            {
                throw new InvalidDataException($"FLAC header: the STREAMINFO block at offset {start} is {length} bytes, not {Size}");
            }

            info = header.Slice(start + 4, Size);
        }

        sampleRate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4);
        channels = ((info[12] >> 1) & 7) + 1;
        bitsPerSample = (((info[12] & 1) << 4) | (info[13] >> 4)) + 1;
        if (sampleRate == 0)
        {
            throw new InvalidDataException("FLAC STREAMINFO says a sample rate of 0 Hz");
        }

        byte[] body = new byte[SequenceHeaderSize];
        Signature.CopyTo(body);
        body[4] = 0x80; // last metadata block, type 0 (STREAMINFO)
        body[7] = Size;
        info.CopyTo(body.AsSpan(8));
        return body;
    }
}
