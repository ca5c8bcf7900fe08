using Microsoft.Extensions.Logging;
using Uplink.Buffers;
using Uplink.Protocol.Chunks;
using Uplink.Codecs;
using Uplink.Flv;
using Uplink.Messages;
using Uplink.Timecode;

namespace Uplink.Streaming;

/// <summary>
/// The stream: what the caller writes becomes RTMP messages here, once, whatever the number of destinations. It checks
/// each track's order (DTS never backwards, B-frames only when allowed), builds the FLV tag bodies straight into the
/// <see cref="MessageArena"/>, splits ADTS, sends a sequence header before the first frame of a new configuration,
/// inserts timecode, and interleaves the tracks by timestamp. What may leave the interleaver goes to the
/// <see cref="IMessageSink"/> (the destination's send queue). A stream may have several tracks of a kind (Enhanced RTMP
/// Multitrack): each has its own tag builder, order checks and interleaver queue, and its messages name it.
/// </summary>
/// <remarks>Not thread-safe: the writer calls it under its write lock, and so does a destination taking messages.</remarks>
internal sealed class MediaStream : IStreamSource, IDisposable
{
    private readonly RtmpWriterOptions _options;
    private readonly ILogger _logger;
    private readonly Interleaver _interleaver;
    private readonly PooledBufferWriter _scratch = new(1024);
    private readonly MessageArena _arena = new();
    private readonly ArenaMessageWriter _tagWriter;
    private readonly TimecodeInserter? _timecode;
    private IMessageSink? _sink;
    private readonly VideoTagBuilder[] _video;
    private readonly AudioTagBuilder[] _audio;
    private readonly TrackOrder[] _videoOrder;
    private readonly TrackOrder[] _audioOrder;
    private long _audioFramesWritten;
    private long _videoFramesAccepted;
    private long _videoDropped;
    private long _audioDropped;

    public MediaStream(RtmpWriterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        VideoMediaType[] video = options.Video is null ? [] : [options.Video, .. options.AdditionalVideoTracks];
        AudioMediaType[] audio = options.Audio is null ? [] : [options.Audio, .. options.AdditionalAudioTracks];
        _video = new VideoTagBuilder[video.Length];
        _audio = new AudioTagBuilder[audio.Length];
        _videoOrder = new TrackOrder[video.Length];
        _audioOrder = new TrackOrder[audio.Length];
        for (int i = 0; i < video.Length; i++)
        {
            _video[i] = VideoTagBuilder.Create(video[i], options.EnhancedH264, (byte)i);
            _videoOrder[i] = new TrackOrder(i == 0 ? "video" : $"video track {i}");
        }

        for (int i = 0; i < audio.Length; i++)
        {
            _audio[i] = AudioTagBuilder.Create(audio[i], (byte)i);
            _audioOrder[i] = new TrackOrder(i == 0 ? "audio" : $"audio track {i}");
        }

        _interleaver = new Interleaver(_video.Length + _audio.Length, options.InterleaveWindow);
        _tagWriter = new ArenaMessageWriter(_arena);
        _timecode = options.Timecode is { } timecode ? new TimecodeInserter(timecode, options.TimeProvider) : null;
    }

    /// <summary>The default video track's tag builder (its current configuration and SPS); null without video.</summary>
    public VideoTagBuilder? Video => _video.Length > 0 ? _video[0] : null;

    /// <summary>The default audio track's tag builder (its current configuration); null without audio.</summary>
    public AudioTagBuilder? Audio => _audio.Length > 0 ? _audio[0] : null;

    /// <summary>Every video track's tag builder, by track id (0, the default, first).</summary>
    public IReadOnlyList<VideoTagBuilder> VideoTracks => _video;

    /// <summary>Every audio track's tag builder, by track id.</summary>
    public IReadOnlyList<AudioTagBuilder> AudioTracks => _audio;

    /// <inheritdoc/>
    public int VideoTrackCount => _video.Length;

