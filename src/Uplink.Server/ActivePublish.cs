using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;

namespace Uplink.Server;

/// <summary>One publish in progress on a connection: its description, statistics, recording and handler.</summary>
internal sealed class ActivePublish
{
    public ActivePublish(PublishSessionInfo info, FlvRecorder? recorder, uint streamId, IRtmpPublishHandler? handler)
    {
        Info = info;
        Recorder = recorder;
        StreamId = streamId;
        Handler = handler;
    }

    public PublishSessionInfo Info { get; }

    public FlvRecorder? Recorder { get; private set; }

    public uint StreamId { get; }

    /// <summary>The embedder's handler for this publish, or null.</summary>
    public IRtmpPublishHandler? Handler { get; }

    public PublishStatistics Statistics { get; } = new();

    private void OnVideo(uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
    {
        Statistics.OnVideo(timestamp, body);
        Record(FlvRecorder.VideoTag, timestamp, body, owner);
    }

    private void OnAudio(uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
    {
        Statistics.OnAudio(timestamp, body);
        Record(FlvRecorder.AudioTag, timestamp, body, owner);
    }

    /// <summary>Records a data message; <c>@setDataFrame</c> is stripped so the file holds a plain <c>onMetaData</c>.</summary>
    private void OnData(uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
    {
        if (Recorder is null || body.IsEmpty)
        {
            return;
        }

        var reader = new Amf0Reader(body);
        if (reader.ReadValue() is "@setDataFrame")
        {
            body = body[reader.Position..];
        }

        Record(FlvRecorder.ScriptTag, timestamp, body, owner);
    }

    /// <summary>
    /// One media or data message: counted, recorded, then handed to the handler (awaited). An aggregate message is
    /// split into its FLV tags (11-byte header, body, 4-byte back pointer): the first tag's timestamp maps to the
    /// message's, the others keep their offsets from it; a malformed tail is ignored.
    /// </summary>
    /// <exception cref="PublishHandlerException">The handler threw.</exception>
    public ValueTask ReceiveAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> payload, RtmpServerConnection owner, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case RtmpMessageType.Video:
                OnVideo(timestamp, payload.Span, owner);
                return ForwardAsync(type, timestamp, payload, cancellationToken);
            case RtmpMessageType.Audio:
                OnAudio(timestamp, payload.Span, owner);
                return ForwardAsync(type, timestamp, payload, cancellationToken);
            case RtmpMessageType.DataAmf0:
                OnData(timestamp, payload.Span, owner);
                return ForwardAsync(type, timestamp, payload, cancellationToken);
            case RtmpMessageType.DataAmf3 when payload.Length > 0:
                OnData(timestamp, payload.Span[1..], owner);
                return ForwardAsync(RtmpMessageType.DataAmf0, timestamp, payload[1..], cancellationToken);
            case RtmpMessageType.Aggregate:
                return OnAggregateAsync(timestamp, payload, owner, cancellationToken);
            default:
                return default;
        }
    }

    private async ValueTask OnAggregateAsync(uint messageTimestamp, ReadOnlyMemory<byte> payload, RtmpServerConnection owner, CancellationToken cancellationToken)
    {
        bool first = true;
        uint firstTimestamp = 0;
        while (payload.Length >= 11)
        {
            ReadOnlySpan<byte> header = payload.Span[..11];
            int size = (header[1] << 16) | (header[2] << 8) | header[3];
            if (11 + size > payload.Length)
            {
                return;
            }

            uint tagTimestamp = (uint)((header[7] << 24) | (header[4] << 16) | (header[5] << 8) | header[6]);
            if (first)
            {
                firstTimestamp = tagTimestamp;
                first = false;
            }

            RtmpMessageType? type = header[0] switch
            {
                FlvRecorder.VideoTag => RtmpMessageType.Video,
                FlvRecorder.AudioTag => RtmpMessageType.Audio,
                FlvRecorder.ScriptTag => RtmpMessageType.DataAmf0,
                _ => null,
            };
            if (type is { } known)
            {
                await ReceiveAsync(known, messageTimestamp + (tagTimestamp - firstTimestamp), payload.Slice(11, size), owner, cancellationToken).ConfigureAwait(false);
            }

            payload = payload[Math.Min(payload.Length, 11 + size + 4)..];
        }
    }

    /// <summary>Hands a message to the handler; a throw (not the server stopping) becomes <see cref="PublishHandlerException"/>.</summary>
    private ValueTask ForwardAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (Handler is not { } handler)
        {
            return default;
        }

        ValueTask pending;
        try
        {
            pending = handler.OnMessageAsync(type, timestamp, body, cancellationToken);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new PublishHandlerException(ex);
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult(); // completes a pooled source's use
            return default;
        }

        return AwaitHandlerAsync(pending, cancellationToken);
    }

    private static async ValueTask AwaitHandlerAsync(ValueTask pending, CancellationToken cancellationToken)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new PublishHandlerException(ex);
        }
    }

    /// <summary>The summary of this publish as it ends.</summary>
    public PublishSessionSummary Summarize(DateTimeOffset ended, long bytesReceived, string reason)
    {
        PublishStatistics s = Statistics;
        return new PublishSessionSummary(
            Info.Id,
            Info.App,
            Info.StreamName,
            Info.RemoteEndPoint,
            Info.Started,
            ended,
            s.VideoFrames,
            s.AudioFrames,
            bytesReceived,
            s.Video,
            s.Audio,
            TimeSpan.FromMilliseconds(s.LargestVideoGap),
            TimeSpan.FromMilliseconds(s.LargestAudioGap),
            Recorder?.Path,
            reason)
        {
            VideoTracks = s.VideoTracks,
            AudioTracks = s.AudioTracks,
        };
    }

    private void Record(byte tagType, uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
    {
        if (Recorder is null)
        {
            return;
        }

        try
        {
            Recorder.Write(tagType, timestamp, body);
        }
        catch (IOException ex)
        {
            owner.OnRecordingFailed(ex);
            try
            {
                Recorder.Dispose();
            }
            catch (IOException)
            {
            }

            Recorder = null;
        }
    }
}
