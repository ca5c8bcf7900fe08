using Uplink.Codecs;
using Uplink.Flv;
using Uplink.Flv.Parsing;
using Uplink.Protocol.Amf;

namespace Uplink.Session;

/// <summary>
/// The Enhanced RTMP part of <c>connect</c>: what we declare (the codecs we can send, as <c>fourCcList</c> and the
/// <c>videoFourCcInfoMap</c>/<c>audioFourCcInfoMap</c> with CanEncode, and <c>capsEx</c>), and what the server's answer
/// says it takes. Declared only for a stream that uses a FourCC codec, so a legacy H.264/AAC connect stays as it was.
/// </summary>
/// <param name="Video">The stream's video codec, null without video.</param>
/// <param name="Audio">The stream's audio codec, null without audio.</param>
/// <param name="EnhancedH264">H.264 goes out in the Enhanced RTMP form (<see cref="RtmpWriterOptions.EnhancedH264"/>).</param>
/// <param name="AdditionalVideo">The codecs of the video tracks after the default one (Multitrack packets).</param>
/// <param name="AdditionalAudio">The codecs of the audio tracks after the default one.</param>
internal sealed record EnhancedRtmpCapabilities(VideoCodec? Video, AudioCodec? Audio, bool EnhancedH264 = false, IReadOnlyList<VideoCodec>? AdditionalVideo = null, IReadOnlyList<AudioCodec>? AdditionalAudio = null)
{
    private const int CanDecode = 0x01;
    private const int CanEncode = 0x02;
    private const int CanForward = 0x04;

    /// <summary>CapsExMask.Reconnect: the writer follows a server's NetConnection.Connect.ReconnectRequest.</summary>
    private const int CapsExReconnect = 0x01;

    /// <summary>CapsExMask.Multitrack: several tracks of a kind in one stream.</summary>
    private const int CapsExMultitrack = 0x02;

    /// <summary>CapsExMask.ModEx: packets may carry ModEx (the writer's TimestampOffsetNano, on tracks after the first).</summary>
    private const int CapsExModEx = 0x04;

    private static readonly VideoCodec[] VideoCodecs = [VideoCodec.Hevc, VideoCodec.Av1, VideoCodec.Vp9, VideoCodec.H264];
    private static readonly AudioCodec[] AudioCodecs = [AudioCodec.Opus, AudioCodec.Flac, AudioCodec.Ac3, AudioCodec.Eac3, AudioCodec.Mp3, AudioCodec.Aac];

    /// <summary>True when the stream needs Enhanced RTMP: a video codec other than H.264, or audio other than AAC and MP3.</summary>
    public bool IsEnhanced => EnhancedVideo || Audio is AudioCodec a && a is not (AudioCodec.Aac or AudioCodec.Mp3) || IsMultitrack;

    /// <summary>True when the stream has more than one track of a kind: its other tracks need Multitrack packets.</summary>
    public bool IsMultitrack => AdditionalVideo is { Count: > 0 } || AdditionalAudio is { Count: > 0 };

    /// <summary>True when the video goes out with a FourCC: any codec but legacy H.264.</summary>
    private bool EnhancedVideo => Video is VideoCodec v && (v != VideoCodec.H264 || EnhancedH264);

    /// <summary>For the writer's options.</summary>
    public static EnhancedRtmpCapabilities For(RtmpWriterOptions options) => new(
        options.Video?.Codec,
        options.Audio?.Codec,
        options.EnhancedH264,
        options.AdditionalVideoTracks.Select(t => t.Codec).ToArray(),
        options.AdditionalAudioTracks.Select(t => t.Codec).ToArray());

    /// <summary>Adds the Enhanced RTMP properties to a <c>connect</c> command object, when the stream needs them.</summary>
    public void AddTo(AmfObject connect)
    {
        if (!IsEnhanced)
        {
            return;
        }

        var fourCcs = new List<object?>();
        var video = new AmfObject();
        foreach (VideoCodec codec in VideoCodecs)
        {
            string fourCc = FlvFourCc.ToText(FlvTags.FourCcOf(codec));
            fourCcs.Add(fourCc);
            video.Add(fourCc, (double)CanEncode);
        }

        var audio = new AmfObject();
        foreach (AudioCodec codec in AudioCodecs)
        {
            string fourCc = FlvFourCc.ToText(FlvTags.FourCcOf(codec));
            fourCcs.Add(fourCc);
            audio.Add(fourCc, (double)CanEncode);
        }

        connect["fourCcList"] = fourCcs;
        connect["videoFourCcInfoMap"] = video;
        connect["audioFourCcInfoMap"] = audio;
        connect["capsEx"] = (double)(CapsExReconnect | (IsMultitrack ? CapsExMultitrack | CapsExModEx : 0));
    }

