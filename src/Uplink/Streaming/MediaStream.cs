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
/// <see cref="IMessageSink"/> (the destination's send queue).
/// </summary>
/// <remarks>Not thread-safe: the writer calls it under its write lock, and so does a destination taking messages.</remarks>
internal sealed class MediaStream : IDisposable
{
    private readonly RtmpWriterOptions _options;
    private readonly ILogger _logger;
    private readonly Interleaver _interleaver;
    private readonly PooledBufferWriter _scratch = new(1024);
    private readonly MessageArena _arena = new();
    private readonly ArenaMessageWriter _tagWriter;
    private readonly TimecodeInserter? _timecode;
    private IMessageSink? _sink;
    private TimeSpan? _lastVideoDts;
    private TimeSpan? _lastAudioDts;
    private long _videoFramesWritten;
    private long _audioFramesWritten;
    private long _videoFramesAccepted;
    private long _videoDropped;
    private long _audioDropped;

    public MediaStream(RtmpWriterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        Video = options.Video is null ? null : VideoTagBuilder.Create(options.Video, options.EnhancedH264);
        Audio = options.Audio is null ? null : AudioTagBuilder.Create(options.Audio);
        _interleaver = new Interleaver(Video is not null, Audio is not null, options.InterleaveWindow);
        _tagWriter = new ArenaMessageWriter(_arena);
        _timecode = options.Timecode is { } timecode ? new TimecodeInserter(timecode, options.TimeProvider) : null;
    }

    /// <summary>The video track's tag builder (its current configuration and SPS); null without video.</summary>
    public VideoTagBuilder? Video { get; }

    /// <summary>The audio track's tag builder (its current configuration); null without audio.</summary>
    public AudioTagBuilder? Audio { get; }

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
        _videoFramesWritten++;
        if (accessUnit.IsEmpty)
        {
            throw new ArgumentException($"video frame {_videoFramesWritten} is empty; an access unit holds the NAL units of one picture.", nameof(accessUnit));
        }

        if (_lastVideoDts is TimeSpan last && decodeTime < last)
        {
            throw new ArgumentException($"video DTS went backwards at frame {_videoFramesWritten}: {decodeTime} after {last}; frames must be written in decode order.", nameof(decodeTime));
        }

        if (!_options.AllowBFrames && presentationTime != decodeTime)
        {
            throw new ArgumentException($"video frame {_videoFramesWritten}: PTS {presentationTime} differs from DTS {decodeTime} (frames reordered for B-frames), and AllowBFrames is false.", nameof(presentationTime));
        }

        if (!video.CarriesCompositionTime && presentationTime != decodeTime)
        {
            throw new ArgumentException($"video frame {_videoFramesWritten}: PTS {presentationTime} differs from DTS {decodeTime}, but {video.CodecName} frames carry no composition offset in RTMP; write them in presentation order with PTS equal to DTS.", nameof(presentationTime));
        }

        if (presentationTime < decodeTime)
        {
            throw new ArgumentException($"video frame {_videoFramesWritten}: PTS {presentationTime} is before DTS {decodeTime}; a picture cannot be shown before it is decoded (are the two swapped?).", nameof(presentationTime));
        }

        long compositionMs = ToMilliseconds(presentationTime) - ToMilliseconds(decodeTime);
        if (compositionMs is > FlvTags.MaxCompositionTime or < -FlvTags.MaxCompositionTime - 1)
        {
            throw new ArgumentException($"video frame {_videoFramesWritten}: PTS − DTS is {compositionMs} ms, which does not fit RTMP's signed 24-bit composition offset.", nameof(presentationTime));
        }

