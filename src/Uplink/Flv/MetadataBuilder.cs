using System.Buffers;
using Uplink.Protocol.Amf;

namespace Uplink.Flv;

/// <summary>
/// What <c>onMetaData</c> says about the stream; unknown values are left out. The codec ids are <c>videocodecid</c> (7,
/// or an Enhanced RTMP FourCC as a number) and <c>audiocodecid</c> (10, 2, or a FourCC), null without that track.
/// </summary>
internal readonly record struct StreamMetadata(
    double? VideoCodecId,
    double? AudioCodecId,
    int? Width,
    int? Height,
    double? FrameRate,
    double? VideoDataRate,
    int? AudioSampleRate,
    int? AudioChannels,
    double? AudioDataRate)
{
    /// <summary>The video tracks after the default one, for <c>videoTrackIdInfoMap</c>; null for none.</summary>
    public IReadOnlyList<TrackMetadata>? AdditionalVideo { get; init; }

    /// <summary>The audio tracks after the default one, for <c>audioTrackIdInfoMap</c>; null for none.</summary>
    public IReadOnlyList<TrackMetadata>? AdditionalAudio { get; init; }
}

/// <summary>One non-default track's entry in an Enhanced RTMP track info map; unknown values are left out.</summary>
internal readonly record struct TrackMetadata(
    int TrackId,
    double CodecId,
    int? Width,
    int? Height,
    double? FrameRate,
    double? DataRate,
    int? SampleRate,
    int? Channels);

/// <summary>Builds the <c>@setDataFrame onMetaData</c> data message, as FFmpeg's FLV muxer and FMLE send it.</summary>
internal static class MetadataBuilder
{
    public static void Write(IBufferWriter<byte> output, in StreamMetadata m)
    {
        Amf0Writer.WriteString(output, "@setDataFrame");
        Amf0Writer.WriteString(output, "onMetaData");
        var props = new AmfObject(isEcmaArray: true);
        props.Add("duration", 0d);
        if (m.VideoCodecId is double videoCodecId)
        {
            if (m.Width is int w)
            {
                props.Add("width", (double)w);
            }

            if (m.Height is int h)
            {
                props.Add("height", (double)h);
            }

            if (m.VideoDataRate is double vr)
            {
                props.Add("videodatarate", vr);
            }

            if (m.FrameRate is double fps)
            {
                props.Add("framerate", fps);
            }

            props.Add("videocodecid", videoCodecId);
        }

        if (m.AudioCodecId is double audioCodecId)
        {
            if (m.AudioDataRate is double ar)
            {
                props.Add("audiodatarate", ar);
            }

            if (m.AudioSampleRate is int rate)
            {
                props.Add("audiosamplerate", (double)rate);
            }

            props.Add("audiosamplesize", 16d);
            if (m.AudioChannels is int ch)
            {
                props.Add("audiochannels", (double)ch);
                props.Add("stereo", ch >= 2);
            }

            props.Add("audiocodecid", audioCodecId);
        }

        if (m.AdditionalVideo is { Count: > 0 } videoTracks)
        {
            props.Add("videoTrackIdInfoMap", InfoMap(videoTracks, video: true));
        }

        if (m.AdditionalAudio is { Count: > 0 } audioTracks)
        {
            props.Add("audioTrackIdInfoMap", InfoMap(audioTracks, video: false));
        }

        props.Add("encoder", "Uplink " + UplinkVersion.Value);
        props.Add("filesize", 0d);
        Amf0Writer.WriteValue(output, props);
    }

    /// <summary>An Enhanced RTMP track info map: the track id (as the key's text) to the track's own onMetaData fields.</summary>
    private static AmfObject InfoMap(IReadOnlyList<TrackMetadata> tracks, bool video)
    {
        var map = new AmfObject();
        foreach (TrackMetadata t in tracks)
        {
            var track = new AmfObject();
            if (video)
            {
                Add(track, "width", t.Width);
                Add(track, "height", t.Height);
                Add(track, "framerate", t.FrameRate);
                Add(track, "videodatarate", t.DataRate);
                track.Add("videocodecid", t.CodecId);
            }
            else
            {
                Add(track, "audiodatarate", t.DataRate);
                Add(track, "audiosamplerate", t.SampleRate);
                Add(track, "audiochannels", t.Channels);
                track.Add("audiocodecid", t.CodecId);
            }

            map.Add(t.TrackId.ToString(System.Globalization.CultureInfo.InvariantCulture), track);
        }

        return map;
    }

    private static void Add(AmfObject target, string name, double? value)
    {
        if (value is double v)
        {
            target.Add(name, v);
        }
    }
}
