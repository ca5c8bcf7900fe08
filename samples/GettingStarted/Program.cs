// docs/getting-started.md as one program: step 1's embedded server (when no URL is given), step 2's file, step 3's own
// frames (Annex-B H.264 and ADTS AAC, with step 4's settings) and step 3's AVCC variant, each to its own stream
// (APP_URL/file, APP_URL/frames, APP_URL/avcc). From the repository root:
//
//   dotnet run --project samples/GettingStarted                                 # publishes to its own embedded server
//   dotnet run --project samples/GettingStarted -- rtmp://127.0.0.1:1935/live   # to `uplink serve` or another server
using GettingStarted;
using Uplink.Server;

string input = args.Length > 1 ? args[1] : "samples/sample.flv";
await using RtmpServer? server = args.Length > 0 ? null : await Guide.StartServerAsync();
string app = args.Length > 0 ? args[0].TrimEnd('/') : $"rtmp://127.0.0.1:{server!.Port}/live";

Console.WriteLine($"step 2: publish {input} to {app}/file");
await Guide.PublishFileAsync(input, $"{app}/file");

Console.WriteLine($"step 3: publish an encoder's frames (Annex-B, ADTS) to {app}/frames");
await using (StandInEncoder encoder = await StandInEncoder.OpenAsync(input, EncodedForm.AnnexB, realTime: true))
{
    await Guide.PublishFramesAsync(encoder, $"{app}/frames");
}

// AVCC frames as fast as the server takes them: without live mode, nothing needs them in real time.
Console.WriteLine($"step 3: publish an encoder's frames (AVCC, raw AAC) to {app}/avcc");
await using (StandInEncoder encoder = await StandInEncoder.OpenAsync(input, EncodedForm.Avcc, realTime: false))
{
    await Guide.PublishAvccAsync(encoder, $"{app}/avcc");
}
