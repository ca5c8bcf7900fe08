// The README's library example: publishes a file in real time (samples/LibrarySample adds reconnection, Ctrl-C and
// progress). Run from the repository root:
//
//   dotnet run --project samples/ReadmeExample -- samples/sample.flv rtmp://127.0.0.1/live/demo
// README begin
using Uplink;         // package Uplink
using Uplink.Media;   // package Uplink.Media: the readers

string input = args.Length > 0 ? args[0] : "samples/sample.flv";
string url = args.Length > 1 ? args[1] : "rtmp://127.0.0.1/live/demo";
await using IMediaReader reader = await MediaReader.OpenAsync(input);   // FLV, MP4, MPEG-TS, MKV, IVF, H.264/HEVC, ADTS: told by content
await using var writer = new RtmpWriter(new RtmpWriterOptions
{
    Url = url,
    Video = reader.Video,   // or VideoMediaType.H264AnnexB, .H264(avcC), .Hevc(hvcC), .Av1(), .Vp9(), .FromDirectShow(…)
    Audio = reader.Audio,   // or AudioMediaType.AacAdts, .Aac(asc), .Opus(opusHead), .Flac(streamInfo), .Ac3; null = none
});
writer.StatusChanged += (_, e) => Console.WriteLine($"{e.Status}: {e.Reason}");
await writer.ConnectAsync();                  // the connection test: connect and publish before any frame

// Every frame at its timestamp, as a live encoder would send it; sequence headers go where they belong.
// MediaPublishOptions: RealTime = false (as fast as the server takes it), Loops, Reopen, Progress.
MediaPublishResult played = await writer.PublishAsync(reader);

await writer.DisconnectAsync();               // sends what is queued, FCUnpublish, deleteStream, graceful close
RtmpWriterStats stats = writer.GetStats();    // after the disconnect: it counts everything sent
Console.WriteLine($"sent {stats.VideoFramesSent} video and {stats.AudioFramesSent} audio frames ({played.MediaDuration.TotalSeconds:0.0} s), {stats.BytesSent} bytes");
// README end
