using Uplink.Buffers;
using Uplink.Flv.Parsing;
using Uplink.Messages;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Streaming;

namespace Uplink.Relaying;

/// <summary>
/// The relay's stream: messages as a publisher sent them (FLV tag bodies, legacy or Enhanced RTMP, Multitrack included),
/// each copied once into the arena and handed to every destination unchanged. It reads just enough of each to let the
/// destinations do their job — which track, keyframe or not, configuration or frame — and keeps the latest onMetaData,
/// sequence headers and descriptors per track, which every new connection starts with.
/// </summary>
/// <remarks>Not thread-safe: the relay calls it under its lock.</remarks>
internal sealed class RelayStream : IStreamSource, IDisposable
{
    private const int MaxTracks = 256;
    private const long Wrap = 1L << 32;

    private readonly MessageArena _arena = new();
    private readonly byte[]?[] _videoHeaders = new byte[MaxTracks][];
    private readonly byte[]?[] _audioHeaders = new byte[MaxTracks][];
    private readonly byte[]?[] _videoDescriptors = new byte[MaxTracks][];
    private readonly byte[]?[] _audioDescriptors = new byte[MaxTracks][];
    private readonly VideoCodec?[] _videoCodecs = new VideoCodec?[MaxTracks];
    private readonly AudioCodec?[] _audioCodecs = new AudioCodec?[MaxTracks];
    private IMessageSink? _sink;
    private byte[]? _metadata;
    private long _videoFrames;
    private long _audioFrames;
    private long _lastTimestamp = -1;
    private bool _enhancedH264;

    public int VideoTrackCount => MaxTracks;

    public int AudioTrackCount => MaxTracks;

    /// <summary>A track after the first has shown up.</summary>
    public bool IsMultitrack { get; private set; }

    public long VideoFramesAccepted => Interlocked.Read(ref _videoFrames);

    public long AudioFramesAccepted => Interlocked.Read(ref _audioFrames);

    public void Attach(IMessageSink sink) => _sink = sink;

    /// <summary>Messages leave as they arrive: the publisher interleaved them.</summary>
    public void Flush(bool drain)
    {
    }

    /// <summary>
    /// Takes one message as received: audio and video go to the destinations; onMetaData is kept for the start of every
    /// connection; other data messages (cue points, timecode, text) go on as they are.
    /// </summary>
    /// <param name="type">Audio, Video or DataAmf0; anything else is ignored.</param>
    /// <param name="timestamp">The message's timestamp (32-bit, wrapping).</param>
    /// <param name="body">The FLV tag body.</param>
    public void Add(RtmpMessageType type, uint timestamp, ReadOnlySpan<byte> body)
    {
        long ms = Unwrap(timestamp);
        switch (type)
        {
            case RtmpMessageType.Video:
                AddVideo(ms, body);
                break;
            case RtmpMessageType.Audio:
                AddAudio(ms, body);
                break;
            case RtmpMessageType.DataAmf0:
                AddData(ms, body);
                break;
        }
    }

    /// <summary>Whether <paramref name="body"/> is coded audio or video (not a configuration): the moment the relay starts its destinations.</summary>
    public static bool IsMedia(RtmpMessageType type, ReadOnlySpan<byte> body) => type switch
    {
        RtmpMessageType.Video => FlvVideoTagHeader.Read(body).Kind is FlvPacketKind.CodedFrames or FlvPacketKind.Multitrack,
        RtmpMessageType.Audio => FlvAudioTagHeader.Read(body).Kind is FlvPacketKind.CodedFrames or FlvPacketKind.Multitrack,
        _ => false,
    };

    /// <summary>Destination settings naming the codecs seen so far, so <c>connect</c> announces what Enhanced RTMP needs.</summary>
    public RtmpWriterOptions Describe(RtmpWriterOptions options)
    {
        VideoCodec? video = _videoCodecs[0];
        AudioCodec? audio = _audioCodecs[0];
        return options with
        {
            Video = video is VideoCodec v ? VideoMediaType.OfCodec(v) : null,
            Audio = audio is AudioCodec a ? AudioMediaType.OfCodec(a) : (video is null ? AudioMediaType.AacAdts : null),
            EnhancedH264 = _enhancedH264,
            AdditionalVideoTracks = video is null ? [] : [.. _videoCodecs.Skip(1).OfType<VideoCodec>().Select(VideoMediaType.OfCodec)],
            AdditionalAudioTracks = audio is null ? [] : [.. _audioCodecs.Skip(1).OfType<AudioCodec>().Select(AudioMediaType.OfCodec)],
        };
    }

