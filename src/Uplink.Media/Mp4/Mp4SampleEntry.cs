using System.Buffers.Binary;

namespace Uplink.Media.Mp4;

/// <summary>
/// The first sample entry of a track's stsd: its codec and, where the codec has one, the decoder configuration
/// (the payload of its configuration box, or the AudioSpecificConfig from the esds descriptors).
/// </summary>
/// <param name="Format">The sample entry type ('avc1', 'mp4a', 'hvc1' …).</param>
/// <param name="CodecName">A human name of the codec, such as "HEVC (hvc1)".</param>
/// <param name="Codec">The codec as the reader publishes it, or <see cref="Mp4Codec.Unsupported"/>.</param>
/// <param name="DecoderConfiguration">The configuration box's payload; empty for codecs whose frames describe themselves.</param>
/// <param name="ConfigurationOffset">The absolute offset of the box the configuration came from.</param>
/// <param name="ConfigurationName">What the configuration is, for messages ("the hvcC box").</param>
internal sealed record Mp4SampleEntry(
    uint Format, string CodecName, Mp4Codec Codec, byte[] DecoderConfiguration, long ConfigurationOffset, string ConfigurationName)
{
    /// <summary>Bytes of a VisualSampleEntry before its child boxes.</summary>
    private const int VisualSampleEntrySize = 78;

    /// <summary>Bytes of an AudioSampleEntry (QuickTime sound description version 0) before its child boxes.</summary>
    private const int AudioSampleEntrySize = 28;

    /// <summary>True when RTMP can carry the codec.</summary>
    public bool IsSupported => Codec != Mp4Codec.Unsupported;

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
        (Mp4Codec codec, uint configurationType, string name) = entry.Type switch
        {
            Mp4FourCc.Avc1 or Mp4FourCc.Avc3 => (Mp4Codec.H264, Mp4FourCc.AvcC, "H.264"),
            Mp4FourCc.Hvc1 or Mp4FourCc.Hev1 => (Mp4Codec.Hevc, Mp4FourCc.HvcC, VideoCodecName(entry.Type)),
            Mp4FourCc.Av01 => (Mp4Codec.Av1, Mp4FourCc.Av1C, "AV1 (av01)"),
            Mp4FourCc.Vp09 => (Mp4Codec.Vp9, Mp4FourCc.VpcC, "VP9 (vp09)"),
            _ => (Mp4Codec.Unsupported, 0u, VideoCodecName(entry.Type)),
        };
        if (codec == Mp4Codec.Unsupported)
        {
            return Unsupported(entry, name);
        }

        if (entry.Payload.Length < VisualSampleEntrySize
            || !Mp4BoxIterator.TryFind(entry.Payload[VisualSampleEntrySize..], entry.PayloadOffset + VisualSampleEntrySize, entry.Type, configurationType, out Mp4Box box))
        {
            throw Mp4Errors.Invalid($"track {trackId}: the '{entry.Name}' sample entry at offset {entry.Offset} has no {Mp4FourCc.Name(configurationType)} box");
        }

        // vpcC is a FullBox: VideoMediaType.Vp9 takes its body with the version and flags.
        return new Mp4SampleEntry(entry.Type, name, codec, box.Payload.ToArray(), box.Offset, $"the {box.Name} box");
    }

    private static Mp4SampleEntry ParseAudio(Mp4Box entry, uint trackId)
    {
        (Mp4Codec codec, uint configurationType) = entry.Type switch
        {
            Mp4FourCc.Mp4a => (Mp4Codec.Aac, Mp4FourCc.Esds),
            Mp4FourCc.Opus => (Mp4Codec.Opus, Mp4FourCc.DOps),
            Mp4FourCc.FLaC => (Mp4Codec.Flac, Mp4FourCc.DfLa),
            Mp4FourCc.Ac3 => (Mp4Codec.Ac3, 0u),
            Mp4FourCc.Eac3 => (Mp4Codec.Eac3, 0u),
            Mp4FourCc.Mp3 => (Mp4Codec.Mp3, 0u),
            _ => (Mp4Codec.Unsupported, 0u),
        };
        if (codec == Mp4Codec.Unsupported)
        {
            return Unsupported(entry, AudioCodecName(entry.Type));
        }

        if (configurationType == 0)
        {
            // AC-3, E-AC-3 and MP3 frames describe themselves; dac3/dec3 repeat what the frame headers say.
            return new Mp4SampleEntry(entry.Type, AudioCodecName(entry.Type), codec, [], entry.Offset, $"the '{entry.Name}' sample entry");
        }

        if (entry.Payload.Length < AudioSampleEntrySize)
        {
            throw Mp4Errors.Invalid($"track {trackId}: the '{entry.Name}' sample entry at offset {entry.Offset} is {entry.Payload.Length + 8} bytes, too short");
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
            throw Mp4Errors.Invalid($"track {trackId}: the '{entry.Name}' sample entry (sound description version {version}) at offset {entry.Offset} is {entry.Payload.Length + 8} bytes, too short");
        }

        ReadOnlySpan<byte> children = entry.Payload[fieldsSize..];
        long childrenOffset = entry.PayloadOffset + fieldsSize;
        if (!Mp4BoxIterator.TryFind(children, childrenOffset, entry.Type, configurationType, out Mp4Box box)
            && !(Mp4BoxIterator.TryFind(children, childrenOffset, entry.Type, Mp4FourCc.Wave, out Mp4Box wave)
                 && Mp4BoxIterator.TryFind(wave.Payload, wave.PayloadOffset, Mp4FourCc.Wave, configurationType, out box)))
        {
            throw Mp4Errors.Invalid($"track {trackId}: the '{entry.Name}' sample entry at offset {entry.Offset} has no {Mp4FourCc.Name(configurationType)} box");
        }

        if (codec != Mp4Codec.Aac)
        {
            // dOps is a plain box and dfLa a FullBox: the factories take either payload as it is.
            return new Mp4SampleEntry(entry.Type, AudioCodecName(entry.Type), codec, box.Payload.ToArray(), box.Offset, $"the {box.Name} box");
        }

        return FromElementaryStreamDescriptor(entry, box, trackId);
    }

    private static Mp4SampleEntry FromElementaryStreamDescriptor(Mp4Box entry, Mp4Box esds, uint trackId)
    {
        Mp4ElementaryStreamDescriptor descriptor = Mp4ElementaryStreamDescriptor.Parse(esds);
        if (descriptor.ObjectTypeIndication is 0x40 or 0x66 or 0x67 or 0x68)
        {
            if (descriptor.DecoderSpecificInfo is null)
            {
                throw Mp4Errors.Invalid($"track {trackId}: the AAC esds at offset {esds.Offset} has no DecoderSpecificInfo (AudioSpecificConfig)");
            }

            return new Mp4SampleEntry(entry.Type, "AAC", Mp4Codec.Aac, descriptor.DecoderSpecificInfo, esds.Offset, "the AudioSpecificConfig in the esds box");
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
        string codecName = $"{name} (mp4a, objectTypeIndication 0x{descriptor.ObjectTypeIndication:X2})";

        // MPEG-1 (0x6B) and MPEG-2 (0x69) audio in mp4a is how FFmpeg and most muxers store MP3; its frames describe themselves.
        return descriptor.ObjectTypeIndication is 0x69 or 0x6B
            ? new Mp4SampleEntry(entry.Type, codecName, Mp4Codec.Mp3, [], esds.Offset, "the esds box")
            : Unsupported(entry, codecName, esds.Offset);
    }

    private static Mp4SampleEntry Unsupported(Mp4Box entry, string codecName, long? offset = null) =>
        new(entry.Type, codecName, Mp4Codec.Unsupported, [], offset ?? entry.Offset, $"the '{entry.Name}' sample entry");

    private static string VideoCodecName(uint format) => format switch
    {
        Mp4FourCc.Hvc1 => "HEVC (hvc1)",
        Mp4FourCc.Hev1 => "HEVC (hev1)",
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
        Mp4FourCc.Ac3 => "AC-3 (ac-3)",
        Mp4FourCc.Eac3 => "E-AC-3 (ec-3)",
        Mp4FourCc.Opus => "Opus (Opus)",
        0x616C6163 => "ALAC (alac)",
        Mp4FourCc.FLaC => "FLAC (fLaC)",
        Mp4FourCc.Mp3 => "MP3 (.mp3)",
        0x656E6361 => "encrypted audio (enca)",
        0x6C70636D or 0x736F7774 or 0x74776F73 or 0x696E3234 or 0x696E3332 or 0x666C3332 or 0x666C3634 => $"PCM ({Mp4FourCc.Name(format)})",
        0x73616D72 => "AMR (samr)",
        _ => $"codec '{Mp4FourCc.Name(format)}'",
    };
}