    /// <inheritdoc/>
    public int AudioTrackCount => _audio.Length;

    /// <summary>True when some kind has more than one track (tracks after the first go out as Multitrack packets).</summary>
    public bool IsMultitrack => _video.Length > 1 || _audio.Length > 1;

    /// <summary>The video track <paramref name="track"/>'s builder.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The stream has no such video track.</exception>
    public VideoTagBuilder VideoTrack(int track) => track >= 0 && track < _video.Length
        ? _video[track]
        : throw new ArgumentOutOfRangeException(nameof(track), track, _video.Length == 0
            ? "This writer has no video input (RtmpWriterOptions.Video is null)."
            : $"This writer has video tracks 0 to {_video.Length - 1} (RtmpWriterOptions.Video and {_video.Length - 1} AdditionalVideoTracks).");

    /// <summary>The audio track <paramref name="track"/>'s builder.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The stream has no such audio track.</exception>
    public AudioTagBuilder AudioTrack(int track) => track >= 0 && track < _audio.Length
        ? _audio[track]
        : throw new ArgumentOutOfRangeException(nameof(track), track, _audio.Length == 0
            ? "This writer has no audio input (RtmpWriterOptions.Audio is null)."
            : $"This writer has audio tracks 0 to {_audio.Length - 1} (RtmpWriterOptions.Audio and {_audio.Length - 1} AdditionalAudioTracks).");

    /// <summary>Video frames written and accepted (a refused frame is not counted).</summary>
    public long VideoFramesAccepted => Interlocked.Read(ref _videoFramesAccepted);

    /// <summary>Audio frames written and accepted (each frame of an ADTS write).</summary>
    public long AudioFramesAccepted => Interlocked.Read(ref _audioFramesWritten);

    /// <summary>Video frames the stream could not send: written before the codec configuration was known.</summary>
    public long VideoFramesDropped => Interlocked.Read(ref _videoDropped);

    /// <summary>Audio frames the stream could not send: written before the codec configuration was known.</summary>
    public long AudioFramesDropped => Interlocked.Read(ref _audioDropped);

    /// <summary>Where messages go once the interleaver lets them leave.</summary>
    public void Attach(IMessageSink sink) => _sink = sink;

    /// <summary>
    /// Checks a video frame and writes its tag body into the arena, not yet part of the stream: <see cref="CommitVideo"/>
    /// or <see cref="AbandonVideo"/> it (a destination may act between the two, before a keyframe).
    /// </summary>
    /// <returns>Whether the frame is a keyframe.</returns>
    public bool BeginVideo(VideoTagBuilder video, ReadOnlySpan<byte> accessUnit, TimeSpan decodeTime, TimeSpan presentationTime)
    {
        TrackOrder order = _videoOrder[video.TrackId];
        order.FramesWritten++;
        if (accessUnit.IsEmpty)
        {
            throw new ArgumentException($"{order.Name} frame {order.FramesWritten} is empty; an access unit holds the NAL units of one picture.", nameof(accessUnit));
        }

        if (order.LastDts is TimeSpan last && decodeTime < last)
        {
            throw new ArgumentException($"{order.Name} DTS went backwards at frame {order.FramesWritten}: {decodeTime} after {last}; frames must be written in decode order.", nameof(decodeTime));
        }

        if (!_options.AllowBFrames && presentationTime != decodeTime)
        {
            throw new ArgumentException($"{order.Name} frame {order.FramesWritten}: PTS {presentationTime} differs from DTS {decodeTime} (frames reordered for B-frames), and AllowBFrames is false.", nameof(presentationTime));
        }

        if (!video.CarriesCompositionTime && presentationTime != decodeTime)
        {
            throw new ArgumentException($"{order.Name} frame {order.FramesWritten}: PTS {presentationTime} differs from DTS {decodeTime}, but {video.CodecName} frames carry no composition offset in RTMP; write them in presentation order with PTS equal to DTS.", nameof(presentationTime));
        }

        if (presentationTime < decodeTime)
        {
            throw new ArgumentException($"{order.Name} frame {order.FramesWritten}: PTS {presentationTime} is before DTS {decodeTime}; a picture cannot be shown before it is decoded (are the two swapped?).", nameof(presentationTime));
        }

        long compositionMs = ToMilliseconds(presentationTime) - ToMilliseconds(decodeTime);
        if (compositionMs is > FlvTags.MaxCompositionTime or < -FlvTags.MaxCompositionTime - 1)
        {
            throw new ArgumentException($"{order.Name} frame {order.FramesWritten}: PTS − DTS is {compositionMs} ms, which does not fit RTMP's signed 24-bit composition offset.", nameof(presentationTime));
        }

        // Written into the arena while inspected: one pass over the access unit.
        video.NanoOffset = NanoOffset(video.TrackId, decodeTime);
        try
        {
            return video.InspectAndWrite(accessUnit, (int)compositionMs, _tagWriter);
        }
        catch (InvalidDataException ex)
        {
            _tagWriter.Abandon();
            throw new InvalidDataException($"{order.Name} frame {order.FramesWritten}: {ex.Message}; {video.DeclaredForm}", ex);
        }
        catch (NotSupportedException ex)
        {
            // A stream the codec allows but RTMP's configuration record cannot describe (VP9 4:4:0).
            _tagWriter.Abandon();
            throw new NotSupportedException($"{order.Name} frame {order.FramesWritten}: {ex.Message}", ex);
        }
        catch
        {
            _tagWriter.Abandon();
            throw;
        }
        finally
        {
            video.NanoOffset = 0;
        }
    }

