using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Uplink.Cli;

/// <summary>Writes the <c>--json</c> output: one JSON object per line on stdout, written without reflection (AOT-safe).</summary>
internal sealed class JsonLines
{
    private readonly TextWriter _out;
    private readonly Lock _lock = new();

    public JsonLines(TextWriter output) => _out = output;

    /// <summary>A status change: a destination's (named), or with several destinations the stream's (no destination field).</summary>
    public void Status(RtmpWriterStatusChangedEventArgs e, string? destination) => Write(w =>
    {
        w.WriteString("type", "status");
        Destination(w, destination);
        w.WriteString("status", e.Status.ToString());
        w.WriteNumber("code", (int)e.Status);
        w.WriteString("reason", e.Reason);
        w.WriteString("time", e.Time.ToString("O", CultureInfo.InvariantCulture));
    });

    /// <summary>The closing summary; <paramref name="destination"/> names the one server of a single-destination stream.</summary>
    public void Summary(PublishSummary s, string? destination) => Write(w =>
    {
        w.WriteString("type", "summary");
        Destination(w, destination);
        w.WriteNumber("videoFrames", s.VideoFrames);
        w.WriteNumber("audioFrames", s.AudioFrames);
        w.WriteNumber("videoFramesDropped", s.VideoFramesDropped);
        w.WriteNumber("audioFramesDropped", s.AudioFramesDropped);
        w.WriteNumber("bytesSent", s.BytesSent);
        w.WriteNumber("bytesAcknowledged", s.BytesAcknowledged);
        w.WriteNumber("durationSeconds", Math.Round(s.Duration.TotalSeconds, 3));
        w.WriteNumber("mediaSeconds", Math.Round(s.MediaDuration.TotalSeconds, 3));
        w.WriteNumber("loops", s.Loops);
    });

    public void Received(Uplink.Server.PublishSessionSummary r, bool complete) => Write(w =>
    {
        w.WriteString("type", "received");
        w.WriteNumber("videoFrames", r.VideoFrames);
        w.WriteNumber("audioFrames", r.AudioFrames);
        w.WriteNumber("bytes", r.Bytes);
        w.WriteString("video", r.Video?.ToString());
        w.WriteString("audio", r.Audio?.ToString());
        if (r.VideoTracks.Count > 1 || r.AudioTracks.Count > 1)
        {
            w.WriteStartArray("tracks");
            foreach (Uplink.Server.ReceivedVideoTrack t in r.VideoTracks)
            {
                Track(w, "video", t.TrackId, t.Configuration?.ToString(), t.Frames);
            }

            foreach (Uplink.Server.ReceivedAudioTrack t in r.AudioTracks)
            {
                Track(w, "audio", t.TrackId, t.Configuration?.ToString(), t.Frames);
            }

            w.WriteEndArray();
        }

        w.WriteNumber("largestVideoGapMs", Math.Round(r.LargestVideoGap.TotalMilliseconds));
        w.WriteNumber("largestAudioGapMs", Math.Round(r.LargestAudioGap.TotalMilliseconds));
        w.WriteString("recording", r.RecordingPath);
        w.WriteBoolean("complete", complete);
    });

    private static void Destination(Utf8JsonWriter w, string? destination)
    {
        if (destination is not null)
        {
            w.WriteString("destination", destination);
        }
    }

    private static void Track(Utf8JsonWriter w, string kind, int trackId, string? codec, long frames)
    {
        w.WriteStartObject();
        w.WriteString("kind", kind);
        w.WriteNumber("trackId", trackId);
        w.WriteString("codec", codec);
        w.WriteNumber("frames", frames);
        w.WriteEndObject();
    }

    /// <summary>What one destination got, once the stream ended: its counts and, when it did not receive the whole stream, why.</summary>
    public void DestinationResult(string destination, RtmpWriterStats s, string? failure) => Write(w =>
    {
        w.WriteString("type", "destination");
        Destination(w, destination);
        w.WriteString("result", failure is null ? "complete" : "failed");
        w.WriteNumber("bytesSent", s.BytesSent);
        w.WriteNumber("bytesAcknowledged", s.BytesAcknowledged);
        w.WriteNumber("videoFrames", s.VideoFramesSent);
        w.WriteNumber("audioFrames", s.AudioFramesSent);
        w.WriteNumber("videoFramesDropped", s.VideoFramesDropped);
        w.WriteNumber("audioFramesDropped", s.AudioFramesDropped);
        w.WriteNumber("reconnects", s.Reconnects);
        if (failure is not null)
        {
            w.WriteString("failure", failure);
        }
    });

    /// <summary>Stats every second: the stream's, or (with several destinations) also each destination's, named.</summary>
    public void Stats(RtmpWriterStats s, string? destination = null) => Write(w =>
    {
        w.WriteString("type", "stats");
        Destination(w, destination);
        w.WriteString("status", s.Status.ToString());
        w.WriteNumber("bytesSent", s.BytesSent);
        w.WriteNumber("bytesAcknowledged", s.BytesAcknowledged);
        w.WriteNumber("videoFrames", s.VideoFramesSent);
        w.WriteNumber("audioFrames", s.AudioFramesSent);
        w.WriteNumber("videoFramesDropped", s.VideoFramesDropped);
        w.WriteNumber("audioFramesDropped", s.AudioFramesDropped);
        w.WriteNumber("bufferedBytes", s.BufferedBytes);
        w.WriteNumber("queuedBytes", s.QueuedBytes);
        w.WriteNumber("bufferedSeconds", Math.Round(s.BufferedDuration.TotalSeconds, 3));
        w.WriteNumber("bitrateKbps", Math.Round(s.AverageBitrate / 1000, 1));
        w.WriteNumber("reconnects", s.Reconnects);
        w.WriteNumber("timestampSeconds", Math.Round(s.LastTimestamp.TotalSeconds, 3));
        if (s.LastError is not null)
        {
            w.WriteString("lastError", s.LastError);
        }
    });

    public void Warning(string message) => Write(w =>
    {
        w.WriteString("type", "warning");
        w.WriteString("message", message);
    });

    public void Error(string message, int exitCode) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("message", message);
        w.WriteNumber("exitCode", exitCode);
    });

    /// <summary>One JSON object as text, written without reflection (AOT-safe); '+' and the like stay readable.</summary>
    public static string Object(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        string line = Object(body);
        lock (_lock)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }
}
