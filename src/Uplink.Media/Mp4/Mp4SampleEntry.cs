using System.Buffers.Binary;

namespace Uplink.Media.Mp4;

/// <summary>
/// The first sample entry of a track's stsd: its codec, and for H.264 and AAC the decoder configuration
/// (the avcC box's payload, or the AudioSpecificConfig from the esds descriptors).
/// </summary>
/// <param name="Format">The sample entry type ('avc1', 'mp4a', 'hvc1' …).</param>
/// <param name="CodecName">A human name of the codec, such as "HEVC (hvc1)".</param>
/// <param name="DecoderConfiguration">The avcC or AudioSpecificConfig; null when the codec cannot be published.</param>
/// <param name="ConfigurationOffset">The absolute offset of the box the configuration came from.</param>
internal sealed record Mp4SampleEntry(uint Format, string CodecName, byte[]? DecoderConfiguration, long ConfigurationOffset)
{
    /// <summary>Bytes of a VisualSampleEntry before its child boxes.</summary>
    private const int VisualSampleEntrySize = 78;

    /// <summary>Bytes of an AudioSampleEntry (QuickTime sound description version 0) before its child boxes.</summary>
    private const int AudioSampleEntrySize = 28;

    /// <summary>True when RTMP can carry the codec (H.264 or AAC).</summary>
    public bool IsSupported => DecoderConfiguration is not null;

    /// <summary>Reads the first entry of an stsd box.</summary>
    public static Mp4SampleEntry Parse(Mp4Box stsd, MediaTrack kind, uint trackId)
    {
        stsd.RequireFullBox(4);
        uint count = BinaryPrimitives.ReadUInt32BigEndian(stsd.Payload[4..]);
        var entries = new Mp4BoxIterator(stsd.Payload[8..], stsd.PayloadOffset + 8, Mp4FourCc.Stsd);
        if (count == 0 || !entries.MoveNext(out Mp4Box entry))
        {
            throw Mp4Errors.Invalid($"track {trackId}: box 'stsd' at offset {stsd.Offset} has no sample entry");
        }

        return kind == MediaTrack.Video ? ParseVideo(entry, trackId) : ParseAudio(entry, trackId);
    }

    private static Mp4SampleEntry ParseVideo(Mp4Box entry, uint trackId)
    {
        if (entry.Type is not (Mp4FourCc.Avc1 or Mp4FourCc.Avc3))
        {
            return new Mp4SampleEntry(entry.Type, VideoCodecName(entry.Type), null, entry.Offset);
        }

        if (entry.Payload.Length < VisualSampleEntrySize
            || !Mp4BoxIterator.TryFind(entry.Payload[VisualSampleEntrySize..], entry.PayloadOffset + VisualSampleEntrySize, entry.Type, Mp4FourCc.AvcC, out Mp4Box avcC))
        {
            throw Mp4Errors.Invalid($"track {trackId}: the '{entry.Name}' sample entry at offset {entry.Offset} has no avcC box");
        }

        return new Mp4SampleEntry(entry.Type, "H.264", avcC.Payload.ToArray(), avcC.Offset);
    }