    /// <summary>Makes the frame begun by <see cref="BeginVideo"/> part of the stream (after a sequence header if one is due).</summary>
    public void CommitVideo(VideoTagBuilder video, TimeSpan decodeTime)
    {
        _videoOrder[video.TrackId].LastDts = decodeTime;
        Interlocked.Increment(ref _videoFramesAccepted);
        long dtsMs = ToMilliseconds(decodeTime);
        int queue = video.TrackId;
        if (video.DecoderConfiguration is null)
        {
            _tagWriter.Abandon();
            CountDropped(ref _videoDropped, UplinkMetrics.VideoTrack);
            WriterLog.VideoWithoutConfiguration(_logger, decodeTime);
            return;
        }

        if (video.ConfigurationChanged)
        {
            video.ConfigurationChanged = false;
            _scratch.Clear();
            video.WriteSequenceHeader(_scratch, video.DecoderConfiguration);
            _interleaver.Add(queue, Configuration(RtmpMessageType.Video, dtsMs, video.TrackId));
            _scratch.Clear();
            if (video.WriteColorInfo(_scratch))
            {
                _interleaver.Add(queue, Configuration(RtmpMessageType.Video, dtsMs, video.TrackId));
            }
        }

        _interleaver.Add(queue, _tagWriter.Commit(RtmpMessageType.Video, dtsMs, isConfiguration: false, video.IsNonReference) with { Track = video.TrackId });
        if (video.TrackId == 0)
        {
            AddTimecodeIfDue(queue, decodeTime, dtsMs);
        }
    }

    /// <summary>Gives back the frame begun by <see cref="BeginVideo"/>.</summary>
    public void AbandonVideo() => _tagWriter.Abandon();

    /// <summary>Refuses an empty audio frame, or a timestamp before the last one written on its track.</summary>
    public void CheckAudioOrder(AudioTagBuilder audio, ReadOnlySpan<byte> frame, TimeSpan timestamp)
    {
        TrackOrder order = _audioOrder[audio.TrackId];
        if (frame.IsEmpty)
        {
            throw new ArgumentException($"{order.Name} frame {order.FramesWritten + 1} is empty.", nameof(frame));
        }

        if (order.LastDts is TimeSpan last && timestamp < last)
        {
            throw new ArgumentException($"{order.Name} timestamp went backwards at frame {order.FramesWritten + 1}: {timestamp} after {last}.", nameof(timestamp));
        }
    }

