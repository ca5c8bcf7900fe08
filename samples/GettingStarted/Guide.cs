// snippet: usings
using System.Net;       // IPEndPoint, for the embedded server
using Uplink;           // package Uplink: RtmpWriter and its options
using Uplink.Media;     // package Uplink.Media: MediaReader, PublishAsync
using Uplink.Server;    // package Uplink.Server: RtmpServer
// end snippet

namespace GettingStarted;

/// <summary>The guide's steps. The regions between the snippet markers are what docs/getting-started.md shows.</summary>
internal static class Guide
{
    /// <summary>Step 1, in code: an RTMP server in this process on a free loopback port (package Uplink.Server).</summary>
    public static async Task<RtmpServer> StartServerAsync()
    {
        // snippet: embedded-server
        var server = new RtmpServer(new RtmpServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),   // port 0: a free port, see server.Port
        });
        server.SessionEnded += (_, s) =>
            Console.WriteLine($"server: {s.App}/{s.StreamName} received {s.VideoFrames} video and {s.AudioFrames} audio frames");
        await server.StartAsync();
        Console.WriteLine($"publish to rtmp://127.0.0.1:{server.Port}/live/STREAM");
        // end snippet
        return server;
    }

    /// <summary>Step 2: publish a file in real time.</summary>
    public static async Task PublishFileAsync(string input, string url)
    {
        // snippet: publish-file
        await using IMediaReader reader = await MediaReader.OpenAsync(input);   // FLV, MP4, MPEG-TS, raw H.264 or AAC
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = url,               // rtmp://host[:port]/app/stream
            Video = reader.Video,    // the media types the file declares
            Audio = reader.Audio,
        });
        writer.StatusChanged += (_, e) => Console.WriteLine($"{e.Status}: {e.Reason}");
        await writer.ConnectAsync();                                    // throws RtmpException if refused or unreachable
        MediaPublishResult played = await writer.PublishAsync(reader);  // every frame at its timestamp
        await writer.DisconnectAsync();                                 // delivers what is queued, then unpublishes
        RtmpWriterStats stats = writer.GetStats();
        Console.WriteLine($"sent {stats.VideoFramesSent} video and {stats.AudioFramesSent} audio frames ({played.MediaDuration.TotalSeconds:0.0} s)");
        // end snippet
    }

    /// <summary>Steps 3 and 4: publish an encoder's Annex-B and ADTS frames as they come, and stay on air.</summary>
    public static async Task PublishFramesAsync(StandInEncoder encoder, string url)
    {
        // snippet: annexb-options
        var options = new RtmpWriterOptions
        {
            Url = url,
            Video = VideoMediaType.H264AnnexB,   // start codes; SPS and PPS in band, before each keyframe
            Audio = AudioMediaType.AacAdts,      // each frame with its ADTS header; null for a stream without audio
        };
        // end snippet

        // snippet: stay-on-air
        options = options with
        {
            Reconnect = new RtmpReconnectOptions(Attempts: 10, Delay: TimeSpan.FromSeconds(1)),   // up to 10 tries after each loss
            OutputBufferSize = 4 * 1024 * 1024,   // a send loop owns the socket; a write only queues
            LiveMode = true,                      // a write never waits: under congestion, frames are dropped by priority
            OnStatusChanged = e => Console.WriteLine($"{e.Time:HH:mm:ss} {e.Status}: {e.Reason}"),
        };
        // end snippet

        // snippet: write-frames
        await using var writer = new RtmpWriter(options);
        await writer.ConnectAsync();
        await foreach (EncodedFrame frame in encoder.ReadFramesAsync())   // as the encoder hands them out
        {
            if (frame.IsVideo)
            {
                await writer.WriteVideoAsync(frame.Data, frame.DecodeTime, frame.PresentationTime);
            }
            else
            {
                await writer.WriteAudioAsync(frame.Data, frame.DecodeTime);
            }
        }
        await writer.DisconnectAsync();
        // end snippet

        // snippet: stats
        RtmpWriterStats stats = writer.GetStats();
        Console.WriteLine($"sent {stats.VideoFramesSent} video and {stats.AudioFramesSent} audio frames, " +
            $"dropped {stats.VideoFramesDropped} video and {stats.AudioFramesDropped} audio, {stats.Reconnects} reconnects");
        // end snippet
    }

    /// <summary>Step 3, AVCC: length-prefixed NAL units and raw AAC, their configurations out of band.</summary>
    public static async Task PublishAvccAsync(StandInEncoder encoder, string url)
    {
        // snippet: avcc-options
        var options = new RtmpWriterOptions
        {
            Url = url,
            Video = VideoMediaType.H264(encoder.AvcDecoderConfigurationRecord.Span),   // the avcC: SPS, PPS, NAL length size
            Audio = AudioMediaType.Aac(encoder.AudioSpecificConfig.Span),              // raw AAC frames, no ADTS header
        };
        // end snippet
        await using var writer = new RtmpWriter(options);
        await foreach (EncodedFrame frame in encoder.ReadFramesAsync())
        {
            // snippet: configuration-change
            if (frame.IsConfiguration)   // the encoder started over with new settings, a new resolution say
            {
                await (frame.IsVideo ? writer.SetVideoConfigurationAsync(frame.Data) : writer.SetAudioConfigurationAsync(frame.Data));
                continue;                // the new sequence header goes out before the next frame
            }
            // end snippet

            if (frame.IsVideo)
            {
                await writer.WriteVideoAsync(frame.Data, frame.DecodeTime, frame.PresentationTime);
            }
            else
            {
                await writer.WriteAudioAsync(frame.Data, frame.DecodeTime);
            }
        }

        await writer.DisconnectAsync();
        RtmpWriterStats stats = writer.GetStats();
        Console.WriteLine($"sent {stats.VideoFramesSent} video and {stats.AudioFramesSent} audio frames");
    }
}
