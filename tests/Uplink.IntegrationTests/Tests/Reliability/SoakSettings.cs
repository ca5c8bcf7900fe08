using System.Globalization;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>How the server is disrupted during a soak.</summary>
public enum SoakMode
{
    /// <summary>nginx-rtmp is SIGKILLed and started again after a short outage.</summary>
    Kill,

    /// <summary>Every connection to nginx-rtmp is reset by a proxy between uplink and the server; the server stays up.</summary>
    Cut,

    /// <summary>As <see cref="Cut"/>, against Node-Media-Server with its resume on: one recording, appended across reconnects.</summary>
    CutNms,
}

/// <summary>
/// One soak: <see cref="Disruptions"/> disruptions about <see cref="IntervalSeconds"/> apart (each moved by up to a quarter
/// interval either way, seeded), during one real-time publish of a clip <see cref="DurationSeconds"/> long.
/// </summary>
public sealed record SoakSettings(SoakMode Mode, int Disruptions, double IntervalSeconds, int Seed)
{
    /// <summary>Seconds of clip after the last scheduled disruption, for the last reconnection and some frames after it.</summary>
    public const double TailSeconds = 5;

    /// <summary>The clip's length: the first connection, the disruptions, the tail.</summary>
    public double DurationSeconds => Math.Ceiling(((Disruptions + 1) * IntervalSeconds) + TailSeconds);

    /// <summary>A soak whose clip is <paramref name="durationSeconds"/> long, the disruptions spread evenly over it.</summary>
    public static SoakSettings Spread(SoakMode mode, int disruptions, double durationSeconds, int seed) =>
        new(mode, disruptions, (durationSeconds - TailSeconds) / (disruptions + 1), seed);

    /// <summary>
    /// SOAK_MODE (kill, cut, cut-nms), SOAK_DISRUPTIONS, SOAK_INTERVAL_SECONDS or SOAK_DURATION_SECONDS (the disruptions
    /// spread over a clip that long), SOAK_SEED; each unset one takes the CI-sized default.
    /// </summary>
    public static SoakSettings FromEnvironment()
    {
        var mode = Environment.GetEnvironmentVariable("SOAK_MODE") switch
        {
            null or "" or "kill" => SoakMode.Kill,
            "cut" => SoakMode.Cut,
            "cut-nms" => SoakMode.CutNms,
            var other => throw new ArgumentException($"SOAK_MODE must be kill, cut or cut-nms, not '{other}'."),
        };
        var disruptions = (int)Number("SOAK_DISRUPTIONS", 6, 1, 10_000);
        var seed = (int)Number("SOAK_SEED", 17, int.MinValue, int.MaxValue);
        if (Environment.GetEnvironmentVariable("SOAK_DURATION_SECONDS") is { Length: > 0 })
        {
            var duration = Number("SOAK_DURATION_SECONDS", 0, 10, 86_400);
            var spread = Spread(mode, disruptions, duration, seed);
            return spread.IntervalSeconds >= 2 ? spread : throw new ArgumentException($"SOAK_DURATION_SECONDS {duration} leaves less than 2 s between {disruptions} disruptions.");
        }

        return new SoakSettings(mode, disruptions, Number("SOAK_INTERVAL_SECONDS", 4, 2, 3600), seed);
    }

    /// <summary>The name used in SOAK_MODE and in report file names.</summary>
    public string ModeName => Mode switch
    {
        SoakMode.Kill => "kill",
        SoakMode.Cut => "cut",
        _ => "cut-nms",
    };

    private static double Number(string name, double fallback, double min, double max)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
    }
}