    /// <summary>
    /// Adds audio: one frame, or each frame of a write that holds several self-delimiting ones (ADTS, AC-3, E-AC-3, MP3)
    /// as its own message, with consecutive timestamps.
    /// </summary>
    public void WriteAudio(AudioTagBuilder audio, ReadOnlySpan<byte> frame, TimeSpan timestamp)
    {
        // The next write must not go before the last frame of this one.
        _audioOrder[audio.TrackId].LastDts = audio switch
        {
            AacTagBuilder { IsAdts: true } aac => AddAdts(aac, frame, timestamp),
            AacTagBuilder or ExAudioTagBuilder { Codec: AudioCodec.Opus or AudioCodec.Flac } => AddAudio(audio, frame, timestamp),
            _ => AddSyncFrames(audio, frame, timestamp),
        };
    }

    /// <summary>Queues the end of each video track's sequence (Enhanced RTMP SequenceEnd) behind its last frame, when it has one.</summary>
    public void EndSequence()
    {
        foreach (VideoTagBuilder video in _video)
        {
            if (video.DecoderConfiguration is not null && _videoOrder[video.TrackId].LastDts is TimeSpan last)
            {
                _scratch.Clear();
                if (video.WriteSequenceEnd(_scratch))
                {
                    _interleaver.Add(video.TrackId, Configuration(RtmpMessageType.Video, ToMilliseconds(last), video.TrackId));
                }
            }
        }
    }

    /// <summary>Hands the sink what may leave the interleaver now (with <paramref name="drain"/>: everything, in order).</summary>
    public void Flush(bool drain)
    {
        while (_interleaver.TryTake(drain, out OutgoingMessage message))
        {
            _sink!.Enqueue(message);
        }
    }

    /// <inheritdoc/>
    public void WriteStart(IStreamStartSink sink, bool allTracks, PooledBufferWriter scratch)
    {
        scratch.Clear();
        MetadataBuilder.Write(scratch, GetMetadata(allTracks));
        sink.Metadata(scratch.WrittenSpan);
        int tracks = allTracks ? int.MaxValue : 1;
        foreach (AudioTagBuilder audio in _audio.Take(tracks))
        {
            if (audio.Configuration is not { } config)
            {
                continue;
            }

            scratch.Clear();
            if (audio.WriteSequenceHeader(scratch, config))
            {
                sink.Configuration(video: false, audio.TrackId, scratch.WrittenSpan, descriptor: false);
            }

            scratch.Clear();
            if (audio.WriteChannelConfiguration(scratch))
            {
                sink.Configuration(video: false, audio.TrackId, scratch.WrittenSpan, descriptor: true);
            }
        }

        foreach (VideoTagBuilder video in _video.Take(tracks))
        {
            if (video.DecoderConfiguration is not { } config)
            {
                continue;
            }

            scratch.Clear();
            video.WriteSequenceHeader(scratch, config);
            sink.Configuration(video: true, video.TrackId, scratch.WrittenSpan, descriptor: false);
            scratch.Clear();
            if (video.WriteColorInfo(scratch))
            {
                sink.Configuration(video: true, video.TrackId, scratch.WrittenSpan, descriptor: true);
            }
        }
    }

    /// <summary>Releases what waits in the interleaver (the stream was stopped or failed).</summary>
    public void Clear() => _interleaver.Clear();

