using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Uplink.Cli;

/// <summary>How to reach and log into the server, as <c>publish</c> and <c>check</c> take it from the command line.</summary>
internal sealed record ConnectionArguments(
    TimeSpan ConnectTimeout,
    string? User = null,
    string? Password = null,
    string? TlsCaFile = null,
    bool TlsInsecure = false,
    bool DigestHandshake = false,
    string? FlashVersion = null,
    IReadOnlyList<string>? ConnectArguments = null,
    int? Trace = null,
    string? TraceVariable = null,
    string? LogFile = null)
{
    /// <summary>Only the logging settings: <paramref name="trace"/> and <paramref name="logFile"/> from the flags, with
    /// UPLINK_TRACE and UPLINK_LOG_FILE behind them (for <c>serve</c>, and the base of every command's arguments).</summary>
    public static ConnectionArguments Logging(int? trace, string? logFile) => new(
        TimeSpan.Zero,
        Trace: trace,
        TraceVariable: Environment.GetEnvironmentVariable("UPLINK_TRACE"),
        LogFile: logFile ?? (Environment.GetEnvironmentVariable("UPLINK_LOG_FILE") is { } file && !string.IsNullOrWhiteSpace(file) ? file : null));

    /// <summary>The trace level: --trace, else UPLINK_TRACE, else none (null).</summary>
    /// <exception cref="InputException">UPLINK_TRACE is not 0 to 9.</exception>
    public int? TraceLevel
    {
        get
        {
            if (Trace is not null || string.IsNullOrWhiteSpace(TraceVariable))
            {
                return Trace;
            }

            return int.TryParse(TraceVariable, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int level) && level <= 9
                ? level
                : throw new InputException($"UPLINK_TRACE must be 0 to 9, got '{TraceVariable}'");
        }
    }

    /// <summary>The log the trace level and log file ask for (null for none); dispose it after the writer.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? OpenLog(TextWriter stderr) => TraceLogging.Create(TraceLevel, LogFile, stderr);

    /// <summary>Applies these arguments to writer options; refuses combinations that make no sense for <paramref name="url"/>.</summary>
    public RtmpWriterOptions Apply(RtmpWriterOptions options, RtmpUrl url, CommandOutput output) => Apply(options, [url], output);

    /// <summary>Applies these arguments to writer options whose destinations are <paramref name="urls"/> (the writer's own first).</summary>
    public RtmpWriterOptions Apply(RtmpWriterOptions options, IReadOnlyList<RtmpUrl> urls, CommandOutput output) => options with
    {
        ConnectTimeout = ConnectTimeout,
        Tls = TlsOptions(urls, output),
        Credentials = CredentialsFor(urls[0]),
        DigestHandshake = DigestHandshake,
        FlashVersion = FlashVersion,
        ConnectProperties = ConnectProperties(ConnectArguments),
    };

    /// <summary>--connect-arg NAME=VALUE: true/false as booleans, numbers as numbers, anything else as a string.</summary>
    private static List<KeyValuePair<string, object?>>? ConnectProperties(IReadOnlyList<string>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return null;
        }

        var properties = new List<KeyValuePair<string, object?>>();
        foreach (string argument in arguments)
        {
            int eq = argument.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InputException($"--connect-arg '{argument}': expected NAME=VALUE");
            }

            string value = argument[(eq + 1)..];
            object? typed = value switch
            {
                "true" => true,
                "false" => false,
                _ when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number) => number,
                _ => value,
            };
            properties.Add(new(argument[..eq], typed));
        }

        return properties;
    }

    /// <summary>--user with --password or UPLINK_PASSWORD; else the URL's user:pass@ (the writer reads those itself).</summary>
    public RtmpCredentials? CredentialsFor(RtmpUrl url)
    {
        string? user = User ?? url.UserName;
        string? password = Password ?? url.Password;
        if (User is not null && string.IsNullOrEmpty(password))
        {
            throw new InputException("--user needs a password: --password, UPLINK_PASSWORD, or user:pass@ in the URL");
        }

        return user is null || password is null ? null : new RtmpCredentials(user, password);
    }

    private RtmpTlsOptions TlsOptions(IReadOnlyList<RtmpUrl> urls, CommandOutput output)
    {
        if (!urls.Any(u => u.IsTls) && (TlsCaFile is not null || TlsInsecure))
        {
            throw new InputException("--tls-ca and --tls-insecure go with an rtmps:// URL");
        }

        if (TlsInsecure)
        {
            output.Warn("--tls-insecure: the server's certificate is not checked; anyone on the path can read and change the stream");
        }

        X509Certificate2Collection? roots = null;
        if (TlsCaFile is { } file)
        {
            roots = [];
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw new InputException($"--tls-ca {file}: {ex.Message}");
            }

            if (roots.Count == 0)
            {
                throw new InputException($"--tls-ca {file}: no PEM certificate in it");
            }
        }

        return new RtmpTlsOptions { TrustedRoots = roots, AllowUntrustedCertificate = TlsInsecure };
    }
}
