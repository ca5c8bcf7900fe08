using System.Globalization;
using System.Text.Json;
using Uplink.Server;

namespace Uplink.Cli;

/// <summary>
/// What <c>uplink serve</c> prints on stdout: one line per event (listening, session start and end, refusal, and with
/// <c>--push</c> each destination's status, summary and the relay latency), as text or, with <c>--json</c>, one JSON
/// object per line. Push destinations are named by their URLs with the secrets masked.
/// </summary>
internal sealed class ServeOutput(TextWriter stdout, bool json)
{
    private readonly Lock _lock = new();

    public void Listening(string url, string? recording, string text) => Line(text, w =>
    {
        w.WriteString("type", "listening");
        w.WriteString("url", url);
        w.WriteString("recording", recording);
    });

    public void Start(PublishSessionInfo s) => Line(ServeCommand.FormatStart(s), w =>
    {
        Session(w, "start", s.Id, s.App, s.StreamName);
        w.WriteString("remote", s.RemoteEndPoint?.ToString());
        w.WriteString("recording", s.RecordingPath);
    });

    public void End(PublishSessionSummary s) => Line(ServeCommand.FormatEnd(s), w =>
    {
        Session(w, "end", s.Id, s.App, s.StreamName);
        w.WriteString("reason", s.EndReason);
        w.WriteNumber("videoFrames", s.VideoFrames);
        w.WriteNumber("audioFrames", s.AudioFrames);
        w.WriteNumber("bytes", s.Bytes);
        w.WriteNumber("durationSeconds", Math.Round((s.Ended - s.Started).TotalSeconds, 3));
        w.WriteString("video", s.Video?.ToString());
        w.WriteString("audio", s.Audio?.ToString());
        w.WriteString("recording", s.RecordingPath);
    });

    public void Refused(PublishRefusal r) => Line($"refused #{r.Id} {r.App}{(r.StreamName.Length > 0 ? "/" + r.StreamName : "")} from {r.RemoteEndPoint}: {r.Reason}", w =>
    {
        Session(w, "refused", r.Id, r.App, r.StreamName);
        w.WriteString("remote", r.RemoteEndPoint?.ToString());
        w.WriteString("reason", r.Reason);
    });

    public void PushStatus(PublishSessionInfo s, RtmpWriterStatusChangedEventArgs e) => Line($"push #{s.Id} {e.Destination}: {e.Status} ({(int)e.Status}): {e.Reason}", w =>
    {
        Session(w, "status", s.Id, s.App, s.StreamName);
        w.WriteString("destination", e.Destination);
        w.WriteString("status", e.Status.ToString());
        w.WriteNumber("code", (int)e.Status);
        w.WriteString("reason", e.Reason);
        w.WriteString("time", e.Time.ToString("O", CultureInfo.InvariantCulture));
    });

    public void PushSummary(PublishSessionInfo s, string destination, RtmpWriterStats stats, string? failure)
    {
        long dropped = stats.VideoFramesDropped + stats.AudioFramesDropped;
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"push #{s.Id} {destination}: sent {stats.VideoFramesSent} video + {stats.AudioFramesSent} audio frames, {stats.BytesSent} bytes, {dropped} dropped, {stats.Reconnects} reconnects") +
            (failure is null ? "" : "; failed: " + failure.ReplaceLineEndings(" "));
        Line(text, w =>
        {
            Session(w, "destination", s.Id, s.App, s.StreamName);
            w.WriteString("destination", destination);
            w.WriteNumber("videoFrames", stats.VideoFramesSent);
            w.WriteNumber("audioFrames", stats.AudioFramesSent);
            w.WriteNumber("videoFramesDropped", stats.VideoFramesDropped);
            w.WriteNumber("audioFramesDropped", stats.AudioFramesDropped);
            w.WriteNumber("videoFramesResent", stats.VideoFramesResent);
            w.WriteNumber("audioFramesResent", stats.AudioFramesResent);
            w.WriteNumber("bytesSent", stats.BytesSent);
            w.WriteNumber("bytesAcknowledged", stats.BytesAcknowledged);
            w.WriteNumber("reconnects", stats.Reconnects);
            w.WriteString("failure", failure);
        });
    }

    public void PushLatency(PublishSessionInfo s, double p50, double p99) =>
        Line(string.Create(CultureInfo.InvariantCulture, $"push #{s.Id} latency (received to socket): p50 {p50:0.0} ms, p99 {p99:0.0} ms"), w =>
        {
            Session(w, "latency", s.Id, s.App, s.StreamName);
            w.WriteNumber("p50Ms", p50);
            w.WriteNumber("p99Ms", p99);
        });

    public void Stopped() => Line("stopped", w => w.WriteString("type", "stopped"));

    private static void Session(Utf8JsonWriter w, string type, long id, string app, string stream)
    {
        w.WriteString("type", type);
        w.WriteNumber("id", id);
        w.WriteString("app", app);
        w.WriteString("stream", stream);
    }

    private void Line(string text, Action<Utf8JsonWriter> body)
    {
        string line = json ? JsonLines.Object(body) : text;
        lock (_lock)
        {
            stdout.WriteLine(line);
            stdout.Flush();
        }
    }
}