    /// <summary>
    /// What <c>onMetaData</c> says now: what the parameter sets tell, else what the media types declare; with
    /// <paramref name="allTracks"/>, the other tracks in <c>videoTrackIdInfoMap</c>/<c>audioTrackIdInfoMap</c>.
    /// </summary>
    public StreamMetadata GetMetadata(bool allTracks = true)
    {
        VideoTagBuilder? video = Video;
        AudioTagBuilder? audio = Audio;
        return new StreamMetadata(
            video?.MetadataCodecId,
            audio?.MetadataCodecId,
            video?.Width ?? _options.Video?.Width,
            video?.Height ?? _options.Video?.Height,
            video?.FrameRate ?? _options.Video?.FrameRate,
            _options.VideoDataRate ?? (_options.Video?.BitRate is long bps ? bps / 1000d : null),
            audio?.SampleRate ?? _options.Audio?.SampleRate,
            audio?.Channels ?? _options.Audio?.Channels,
            _options.AudioDataRate)
        {
            AdditionalVideo = allTracks && _video.Length > 1 ? [.. _video.Skip(1).Select(DescribeVideo)] : null,
            AdditionalAudio = allTracks && _audio.Length > 1 ? [.. _audio.Skip(1).Select(DescribeAudio)] : null,
        };
    }

    public void Dispose()
    {
        _interleaver.Clear();
        _arena.Dispose();
        _scratch.Dispose();
    }

    internal static long ToMilliseconds(TimeSpan t) => (long)Math.Floor(t.Ticks / (double)TimeSpan.TicksPerMillisecond);

    /// <summary>
    /// The sub-millisecond part of a timestamp in ns, sent as a ModEx TimestampOffsetNano on the tracks after the first
    /// (those only reach servers that take Multitrack, which came with ModEx); the default track, which every server is
    /// sent, carries none.
    /// </summary>
    private static int NanoOffset(byte trackId, TimeSpan time) =>
        trackId == 0 ? 0 : (int)(time.Ticks - (ToMilliseconds(time) * TimeSpan.TicksPerMillisecond)) * 100;

    private TrackMetadata DescribeVideo(VideoTagBuilder video)
    {
        VideoMediaType declared = video.TrackId == 0 ? _options.Video! : _options.AdditionalVideoTracks[video.TrackId - 1];
        return new TrackMetadata(video.TrackId, video.MetadataCodecId, video.Width ?? declared.Width, video.Height ?? declared.Height,
            video.FrameRate ?? declared.FrameRate, declared.BitRate is long bps ? bps / 1000d : null, null, null);
    }

    private TrackMetadata DescribeAudio(AudioTagBuilder audio)
    {
        AudioMediaType declared = audio.TrackId == 0 ? _options.Audio! : _options.AdditionalAudioTracks[audio.TrackId - 1];
        return new TrackMetadata(audio.TrackId, audio.MetadataCodecId, null, null, null, null, audio.SampleRate ?? declared.SampleRate, audio.Channels ?? declared.Channels);
    }

    /// <summary>A configuration message (sequence header, descriptor) from what <see cref="_scratch"/> holds.</summary>
    private OutgoingMessage Configuration(RtmpMessageType type, long timestampMs, byte track) =>
        _arena.Create(type, timestampMs, _scratch.WrittenSpan, isConfiguration: true) with { Track = track };

    /// <returns>The timestamp of the last frame added.</returns>
    private TimeSpan AddAdts(AacTagBuilder audio, ReadOnlySpan<byte> data, TimeSpan timestamp)
    {
        int index = 0;
        TimeSpan last = timestamp;
        foreach (AdtsFrame frame in AdtsFrames.Enumerate(data))
        {
            if (frame.Header.RawDataBlockCount != 1)
            {
                throw new InvalidDataException($"ADTS frame {index + 1} of this write holds {frame.Header.RawDataBlockCount} raw data blocks; RTMP carries one AAC frame per message, so split them in the encoder.");
            }

            audio.ObserveAdts(frame.Header);
            int rate = audio.CoreSampleRate;
            TimeSpan at = rate > 0 ? timestamp + TimeSpan.FromTicks(index * 1024L * TimeSpan.TicksPerSecond / rate) : timestamp;
            AddAudio(audio, frame.Payload, at);
            last = at;
            index++;
        }

        return last;
    }

