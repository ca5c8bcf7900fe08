// The README's library example: publishes a file as fast as the server takes it (samples/LibrarySample adds real-time
// pacing, reconnection and Ctrl-C). Run from the repository root:
//
//   dotnet run --project samples/ReadmeExample -- samples/sample.flv rtmp://127.0.0.1/live/demo
// README begin
using Uplink;         // package Uplink
using Uplink.Media;   // package Uplink.Media: the readers

string input = args.Length > 0 ? args[0] : "samples/sample.flv";
string url = args.Length > 1 ? args[1] : "rtmp://127.0.0.1/live/demo";
await using IMediaReader reader = await MediaReader.OpenAsync(File.OpenRead(input));   // FLV, MP4, TS, H.264, ADTS
await using var writer = new RtmpWriter(new RtmpWriterOptions
{
    Url = url,
    Video = reader.Video,   // or VideoMediaType.H264AnnexB, .H264(avcDecoderConfigurationRecord), .FromDirectShow(…)
    Audio = reader.Audio,   // or AudioMediaType.AacAdts, .Aac(audioSpecificConfig); null = no audio
});
writer.StatusChanged += (_, e) => Console.WriteLine($"{e.Status}: {e.Reason}");
await writer.ConnectAsync();                  // the connection test: connect and publish before any frame

while (await reader.ReadAsync())
{
    MediaFrame frame = reader.Current;        // valid until the next ReadAsync; the writer copies what it keeps
    if (frame.IsConfiguration)                // a sequence header: the writer sends it before the next frame
    {
        if (frame.Track == MediaTrack.Video)
        {
            await writer.SetVideoConfigurationAsync(frame.Data);
        }
        else
        {
            await writer.SetAudioConfigurationAsync(frame.Data);
        }
    }
    else if (frame.Track == MediaTrack.Video)
    {
        await writer.WriteVideoAsync(frame.Data, frame.Dts, frame.Pts);   // DTS must not go backwards
    }
    else
    {
        await writer.WriteAudioAsync(frame.Data, frame.Dts);
    }
}

await writer.DisconnectAsync();               // sends what is queued, FCUnpublish, deleteStream, graceful close
RtmpWriterStats stats = writer.GetStats();    // after the disconnect: it counts everything sent
Console.WriteLine($"sent {stats.VideoFramesSent} video and {stats.AudioFramesSent} audio frames, {stats.BytesSent} bytes");
// README end
