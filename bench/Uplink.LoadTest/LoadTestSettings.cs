using System.Globalization;

namespace Uplink.LoadTest;

/// <summary>The command line of the load test.</summary>
/// <param name="Url">Publish URL without the stream name (e.g. rtmp://127.0.0.1:1935/live); streams are named s0..sN-1.</param>
/// <param name="Streams">How many publishers run at once.</param>
/// <param name="Seconds">How long they publish once all are connected.</param>
/// <param name="Bitrate">Target bitrate of the synthetic stream, bits per second (video plus audio).</param>
/// <param name="ClipPath">Where the generated clip is kept (made with ffmpeg when absent).</param>
/// <param name="ConnectConcurrency">How many connects run at once.</param>
/// <param name="ReconnectAttempts">The writers' reconnect attempts (0 = no reconnection, nothing kept for replay).</param>
/// <param name="InterleaveWindowMs">The writers' InterleaveWindow in ms (-1 = the default); 0 sends each frame as written (the frames are written in timestamp order).</param>
/// <param name="BufferSize">The writers' OutputBufferSize (0 = send on the writing thread).</param>
internal sealed record LoadTestSettings(string Url, int Streams, double Seconds, int Bitrate, string ClipPath, int ConnectConcurrency, int ReconnectAttempts, int InterleaveWindowMs = -1, int BufferSize = 0)
{
    public const string Usage = "usage: Uplink.LoadTest --url rtmp://HOST:PORT/APP --streams N [--seconds S=30] [--bitrate BPS=1000000] [--clip PATH] [--connect-concurrency C=32] [--reconnect ATTEMPTS=0] [--interleave-window-ms MS] [--buffer-size BYTES=0]";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with one line naming the problem.</summary>
    public static LoadTestSettings Parse(string[] args)
    {
        string? url = null;
        int streams = 0;
        double seconds = 30;
        int bitrate = 1_000_000;
        string? clip = null;
        int concurrency = 32;
        int reconnect = 0;
        int interleave = -1;
        int buffer = 0;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value. {Usage}");
            switch (name)
            {
                case "--url":
                    url = value.TrimEnd('/');
                    break;
                case "--streams":
                    streams = ParseInt(name, value, 1, 100_000);
                    break;
                case "--seconds":
                    seconds = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s <= 86_400
                        ? s
                        : throw new ArgumentException($"--seconds must be a number of seconds above 0, not '{value}'.");
                    break;
                case "--bitrate":
                    bitrate = ParseInt(name, value, 200_000, 100_000_000);
                    break;
                case "--clip":
                    clip = value;
                    break;
                case "--connect-concurrency":
                    concurrency = ParseInt(name, value, 1, 10_000);
                    break;
                case "--interleave-window-ms":
                    interleave = ParseInt(name, value, 0, 60_000);
                    break;
                case "--buffer-size":
                    buffer = ParseInt(name, value, 0, 1 << 30);
                    break;
                case "--reconnect":
                    reconnect = ParseInt(name, value, 0, 1000);
                    break;
                default:
                    throw new ArgumentException($"unknown option {name}. {Usage}");
            }
        }

        if (url is null || streams == 0)
        {
            throw new ArgumentException($"--url and --streams are required. {Usage}");
        }

        clip ??= Path.Combine(Path.GetTempPath(), "uplink-bench", $"load-{bitrate.ToString(CultureInfo.InvariantCulture)}.flv");
        return new LoadTestSettings(url, streams, seconds, bitrate, clip, concurrency, reconnect, interleave, buffer);
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}