    public void WriteStart(IStreamStartSink sink, bool allTracks, PooledBufferWriter scratch)
    {
        if (_metadata is { } metadata)
        {
            sink.Metadata(metadata);
        }

        int tracks = allTracks ? MaxTracks : 1;
        for (int track = 0; track < tracks; track++)
        {
            if (_audioHeaders[track] is { } header)
            {
                sink.Configuration(video: false, (byte)track, header, descriptor: false);
            }

            if (_audioDescriptors[track] is { } descriptor)
            {
                sink.Configuration(video: false, (byte)track, descriptor, descriptor: true);
            }
        }

        for (int track = 0; track < tracks; track++)
        {
            if (_videoHeaders[track] is { } header)
            {
                sink.Configuration(video: true, (byte)track, header, descriptor: false);
            }

            if (_videoDescriptors[track] is { } descriptor)
            {
                sink.Configuration(video: true, (byte)track, descriptor, descriptor: true);
            }
        }
    }

    public void Dispose() => _arena.Dispose();

    private void AddVideo(long ms, ReadOnlySpan<byte> body)
    {
        (FlvVideoTagHeader header, int track) = ReadVideo(body);
        bool configuration = header.Kind is not FlvPacketKind.CodedFrames;
        if (header.Kind == FlvPacketKind.SequenceStart)
        {
            _videoHeaders[track] = body.ToArray();
            _videoCodecs[track] = header.Codec;
            _enhancedH264 |= track == 0 && header.Codec == VideoCodec.H264 && header.IsEnhanced;
        }
        else if (header.Kind == FlvPacketKind.Metadata)
        {
            _videoDescriptors[track] = body.ToArray();
        }
        else if (!configuration)
        {
            Interlocked.Increment(ref _videoFrames);
        }

        // Frame type 3 is FLV's disposable inter frame: what live mode drops first.
        bool disposable = !configuration && body.Length > 0 && ((body[0] >> 4) & 7) == 3;
        Forward(_arena.Create(RtmpMessageType.Video, ms, body, configuration, disposable) with { Track = (byte)track });
    }

    private void AddAudio(long ms, ReadOnlySpan<byte> body)
    {
        (FlvAudioTagHeader header, int track) = ReadAudio(body);
        bool configuration = header.Kind is not FlvPacketKind.CodedFrames;
        if (header.Kind == FlvPacketKind.SequenceStart)
        {
            _audioHeaders[track] = body.ToArray();
            _audioCodecs[track] = header.Codec;
        }
        else if (header.Kind == FlvPacketKind.MultichannelConfig)
        {
            _audioDescriptors[track] = body.ToArray();
        }
        else if (!configuration)
        {
            _audioCodecs[track] ??= header.Codec;
            Interlocked.Increment(ref _audioFrames);
        }

        Forward(_arena.Create(RtmpMessageType.Audio, ms, body, configuration) with { Track = (byte)track });
    }

    private void AddData(long ms, ReadOnlySpan<byte> body)
    {
        var reader = new Amf0Reader(body);
        string? name = ReadName(ref reader);
        if (name == "@setDataFrame")
        {
            int at = reader.Position;
            name = ReadName(ref reader);
            if (name == "onMetaData")
            {
                // Kept as a plain onMetaData, the form every start of a connection sends.
                _metadata = body[at..].ToArray();
                NoteCodecs(ref reader);
                return;
            }
        }
        else if (name == "onMetaData")
        {
            _metadata = body.ToArray();
            NoteCodecs(ref reader);
            return;
        }

        Forward(_arena.Create(RtmpMessageType.DataAmf0, ms, body, isConfiguration: true));
    }