    /// <summary>
    /// Whether a destination may be sent the tracks after the default ones (Multitrack packets), from what it said: a
    /// connect answer with <c>capsEx</c> must have the Multitrack bit, one that lists codecs must list the tracks' codecs,
    /// and nginx-rtmp (told apart by its publish answer, see <see cref="FindPublishRefusal"/>) cannot. A server that says
    /// nothing (FFmpeg's listener) is sent every track.
    /// </summary>
    /// <returns>Null when it may; otherwise why not, for the warning that it gets the default tracks only.</returns>
    public string? FindMultitrackRefusal(AmfObject? connectAnswer, RtmpServerStatus published)
    {
        if (!IsMultitrack)
        {
            return null;
        }

        if (connectAnswer?["capsEx"] is double caps && ((int)caps & CapsExMultitrack) == 0)
        {
            return $"its connect answer's capsEx ({(int)caps}) lacks the Multitrack capability";
        }

        if (connectAnswer is not null)
        {
            foreach (VideoCodec codec in AdditionalVideo ?? [])
            {
                if (Refuses(connectAnswer, "videoFourCcInfoMap", FlvTags.FourCcOf(codec)) is { } list)
                {
                    return $"it does not take {StreamDescription.Name(codec)} video: its connect answer lists {list}";
                }
            }

            foreach (AudioCodec codec in AdditionalAudio ?? [])
            {
                if (Refuses(connectAnswer, "audioFourCcInfoMap", FlvTags.FourCcOf(codec)) is { } list)
                {
                    return $"it does not take {StreamDescription.Name(codec)} audio: its connect answer lists {list}";
                }
            }
        }

        bool listsCodecs = connectAnswer is not null && (connectAnswer["videoFourCcInfoMap"] is AmfObject || connectAnswer["fourCcList"] is IList<object?>);
        if (!listsCodecs && connectAnswer?["capsEx"] is null && published.Description == "Start publishing")
        {
            return "it looks like nginx-rtmp (it answered publish with \"Start publishing\" and says nothing of Enhanced RTMP), which would record the other tracks' packets as the default track's";
        }

        return null;
    }

    /// <summary>
    /// What the server's <c>connect</c> answer says against the stream's codecs: a codec its info map or FourCC list leaves
    /// out. A server that says nothing about codecs (nginx-rtmp, FFmpeg's listener, Node-Media-Server) is tried, as OBS does.
    /// </summary>
    /// <returns>Null when nothing speaks against the stream; otherwise the one-line reason.</returns>
    public string? FindRefusal(AmfObject? answer)
    {
        if (!IsEnhanced || answer is null)
        {
            return null;
        }

        if (EnhancedVideo && Video is VideoCodec v && Refuses(answer, "videoFourCcInfoMap", FlvTags.FourCcOf(v)) is { } videoList)
        {
            return $"the server does not take {Name(v)} video: its connect answer lists {videoList}";
        }

        if (Audio is AudioCodec a && a is not (AudioCodec.Aac or AudioCodec.Mp3) && Refuses(answer, "audioFourCcInfoMap", FlvTags.FourCcOf(a)) is { } audioList)
        {
            return $"the server does not take {StreamDescription.Name(a)} audio: its connect answer lists {audioList}";
        }

        return null;
    }

    /// <summary>
    /// nginx-rtmp (1.2.2 and the forks that kept its status texts) predates Enhanced RTMP: it takes the publish, then waits
    /// for a keyframe it can recognise, which an extended video header never is, so no picture reaches its players or
    /// recordings (Enhanced audio passes). It says nothing about codecs in <c>connect</c>; its publish answer,
    /// "Start publishing", is what tells it apart from servers that do carry the stream. A fork that lists the codec in
    /// its connect answer is believed instead.
    /// </summary>
    /// <returns>Null when nothing speaks against the stream; otherwise the one-line reason.</returns>
    public string? FindPublishRefusal(AmfObject? connectAnswer, RtmpServerStatus published)
    {
        bool listsCodecs = connectAnswer is not null && (connectAnswer["videoFourCcInfoMap"] is AmfObject || connectAnswer["fourCcList"] is IList<object?>);
        if (EnhancedVideo && Video is VideoCodec v && !listsCodecs && published.Description == "Start publishing")
        {
            return $"the server looks like nginx-rtmp (it answered publish with \"Start publishing\" and lists no Enhanced RTMP codecs), which drops {Name(v)} video: it would reach neither its players nor its recordings; publish H.264 to it";
        }

        return null;
    }

    /// <returns>What the server lists, when it lists codecs and not this one; null when it takes it or lists nothing.</returns>
    private static string? Refuses(AmfObject answer, string mapName, uint fourCc)
    {
        string wanted = FlvFourCc.ToText(fourCc);
        if (answer[mapName] is AmfObject map)
        {
            foreach ((string key, object? value) in map.Properties)
            {
                if ((key == "*" || key == wanted) && value is double flags && ((int)flags & (CanDecode | CanForward)) != 0)
                {
                    return null;
                }
            }

            return map.Count == 0 ? "no codec" : string.Join(", ", map.Properties.Select(p => p.Key));
        }

        if (answer["fourCcList"] is IList<object?> list && list.Count > 0)
        {
            return list.Any(e => e is string s && (s == "*" || s == wanted))
                ? null
                : string.Join(", ", list.OfType<string>());
        }

        return null;
    }

    private static string Name(VideoCodec codec) => codec == VideoCodec.H264 ? "Enhanced RTMP H.264" : StreamDescription.Name(codec);
}
