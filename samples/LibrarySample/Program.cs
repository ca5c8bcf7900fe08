// Publishes a media file (FLV, MP4, MPEG-TS, raw H.264 or ADTS AAC) to an RTMP server in real time,
// the way a live encoder would, with the Uplink library:
//
//   dotnet run --project samples/LibrarySample -- samples/sample.flv rtmp://127.0.0.1/live/test
//
// Ctrl-C stops the stream cleanly (the server sees an unpublish, not a dropped connection).
using System.Diagnostics;
using Uplink;
using Uplink.Media;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: LibrarySample INPUT rtmp://host[:port]/app/stream");
    return 2;
}

// Ctrl-C cancels this token instead of killing the process, so the finally blocks below still run.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// 1. Open the input. MediaReader detects the format from the first bytes and returns a reader that
//    yields frames in decode order. It also tells the media types of the two pins (video, audio).
await using IMediaReader reader = await MediaReader.OpenAsync(args[0], cancellationToken: stop.Token);
Console.Error.WriteLine($"input: {reader.FormatName}, video {reader.Video?.ToString() ?? "none"}, audio {reader.Audio?.ToString() ?? "none"}");

// 2. Create the writer. Options are an immutable record: the URL, and the media types the reader found
//    (null for a missing track). Reconnection is off by default (as in the original filter); turned on here:
//    when the connection drops, the writer reconnects, resends metadata and sequence headers and replays
//    what the server had not acknowledged, while we keep writing.
var options = new RtmpWriterOptions
{
    Url = args[1],
    Video = reader.Video,
    Audio = reader.Audio,
    Reconnect = new RtmpReconnectOptions(Attempts: 5, Delay: TimeSpan.FromSeconds(2)),
};
await using var writer = new RtmpWriter(options);

// StatusChanged is raised from the writer's own dispatch loop, never from the network path, so a slow
// handler cannot stall sending. Status is Connected (0), Disconnected (1) or Reconnecting (2).
writer.StatusChanged += (_, e) => Console.Error.WriteLine($"status: {e.Status} ({e.Reason})");

var clock = Stopwatch.StartNew();
int exitCode = 0;
try
{
    // 3. Connect: handshake, connect, createStream, publish. Throws RtmpException when refused.
    await writer.ConnectAsync(stop.Token);

    // 4. Publish: every frame at its timestamp (real time), sequence headers (IsConfiguration frames) as the track's
    //    new configuration, video with DTS and PTS (B-frames make them differ), audio with its timestamp. Progress is
    //    told the media position after each frame.
    TimeSpan position = TimeSpan.Zero;
    await writer.PublishAsync(reader, new MediaPublishOptions { Progress = p => position = p.Position }, stop.Token);
    Console.Error.WriteLine($"published {position.TotalSeconds:0.0} s of media");
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopping (Ctrl-C)");
}
catch (RtmpException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    exitCode = 1;
}

// 5. Disconnect: sends what is queued, unpublishes and closes. Not tied to the Ctrl-C token, so it runs to completion
//    after a Ctrl-C. If the connection is being restored, it waits for it (up to RtmpWriterOptions.CloseTimeout) so the
//    backlog is delivered; if it does not come back, it throws, saying how much was not delivered.
try
{
    await writer.DisconnectAsync(CancellationToken.None);
}
catch (RtmpException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    exitCode = 1;
}

// 6. Stats: a snapshot of what the writer did, read after the disconnect so it counts everything sent.
RtmpWriterStats stats = writer.GetStats();
Console.Error.WriteLine(
    $"sent {stats.VideoFramesSent} video + {stats.AudioFramesSent} audio frames ({stats.VideoFramesDropped + stats.AudioFramesDropped} dropped), " +
    $"{stats.BytesSent} bytes in {clock.Elapsed.TotalSeconds:F1} s, {stats.AverageBitrate / 1000:F0} kbit/s, {stats.Reconnects} reconnects");
return exitCode;
