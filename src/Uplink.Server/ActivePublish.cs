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
