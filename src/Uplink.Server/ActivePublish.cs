using Uplink.Protocol.Amf;

namespace Uplink.Server;

/// <summary>One publish in progress on a connection: its description, statistics and recording.</summary>
internal sealed class ActivePublish
{
    public ActivePublish(PublishSessionInfo info, FlvRecorder? recorder, uint streamId)
    {
        Info = info;
        Recorder = recorder;
        StreamId = streamId;
    }

    public PublishSessionInfo Info { get; }

    public FlvRecorder? Recorder { get; private set; }

    public uint StreamId { get; }

    public PublishStatistics Statistics { get; } = new();

    public void OnVideo(uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
    {
        Statistics.OnVideo(timestamp, body);
        Record(FlvRecorder.VideoTag, timestamp, body, owner);
    }

    public void OnAudio(uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
    {
        Statistics.OnAudio(timestamp, body);
        Record(FlvRecorder.AudioTag, timestamp, body, owner);
    }

    /// <summary>Records a data message; <c>@setDataFrame</c> is stripped so the file holds a plain <c>onMetaData</c>.</summary>
    public void OnData(uint timestamp, ReadOnlySpan<byte> body, RtmpServerConnection owner)
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
    /// Splits an aggregate message into its FLV tags (11-byte header, body, 4-byte back pointer). The first tag's
    /// timestamp maps to the message's; the others keep their offsets from it. A malformed tail is ignored.
    /// </summary>
    public void OnAggregate(uint messageTimestamp, ReadOnlySpan<byte> payload, RtmpServerConnection owner)
    {
        bool first = true;
        uint firstTimestamp = 0;
        while (payload.Length >= 11)
        {
            int size = (payload[1] << 16) | (payload[2] << 8) | payload[3];
            if (11 + size > payload.Length)
            {
                return;
            }

            uint tagTimestamp = (uint)((payload[7] << 24) | (payload[4] << 16) | (payload[5] << 8) | payload[6]);
            if (first)
            {
                firstTimestamp = tagTimestamp;
                first = false;
            }

            uint timestamp = messageTimestamp + (tagTimestamp - firstTimestamp);
            ReadOnlySpan<byte> body = payload.Slice(11, size);
            switch (payload[0])
            {
                case FlvRecorder.VideoTag:
                    OnVideo(timestamp, body, owner);
                    break;
                case FlvRecorder.AudioTag:
                    OnAudio(timestamp, body, owner);
                    break;
                case FlvRecorder.ScriptTag:
                    OnData(timestamp, body, owner);
                    break;
            }

            payload = payload[Math.Min(payload.Length, 11 + size + 4)..];
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
