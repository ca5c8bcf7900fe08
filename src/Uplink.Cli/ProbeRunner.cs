using System.Globalization;
using System.Text;
using System.Text.Json;
using Uplink.Media;

namespace Uplink.Cli;

/// <summary>Runs <c>uplink probe</c>: reads the whole input and describes it, as text or one JSON object.</summary>
internal sealed class ProbeRunner
{
    private readonly CommandOutput _output;
    private readonly InputSource _input;
    private readonly bool _json;

    public ProbeRunner(string input, string? audio, double? frameRate, bool json, bool verbose, TextWriter stdout, TextWriter stderr)
    {
        // With --json the one object on stdout is the answer; errors and warnings stay on stderr only.
        _output = new CommandOutput(stdout, stderr, json: false, verbose);
        _input = new InputSource(input, audio, frameRate, _output.Warn, allTracks: true);
        _json = json;
    }

    public Task<int> RunAsync(CancellationToken cancellationToken) => _output.RunAsync(ProbeAsync, () => _input.Name, cancellationToken);

    private async Task<int> ProbeAsync(CancellationToken cancellationToken)
    {
        IMediaReader reader = await _input.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            MediaProbeResult result = await MediaProbe.ProbeAsync(reader, cancellationToken).ConfigureAwait(false);
            await _output.Stdout.WriteLineAsync(_json ? ToJson(result) : ToText(result, _input.Name)).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    internal static string ToJson(MediaProbeResult result)
    {
        return JsonLines.Object(w =>
        {
            w.WriteString("format", result.Format);
            w.WriteNumber("durationSeconds", Math.Round(result.Duration.TotalSeconds, 3));
            w.WriteStartArray("tracks");
            foreach (TrackProbe t in result.Tracks)
            {
                w.WriteStartObject();
                w.WriteString("type", t.Type);
                w.WriteString("track", TrackLabel(t));
                w.WriteString("codec", t.Codec);
                WriteOptional(w, "profile", t.Profile);
                WriteOptional(w, "level", t.Level);
                WriteOptional(w, "width", t.Width);
                WriteOptional(w, "height", t.Height);
                WriteOptional(w, "hdr", t.Hdr);
                if (t.FrameRate is double fps)
                {
                    w.WriteNumber("frameRate", Math.Round(fps, 3));
                }

                WriteOptional(w, "sampleRate", t.SampleRate);
                WriteOptional(w, "channels", t.Channels);
                w.WriteNumber("frames", t.Frames);
                if (t.Keyframes is long k)
                {
                    w.WriteNumber("keyframes", k);
                }

                if (t.GopLength is long gop)
                {
                    w.WriteNumber("gopLength", gop);
                }

                if (t.BFrames is bool b)
                {
                    w.WriteBoolean("bFrames", b);
                }

                w.WriteNumber("durationSeconds", Math.Round(t.Duration.TotalSeconds, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static string ToText(MediaProbeResult result, string name)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{name}: {result.Format}, {result.Duration.TotalSeconds:0.000} s");
        foreach (TrackProbe t in result.Tracks)
        {
            sb.AppendLine();
            if (t.Type == "video")
            {
                string hdr = t.Hdr is null ? "" : $", HDR {t.Hdr}";
                sb.Append(CultureInfo.InvariantCulture, $"  {TrackLabel(t)} video: {VideoName(t.Codec)} {t.Profile ?? "?"} {t.Level ?? "?"}, {t.Width}x{t.Height}{hdr}, {t.FrameRate:0.###} fps, {t.Frames} frames ({t.Keyframes} keyframes, GOP {t.GopLength}{(t.BFrames == true ? ", B-frames" : "")}), {t.Duration.TotalSeconds:0.000} s");
            }
            else
            {
                string audio = t.Codec == "aac" ? $"AAC {t.Profile ?? "?"}" : AudioName(t.Codec);
                sb.Append(CultureInfo.InvariantCulture, $"  {TrackLabel(t)} audio: {audio}, {t.SampleRate} Hz, {t.Channels} channel{(t.Channels == 1 ? "" : "s")}, {t.Frames} frames, {t.Duration.TotalSeconds:0.000} s");
            }
        }

        return sb.ToString();
    }

    /// <summary>The track as the CLI names it: <c>v:0</c>, <c>a:1</c>.</summary>
    internal static string TrackLabel(TrackProbe t) => string.Create(CultureInfo.InvariantCulture, $"{(t.Type == "video" ? 'v' : 'a')}:{t.Index}");

    private static string VideoName(string codec) => codec switch
    {
        "hevc" => "HEVC",
        "av1" => "AV1",
        "vp9" => "VP9",
        _ => "H.264",
    };

    private static string AudioName(string codec) => codec switch
    {
        "opus" => "Opus",
        "flac" => "FLAC",
        "ac3" => "AC-3",
        "eac3" => "E-AC-3",
        _ => "MP3",
    };

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, int? value)
    {
        if (value is int v)
        {
            w.WriteNumber(name, v);
        }
    }
}