        // Written into the arena while inspected: one pass over the access unit.
        try
        {
            return video.InspectAndWrite(accessUnit, (int)compositionMs, _tagWriter);
        }
        catch (InvalidDataException ex)
        {
            _tagWriter.Abandon();
            throw new InvalidDataException($"video frame {_videoFramesWritten}: {ex.Message}; {video.DeclaredForm}", ex);
        }
        catch (NotSupportedException ex)
        {
            // A stream the codec allows but RTMP's configuration record cannot describe (VP9 4:4:0).
            _tagWriter.Abandon();
            throw new NotSupportedException($"video frame {_videoFramesWritten}: {ex.Message}", ex);
        }
        catch
        {
            _tagWriter.Abandon();
            throw;
        }
    }

    /// <summary>Makes the frame begun by <see cref="BeginVideo"/> part of the stream (after a sequence header if one is due).</summary>
    public void CommitVideo(VideoTagBuilder video, TimeSpan decodeTime)
    {
        _lastVideoDts = decodeTime;
        Interlocked.Increment(ref _videoFramesAccepted);
        long dtsMs = ToMilliseconds(decodeTime);
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
            _interleaver.Add(true, _arena.Create(RtmpMessageType.Video, dtsMs, _scratch.WrittenSpan, isConfiguration: true));
            _scratch.Clear();
            if (video.WriteColorInfo(_scratch))
            {
                _interleaver.Add(true, _arena.Create(RtmpMessageType.Video, dtsMs, _scratch.WrittenSpan, isConfiguration: true));
            }
        }

        _interleaver.Add(true, _tagWriter.Commit(RtmpMessageType.Video, dtsMs, isConfiguration: false, video.IsNonReference));
        AddTimecodeIfDue(true, decodeTime, dtsMs);
    }

    /// <summary>Gives back the frame begun by <see cref="BeginVideo"/>.</summary>
    public void AbandonVideo() => _tagWriter.Abandon();

    /// <summary>Refuses an empty audio frame, or a timestamp before the last one written.</summary>
    public void CheckAudioOrder(ReadOnlySpan<byte> frame, TimeSpan timestamp)
    {
        if (frame.IsEmpty)
        {
            throw new ArgumentException($"audio frame {_audioFramesWritten + 1} is empty.", nameof(frame));
        }

        if (_lastAudioDts is TimeSpan last && timestamp < last)
        {
            throw new ArgumentException($"audio timestamp went backwards at frame {_audioFramesWritten + 1}: {timestamp} after {last}.", nameof(timestamp));
        }
    }

    /// <summary>
    /// Adds audio: one frame, or each frame of a write that holds several self-delimiting ones (ADTS, AC-3, E-AC-3, MP3)
    /// as its own message, with consecutive timestamps.
    /// </summary>
    public void WriteAudio(AudioTagBuilder audio, ReadOnlySpan<byte> frame, TimeSpan timestamp)
    {
        // The next write must not go before the last frame of this one.
        _lastAudioDts = audio switch
        {
            AacTagBuilder { IsAdts: true } aac => AddAdts(aac, frame, timestamp),
            AacTagBuilder or ExAudioTagBuilder { Codec: AudioCodec.Opus or AudioCodec.Flac } => AddAudio(audio, frame, ToMilliseconds(timestamp), timestamp),
            _ => AddSyncFrames(audio, frame, timestamp),
        };
    }

    /// <summary>Queues the end of the video sequence (Enhanced RTMP SequenceEnd) behind the last frame, when the stream has one.</summary>
    public void EndSequence()
    {
        if (Video is { DecoderConfiguration: not null } video && _lastVideoDts is TimeSpan last)
        {
            _scratch.Clear();
            if (video.WriteSequenceEnd(_scratch))
            {
                _interleaver.Add(true, _arena.Create(RtmpMessageType.Video, ToMilliseconds(last), _scratch.WrittenSpan, isConfiguration: true));
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

    /// <summary>Releases what waits in the interleaver (the stream was stopped or failed).</summary>
    public void Clear() => _interleaver.Clear();

    /// <summary>What <c>onMetaData</c> says now: what the parameter sets tell, else what the media types declare.</summary>
    public StreamMetadata Metadata
    {
        get
        {
            return new StreamMetadata(
                Video?.MetadataCodecId,
                Audio?.MetadataCodecId,
                Video?.Width ?? _options.Video?.Width,
                Video?.Height ?? _options.Video?.Height,
                Video?.FrameRate ?? _options.Video?.FrameRate,
                _options.VideoDataRate ?? (_options.Video?.BitRate is long bps ? bps / 1000d : null),
                Audio?.SampleRate ?? _options.Audio?.SampleRate,
                Audio?.Channels ?? _options.Audio?.Channels,
                _options.AudioDataRate);
        }
    }

    public void Dispose()
    {
        _interleaver.Clear();
        _arena.Dispose();
        _scratch.Dispose();
    }

    internal static long ToMilliseconds(TimeSpan t) => (long)Math.Floor(t.Ticks / (double)TimeSpan.TicksPerMillisecond);

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
            AddAudio(audio, frame.Payload, ToMilliseconds(at), at);
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
                throw new InvalidDataException($"audio frame {_audioFramesWritten + 1} (offset {offset} of this write): {ex.Message}", ex);
            }

            TimeSpan at = rate > 0 ? timestamp + TimeSpan.FromTicks(samplesBefore * TimeSpan.TicksPerSecond / rate) : timestamp;
            AddAudio(audio, data.Slice(offset, length), ToMilliseconds(at), at);
            samplesBefore += samples;
            offset += length;
            last = at;
        }

        return last;
    }

    /// <returns>The frame's timestamp.</returns>
    private TimeSpan AddAudio(AudioTagBuilder audio, ReadOnlySpan<byte> raw, long timestampMs, TimeSpan timestamp)
    {
        Interlocked.Increment(ref _audioFramesWritten);
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
                _interleaver.Add(false, _arena.Create(RtmpMessageType.Audio, timestampMs, _scratch.WrittenSpan, isConfiguration: true));
            }

            _scratch.Clear();
            if (audio.WriteChannelConfiguration(_scratch))
            {
                _interleaver.Add(false, _arena.Create(RtmpMessageType.Audio, timestampMs, _scratch.WrittenSpan, isConfiguration: true));
            }
        }

        audio.WriteFrame(_tagWriter, raw);
        _interleaver.Add(false, _tagWriter.Commit(RtmpMessageType.Audio, timestampMs, isConfiguration: false));
        if (Video is null)
        {
            AddTimecodeIfDue(false, timestamp, timestampMs);
        }

        return timestamp;
    }

    /// <summary>
    /// Queues an <c>onFI</c> right behind the frame just queued on its track, with its timestamp, so it never leaves
    /// before the frame it labels. Marked as configuration: live mode never drops it.
    /// </summary>
    private void AddTimecodeIfDue(bool video, TimeSpan time, long timestampMs)
    {
        if (_timecode is not null && _timecode.TryWrite(time, Video?.FrameRate ?? _options.Video?.FrameRate, _scratch))
        {
            _interleaver.Add(video, _arena.Create(RtmpMessageType.DataAmf0, timestampMs, _scratch.WrittenSpan, isConfiguration: true));
        }
    }

    private static void CountDropped(ref long count, KeyValuePair<string, object?> track)
    {
        Interlocked.Increment(ref count);
        UplinkMetrics.FramesDropped.Add(1, track);
    }
}
