namespace Uplink.Media.Matroska;

/// <summary>Parses the Tracks element into <see cref="MatroskaTrack"/>s, every track whatever its type or codec.</summary>
internal static class MatroskaTrackParser
{
    /// <summary>The largest CodecPrivate or ContentCompSettings kept (decoder configurations are a few KiB at most).</summary>
    internal const int MaxCodecPrivateSize = 1024 * 1024;

    /// <summary>Parses the Tracks element's data at <paramref name="offset"/>.</summary>
    /// <exception cref="InvalidDataException">An element is malformed, or a track has no or a duplicate TrackNumber.</exception>
    public static List<MatroskaTrack> Parse(ReadOnlySpan<byte> data, long offset)
    {
        var tracks = new List<MatroskaTrack>();
        var entries = new EbmlChildren(data, offset, "Tracks element");
        while (entries.MoveNext(out uint id, out ReadOnlySpan<byte> entry, out long at))
        {
            if (id != MatroskaIds.TrackEntry)
            {
                continue;
            }

            MatroskaTrack track = ParseEntry(entry, at);
            if (track.Number == 0)
            {
                throw MatroskaErrors.Invalid($"the TrackEntry at offset {at} has no TrackNumber (or 0)");
            }

            if (tracks.Exists(t => t.Number == track.Number))
            {
                throw MatroskaErrors.Invalid($"the TrackEntry at offset {at} repeats TrackNumber {track.Number}");
            }

            tracks.Add(track);
        }

        return tracks;
    }

    private static MatroskaTrack ParseEntry(ReadOnlySpan<byte> entry, long offset)
    {
        var track = new MatroskaTrack { Offset = offset };
        var children = new EbmlChildren(entry, offset, "TrackEntry");
        while (children.MoveNext(out uint id, out ReadOnlySpan<byte> payload, out long at))
        {
            switch (id)
            {
                case MatroskaIds.TrackNumber:
                    track.Number = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.TrackType:
                    track.Type = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.CodecId:
                    track.CodecId = Ebml.ReadString(payload);
                    break;
                case MatroskaIds.CodecPrivate:
                    track.CodecPrivate = Bounded(payload, at, "CodecPrivate");
                    track.CodecPrivateOffset = at;
                    break;
                case MatroskaIds.CodecDelay:
                    track.CodecDelay = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.SeekPreRoll:
                    track.SeekPreRoll = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.DefaultDuration:
                    track.DefaultDuration = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.FlagEnabled:
                    track.IsEnabled = Ebml.ReadUnsigned(payload) != 0;
                    break;
                case MatroskaIds.FlagDefault:
                    track.IsDefault = Ebml.ReadUnsigned(payload) != 0;
                    break;
                case MatroskaIds.FlagForced:
                    track.IsForced = Ebml.ReadUnsigned(payload) != 0;
                    break;
                case MatroskaIds.Name:
                    track.Name = Ebml.ReadString(payload);
                    break;
                case MatroskaIds.Language:
                    track.Language = Ebml.ReadString(payload);
                    break;
                case MatroskaIds.Video:
                    ParseVideo(payload, at, track);
                    break;
                case MatroskaIds.Audio:
                    ParseAudio(payload, at, track);
                    break;
                case MatroskaIds.ContentEncodings:
                    ParseEncodings(payload, at, track);
                    break;
            }
        }

        return track;
    }

    private static void ParseVideo(ReadOnlySpan<byte> data, long offset, MatroskaTrack track)
    {
        var children = new EbmlChildren(data, offset, "Video element");
        while (children.MoveNext(out uint id, out ReadOnlySpan<byte> payload, out _))
        {
            switch (id)
            {
                case MatroskaIds.PixelWidth:
                    track.PixelWidth = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.PixelHeight:
                    track.PixelHeight = Ebml.ReadUnsigned(payload);
                    break;
            }
        }
    }

    private static void ParseAudio(ReadOnlySpan<byte> data, long offset, MatroskaTrack track)
    {
        var children = new EbmlChildren(data, offset, "Audio element");
        while (children.MoveNext(out uint id, out ReadOnlySpan<byte> payload, out _))
        {
            switch (id)
            {
                case MatroskaIds.SamplingFrequency:
                    track.SamplingFrequency = Ebml.ReadFloat(payload);
                    break;
                case MatroskaIds.OutputSamplingFrequency:
                    track.OutputSamplingFrequency = Ebml.ReadFloat(payload);
                    break;
                case MatroskaIds.Channels:
                    track.Channels = Ebml.ReadUnsigned(payload);
                    break;
                case MatroskaIds.BitDepth:
                    track.BitDepth = Ebml.ReadUnsigned(payload);
                    break;
            }
        }
    }

    private static void ParseEncodings(ReadOnlySpan<byte> data, long offset, MatroskaTrack track)
    {
        var encodings = new EbmlChildren(data, offset, "ContentEncodings element");
        while (encodings.MoveNext(out uint id, out ReadOnlySpan<byte> encoding, out long at))
        {
            if (id != MatroskaIds.ContentEncoding)
            {
                continue;
            }

            ulong scope = 1, type = 0, algorithm = 0;
            bool encrypted = false;
            byte[] settings = [];
            var fields = new EbmlChildren(encoding, at, "ContentEncoding element");
            while (fields.MoveNext(out uint field, out ReadOnlySpan<byte> payload, out long fieldAt))
            {
                switch (field)
                {
                    case MatroskaIds.ContentEncodingScope:
                        scope = Ebml.ReadUnsigned(payload);
                        break;
                    case MatroskaIds.ContentEncodingType:
                        type = Ebml.ReadUnsigned(payload);
                        break;
                    case MatroskaIds.ContentEncryption:
                        encrypted = true; // whatever the type says, encryption settings mean encrypted frames
                        break;
                    case MatroskaIds.ContentCompression:
                        var compression = new EbmlChildren(payload, fieldAt, "ContentCompression element");
                        while (compression.MoveNext(out uint setting, out ReadOnlySpan<byte> value, out long settingAt))
                        {
                            if (setting == MatroskaIds.ContentCompAlgo)
                            {
                                algorithm = Ebml.ReadUnsigned(value);
                            }
                            else if (setting == MatroskaIds.ContentCompSettings)
                            {
                                settings = Bounded(value, settingAt, "ContentCompSettings");
                            }
                        }

                        break;
                }
            }

            track.Encodings.Add(new MatroskaContentEncoding(scope, encrypted ? 1 : type, algorithm, settings));
        }
    }

    private static byte[] Bounded(ReadOnlySpan<byte> payload, long offset, string name)
    {
        if (payload.Length > MaxCodecPrivateSize)
        {
            throw MatroskaErrors.Invalid($"the {name} at offset {offset} is {payload.Length} bytes, more than the limit of {MaxCodecPrivateSize}");
        }

        return payload.ToArray();
    }
}
