namespace Uplink.Media.Mp4;

/// <summary>Turns a track's sample entry into the media type the reader publishes, reporting a malformed configuration with its box and offset.</summary>
internal static class Mp4MediaTypes
{
    /// <summary>The video media type of <paramref name="track"/>, whose sample entry is supported.</summary>
    public static VideoMediaType Video(Mp4Track track)
    {
        Mp4SampleEntry entry = track.SampleEntry;
        try
        {
            return entry.Codec switch
            {
                Mp4Codec.H264 => VideoMediaType.H264(entry.DecoderConfiguration),
                Mp4Codec.Hevc => VideoMediaType.Hevc(entry.DecoderConfiguration),
                Mp4Codec.Av1 => VideoMediaType.Av1(entry.DecoderConfiguration),
                Mp4Codec.Vp9 => VideoMediaType.Vp9(entry.DecoderConfiguration),
                _ => throw Mp4Errors.Unsupported($"{track.Label}: {entry.CodecName} cannot be published over RTMP"),
            };
        }
        catch (ArgumentException e)
        {
            throw Malformed(track, e);
        }
    }

    /// <summary>The audio media type of <paramref name="track"/>, whose sample entry is supported.</summary>
    public static AudioMediaType Audio(Mp4Track track)
    {
        Mp4SampleEntry entry = track.SampleEntry;
        try
        {
            return entry.Codec switch
            {
                Mp4Codec.Aac => AudioMediaType.Aac(entry.DecoderConfiguration),
                Mp4Codec.Opus => AudioMediaType.Opus(entry.DecoderConfiguration),
                Mp4Codec.Flac => AudioMediaType.Flac(entry.DecoderConfiguration),
                Mp4Codec.Ac3 => AudioMediaType.Ac3,
                Mp4Codec.Eac3 => AudioMediaType.Eac3,
                Mp4Codec.Mp3 => AudioMediaType.Mp3,
                _ => throw Mp4Errors.Unsupported($"{track.Label}: {entry.CodecName} cannot be published over RTMP"),
            };
        }
        catch (ArgumentException e)
        {
            throw Malformed(track, e);
        }
    }

    private static InvalidDataException Malformed(Mp4Track track, ArgumentException e)
    {
        // ArgumentException appends " (Parameter '…')" to Message; the reason alone keeps the error one line and about the file.
        string reason = e.InnerException?.Message ?? e.Message;
        return Mp4Errors.Invalid($"{track.Label}: {track.SampleEntry.ConfigurationName} at offset {track.SampleEntry.ConfigurationOffset} is malformed: {reason}");
    }
}