    private static Mp4SampleEntry ParseAudio(Mp4Box entry, uint trackId)
    {
        if (entry.Type != Mp4FourCc.Mp4a)
        {
            return new Mp4SampleEntry(entry.Type, AudioCodecName(entry.Type), null, entry.Offset);
        }

        if (entry.Payload.Length < AudioSampleEntrySize)
        {
            throw Mp4Errors.Invalid($"track {trackId}: the 'mp4a' sample entry at offset {entry.Offset} is {entry.Payload.Length + 8} bytes, too short");
        }

        // QuickTime sound description versions 1 and 2 add 16 and 36 bytes (reserved, 0, in ISO files).
        int version = BinaryPrimitives.ReadUInt16BigEndian(entry.Payload[8..]);
        int fieldsSize = version switch
        {
            1 => AudioSampleEntrySize + 16,
            2 => AudioSampleEntrySize + 36,
            _ => AudioSampleEntrySize,
        };
        if (entry.Payload.Length < fieldsSize)
        {
            throw Mp4Errors.Invalid($"track {trackId}: the 'mp4a' sample entry (sound description version {version}) at offset {entry.Offset} is {entry.Payload.Length + 8} bytes, too short");
        }

        ReadOnlySpan<byte> children = entry.Payload[fieldsSize..];
        long childrenOffset = entry.PayloadOffset + fieldsSize;
        if (!Mp4BoxIterator.TryFind(children, childrenOffset, entry.Type, Mp4FourCc.Esds, out Mp4Box esds)
            && !(Mp4BoxIterator.TryFind(children, childrenOffset, entry.Type, Mp4FourCc.Wave, out Mp4Box wave)
                 && Mp4BoxIterator.TryFind(wave.Payload, wave.PayloadOffset, Mp4FourCc.Wave, Mp4FourCc.Esds, out esds)))
        {
            throw Mp4Errors.Invalid($"track {trackId}: the 'mp4a' sample entry at offset {entry.Offset} has no esds box");
        }

        Mp4ElementaryStreamDescriptor descriptor = Mp4ElementaryStreamDescriptor.Parse(esds);
        if (descriptor.ObjectTypeIndication is 0x40 or 0x66 or 0x67 or 0x68)
        {
            if (descriptor.DecoderSpecificInfo is null)
            {
                throw Mp4Errors.Invalid($"track {trackId}: the AAC esds at offset {esds.Offset} has no DecoderSpecificInfo (AudioSpecificConfig)");
            }

            return new Mp4SampleEntry(entry.Type, "AAC", descriptor.DecoderSpecificInfo, esds.Offset);
        }

        string name = descriptor.ObjectTypeIndication switch
        {
            0x69 or 0x6B => "MP3",
            0xA5 => "AC-3",
            0xA6 => "E-AC-3",
            0xAD => "Opus",
            0xDD => "Vorbis",
            _ => "MPEG-4 audio",
        };
        return new Mp4SampleEntry(entry.Type, $"{name} (mp4a, objectTypeIndication 0x{descriptor.ObjectTypeIndication:X2})", null, esds.Offset);
    }

    private static string VideoCodecName(uint format) => format switch
    {
        0x68766331 => "HEVC (hvc1)",
        0x68657631 => "HEVC (hev1)",
        0x61763031 => "AV1 (av01)",
        0x76703039 => "VP9 (vp09)",
        0x76703038 => "VP8 (vp08)",
        0x6D703476 => "MPEG-4 Part 2 (mp4v)",
        0x656E6376 => "encrypted video (encv)",
        0x64766831 or 0x64766865 => $"Dolby Vision ({Mp4FourCc.Name(format)})",
        0x6A706567 => "Motion JPEG (jpeg)",
        0x61706368 or 0x6170636E or 0x61706373 or 0x6170636F or 0x61703468 => $"ProRes ({Mp4FourCc.Name(format)})",
        _ => $"codec '{Mp4FourCc.Name(format)}'",
    };

    private static string AudioCodecName(uint format) => format switch
    {
        0x61632D33 => "AC-3 (ac-3)",
        0x65632D33 => "E-AC-3 (ec-3)",
        0x4F707573 => "Opus (Opus)",
        0x616C6163 => "ALAC (alac)",
        0x664C6143 => "FLAC (fLaC)",
        0x2E6D7033 => "MP3 (.mp3)",
        0x656E6361 => "encrypted audio (enca)",
        0x6C70636D or 0x736F7774 or 0x74776F73 or 0x696E3234 or 0x696E3332 or 0x666C3332 or 0x666C3634 => $"PCM ({Mp4FourCc.Name(format)})",
        0x73616D72 => "AMR (samr)",
        _ => $"codec '{Mp4FourCc.Name(format)}'",
    };
}