    /// <summary>
    /// The codecs onMetaData names, for tracks whose configuration has not come yet (a track's parameter sets may first
    /// arrive in band, after the destinations connect): <c>videocodecid</c>/<c>audiocodecid</c> and the Multitrack info maps.
    /// </summary>
    private void NoteCodecs(ref Amf0Reader reader)
    {
        AmfObject? properties;
        try
        {
            properties = reader.IsAtEnd ? null : reader.ReadValue() as AmfObject;
        }
        catch (InvalidDataException)
        {
            return;
        }

        if (properties is null)
        {
            return;
        }

        _videoCodecs[0] ??= VideoCodecOf(properties.GetNumber("videocodecid"));
        _audioCodecs[0] ??= AudioCodecOf(properties.GetNumber("audiocodecid"));
        foreach ((int id, double? codec) in Tracks(properties["videoTrackIdInfoMap"] as AmfObject, "videocodecid"))
        {
            _videoCodecs[id] ??= VideoCodecOf(codec);
            IsMultitrack = true;
        }

        foreach ((int id, double? codec) in Tracks(properties["audioTrackIdInfoMap"] as AmfObject, "audiocodecid"))
        {
            _audioCodecs[id] ??= AudioCodecOf(codec);
            IsMultitrack = true;
        }
    }

    /// <summary>An info map's tracks ("1", "2", …) and the codec id each names.</summary>
    private static IEnumerable<(int Id, double? Codec)> Tracks(AmfObject? map, string codecKey) =>
        map is null ? [] : map.Properties
            .Where(t => t.Value is AmfObject)
            .Select(t => (Id: int.TryParse(t.Key, System.Globalization.CultureInfo.InvariantCulture, out int id) ? id : 0, Codec: ((AmfObject)t.Value!).GetNumber(codecKey)))
            .Where(t => t.Id is > 0 and < MaxTracks);

    private static VideoCodec? VideoCodecOf(double? id) => id switch
    {
        7 or FlvFourCc.Avc1 => VideoCodec.H264,
        12 or FlvFourCc.Hvc1 => VideoCodec.Hevc,
        FlvFourCc.Av01 => VideoCodec.Av1,
        FlvFourCc.Vp09 => VideoCodec.Vp9,
        _ => null,
    };

    private static AudioCodec? AudioCodecOf(double? id) => id switch
    {
        10 or FlvFourCc.Mp4a => AudioCodec.Aac,
        2 or FlvFourCc.Mp3 => AudioCodec.Mp3,
        FlvFourCc.Opus => AudioCodec.Opus,
        FlvFourCc.Flac => AudioCodec.Flac,
        FlvFourCc.Ac3 => AudioCodec.Ac3,
        FlvFourCc.Eac3 => AudioCodec.Eac3,
        _ => null,
    };

    private static string? ReadName(ref Amf0Reader reader)
    {
        try
        {
            return reader.IsAtEnd ? null : reader.ReadValue() as string;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The header and track of a video message: a Multitrack message counts as its first track's.</summary>
    private (FlvVideoTagHeader Header, int Track) ReadVideo(ReadOnlySpan<byte> body)
    {
        try
        {
            var tracks = new FlvVideoTracks(body);
            if (tracks.MoveNext())
            {
                IsMultitrack |= tracks.Current.TrackId > 0;
                return (tracks.Current, tracks.Current.TrackId);
            }
        }
        catch (InvalidDataException)
        {
            // A broken Multitrack framing still goes on as it came; the servers judge it.
        }

        return (FlvVideoTagHeader.Read(body), 0);
    }

    private (FlvAudioTagHeader Header, int Track) ReadAudio(ReadOnlySpan<byte> body)
    {
        try
        {
            var tracks = new FlvAudioTracks(body);
            if (tracks.MoveNext())
            {
                IsMultitrack |= tracks.Current.TrackId > 0;
                return (tracks.Current, tracks.Current.TrackId);
            }
        }
        catch (InvalidDataException)
        {
        }

        return (FlvAudioTagHeader.Read(body), 0);
    }

    private void Forward(in OutgoingMessage message)
    {
        if (_sink is { } sink)
        {
            sink.Enqueue(message);
        }
        else
        {
            message.Release();
        }
    }

    /// <summary>RTMP timestamps are 32 bits and wrap after ~49.7 days; the destinations count on ones that never go back.</summary>
    private long Unwrap(uint timestamp)
    {
        long ms = _lastTimestamp < 0 ? timestamp : (_lastTimestamp & ~(Wrap - 1)) + timestamp;
        if (_lastTimestamp >= 0 && ms < _lastTimestamp - (Wrap / 2))
        {
            ms += Wrap;
        }
        else if (_lastTimestamp >= 0 && ms > _lastTimestamp + (Wrap / 2) && ms >= Wrap)
        {
            ms -= Wrap;
        }

        _lastTimestamp = Math.Max(_lastTimestamp, ms);
        return ms;
    }
}
