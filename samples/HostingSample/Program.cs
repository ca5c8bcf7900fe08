// Uplink in the .NET generic host. Run from the repository root:
//
//   dotnet run --project samples/HostingSample
//
// It starts the embedded RTMP server, publishes samples/sample.flv to it through a writer configured in
// appsettings.json, logs what the server received and stops. Any setting can be overridden on the command line
// (--Uplink:Writer:Url=rtmp://…) or in the environment (Uplink__Writer__Url=rtmp://…).
using HostingSample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Uplink.Media;

// appsettings.json sits beside the program, wherever it is run from.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The media types come from the file, so the reader is opened first and finishes the writer's options.
await using IMediaReader reader = await MediaReader.OpenAsync(builder.Configuration["Sample:Input"] ?? "samples/sample.flv");
builder.Services.AddSingleton(reader);

builder.Services.AddRtmpServer(builder.Configuration.GetSection("Uplink:Server"));
builder.Services.AddRtmpWriter(builder.Configuration.GetSection("Uplink:Writer"),
    (_, options) => options with { Video = reader.Video, Audio = reader.Audio });
builder.Services.AddHostedService<SamplePublisher>();

await builder.Build().RunAsync();