    /// <returns>The timestamp of the last frame added.</returns>
    private TimeSpan AddSyncFrames(AudioTagBuilder audio, ReadOnlySpan<byte> data, TimeSpan timestamp)
    {
        int offset = 0;
        long samplesBefore = 0;
        TimeSpan last = timestamp;
        while (offset < data.Length)
        {
            int length;
            int samples, rate;
            try
            {
                length = audio.NextFrame(data[offset..], out samples, out rate);
            }
            catch (InvalidDataException ex)
            {
                TrackOrder order = _audioOrder[audio.TrackId];
                throw new InvalidDataException($"{order.Name} frame {order.FramesWritten + 1} (offset {offset} of this write): {ex.Message}", ex);
            }

            TimeSpan at = rate > 0 ? timestamp + TimeSpan.FromTicks(samplesBefore * TimeSpan.TicksPerSecond / rate) : timestamp;
            AddAudio(audio, data.Slice(offset, length), at);
            samplesBefore += samples;
            offset += length;
            last = at;
        }

        return last;
    }

    /// <returns>The frame's timestamp.</returns>
    private TimeSpan AddAudio(AudioTagBuilder audio, ReadOnlySpan<byte> raw, TimeSpan timestamp)
    {
        long timestampMs = ToMilliseconds(timestamp);
        int queue = _video.Length + audio.TrackId;
        Interlocked.Increment(ref _audioFramesWritten);
        _audioOrder[audio.TrackId].FramesWritten++;
        if (audio.Configuration is not { } config)
        {
            CountDropped(ref _audioDropped, UplinkMetrics.AudioTrack);
            WriterLog.AudioWithoutConfiguration(_logger, timestamp);
            return timestamp;
        }

        if (audio.ConfigurationChanged)
        {
            audio.ConfigurationChanged = false;
            _scratch.Clear();
            if (audio.WriteSequenceHeader(_scratch, config))
            {
                _interleaver.Add(queue, Configuration(RtmpMessageType.Audio, timestampMs, audio.TrackId));
            }

            _scratch.Clear();
            if (audio.WriteChannelConfiguration(_scratch))
            {
                _interleaver.Add(queue, Configuration(RtmpMessageType.Audio, timestampMs, audio.TrackId));
            }
        }

        audio.NanoOffset = NanoOffset(audio.TrackId, timestamp);
        try
        {
            audio.WriteFrame(_tagWriter, raw);
        }
        finally
        {
            audio.NanoOffset = 0;
        }

        _interleaver.Add(queue, _tagWriter.Commit(RtmpMessageType.Audio, timestampMs, isConfiguration: false) with { Track = audio.TrackId });
        if (_video.Length == 0 && audio.TrackId == 0)
        {
            AddTimecodeIfDue(queue, timestamp, timestampMs);
        }

        return timestamp;
    }

    /// <summary>
    /// Queues an <c>onFI</c> right behind the frame just queued on the default track, with its timestamp, so it never
    /// leaves before the frame it labels. Marked as configuration: live mode never drops it.
    /// </summary>
    private void AddTimecodeIfDue(int queue, TimeSpan time, long timestampMs)
    {
        if (_timecode is not null && _timecode.TryWrite(time, Video?.FrameRate ?? _options.Video?.FrameRate, _scratch))
        {
            _interleaver.Add(queue, _arena.Create(RtmpMessageType.DataAmf0, timestampMs, _scratch.WrittenSpan, isConfiguration: true));
        }
    }

    private static void CountDropped(ref long count, KeyValuePair<string, object?> track)
    {
        Interlocked.Increment(ref count);
        UplinkMetrics.FramesDropped.Add(1, track);
    }

    /// <summary>One track's order checks: its name in messages, its last DTS, the frames written to it.</summary>
    private sealed class TrackOrder(string name)
    {
        public string Name { get; } = name;

        public TimeSpan? LastDts { get; set; }

        public long FramesWritten { get; set; }
    }
}
