namespace Uplink.IntegrationTests.Media;

/// <summary>Publishes a <see cref="PacketDump"/> with <see cref="RtmpWriter"/>, using the media types the library builds from FFmpeg's extradata.</summary>
public static class DumpPublisher
{
    /// <summary>Connects, writes every packet in file order, disconnects.</summary>
    public static async Task PublishAsync(PacketDump dump, string url, RtmpTlsOptions? tls = null, bool enhancedH264 = false)
    {
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = url,
            Video = dump.Video is { } v ? VideoType(v) : null,
            Audio = dump.Audio is { } a ? AudioType(a) : null,
            AllowBFrames = true,
            EnhancedH264 = enhancedH264,
            Tls = tls ?? new RtmpTlsOptions(),
        });
        await writer.ConnectAsync();
        foreach (var packet in dump.Packets)
        {
            if (packet.StreamIndex == dump.Video?.Index)
            {
                await writer.WriteVideoAsync(packet.Data, packet.Dts, packet.Pts);
            }
            else if (packet.StreamIndex == dump.Audio?.Index)
            {
                await writer.WriteAudioAsync(packet.Data, packet.Pts);
            }
        }

        await writer.DisconnectAsync();
    }

    /// <summary>
    /// Publishes every stream of the dump as a multitrack stream: the first video and audio streams are tracks 0 (the
    /// default tracks), the others tracks 1, 2, … of their kind in stream order.
    /// </summary>
    public static async Task PublishAllTracksAsync(PacketDump dump, string url)
    {
        DumpedStream[] video = [.. dump.Streams.Where(s => s.Kind == MediaKind.Video)];
        DumpedStream[] audio = [.. dump.Streams.Where(s => s.Kind == MediaKind.Audio)];
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = url,
            Video = video.Length > 0 ? VideoType(video[0]) : null,
            Audio = audio.Length > 0 ? AudioType(audio[0]) : null,
            AdditionalVideoTracks = [.. video.Skip(1).Select(VideoType)],
            AdditionalAudioTracks = [.. audio.Skip(1).Select(AudioType)],
            AllowBFrames = true,
        });
        await writer.ConnectAsync();
        foreach (var packet in dump.Packets)
        {
            int v = Array.FindIndex(video, s => s.Index == packet.StreamIndex);
            int a = Array.FindIndex(audio, s => s.Index == packet.StreamIndex);
            if (v >= 0)
            {
                await writer.WriteVideoAsync(v, packet.Data, packet.Dts, packet.Pts);
            }
            else if (a >= 0)
            {
                await writer.WriteAudioAsync(a, packet.Data, packet.Pts);
            }
        }

        await writer.DisconnectAsync();
    }

    /// <summary>The media type for FFmpeg's codec name and extradata.</summary>
    public static VideoMediaType VideoType(DumpedStream stream) => stream.Codec switch
    {
        "h264" => VideoMediaType.H264(stream.Extradata),
        "hevc" => VideoMediaType.Hevc(stream.Extradata),
        "av1" => stream.Extradata.Length > 0 ? VideoMediaType.Av1(stream.Extradata) : VideoMediaType.Av1(),
        "vp9" => stream.Extradata.Length > 0 ? VideoMediaType.Vp9(stream.Extradata) : VideoMediaType.Vp9(),
        _ => throw new NotSupportedException(stream.Codec),
    };

    /// <summary>The media type for FFmpeg's codec name and extradata.</summary>
    public static AudioMediaType AudioType(DumpedStream stream) => stream.Codec switch
    {
        "aac" => AudioMediaType.Aac(stream.Extradata),
        "opus" => AudioMediaType.Opus(stream.Extradata),
        "flac" => AudioMediaType.Flac(stream.Extradata),
        "ac3" => AudioMediaType.Ac3,
        "eac3" => AudioMediaType.Eac3,
        "mp3" => AudioMediaType.Mp3,
        _ => throw new NotSupportedException(stream.Codec),
    };
}
