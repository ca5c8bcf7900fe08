using System.CommandLine;

namespace Uplink.Cli;

/// <summary>The command-line options for reaching and logging into a server, shared by <c>publish</c> and <c>check</c>.</summary>
internal sealed class ConnectionOptions
{
    private readonly Option<double> _connectTimeout = new("--connect-timeout") { Description = "Seconds allowed to connect (and start publishing).", DefaultValueFactory = _ => 10 };
    private readonly Option<string?> _user = new("--user") { Description = "User name for servers that authenticate publishers (Adobe/Wowza authmod=adobe, Limelight authmod=llnw; chosen from the server's answer)." };
    private readonly Option<string?> _password = new("--password") { Description = "Password for --user; better given in the UPLINK_PASSWORD environment variable, which ps does not show." };
    private readonly Option<string?> _tlsCa = new("--tls-ca") { Description = "For rtmps://: a PEM file of CA certificates to trust besides the system's (a private CA)." };
    private readonly Option<bool> _tlsInsecure = new("--tls-insecure") { Description = "For rtmps://: accept any certificate. Anyone on the path can then read and change the stream." };
    private readonly Option<bool> _digest = new("--digest-handshake") { Description = "Use the Flash Player 9 (digest) handshake, for servers that demand it." };
    private readonly Option<string?> _flashVer = new("--flashver") { Description = "The flashVer to send in connect (default FMLE/3.0 (compatible; Uplink/VERSION))." };
    private readonly Option<int?> _trace = new("--trace") { Description = "Log detail 0–9 (0 errors, 1 warnings, 2 connection life, 3 stats every 10 s, 4–5 protocol details, 6 the writer's every step, 7–8 every message and socket write, 9 every chunk); default 2 with --log-file. Also UPLINK_TRACE." };
    private readonly Option<string?> _logFile = new("--log-file") { Description = "Append the log to this file (no secrets are logged); without it, --trace logs to stderr. Also UPLINK_LOG_FILE." };
    private readonly Option<string[]> _connectArgs = new("--connect-arg") { Description = "An extra connect property NAME=VALUE (true/false and numbers are sent as such); repeatable, like FFmpeg's -rtmp_conn." };

    public ConnectionOptions()
    {
        OptionChecks.Add(_trace, (r, value) =>
        {
            if (value is int v && v is < 0 or > 9)
            {
                r.AddError($"--trace must be 0 to 9, got {v}.");
            }
        });
        OptionChecks.Add(_connectTimeout, (r, value) =>
        {
            double v = value;
            if (v is <= 0 or > OptionChecks.MaxSeconds || double.IsNaN(v))
            {
                r.AddError($"--connect-timeout must be more than 0 and at most {OptionChecks.MaxSeconds} seconds.");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_connectTimeout);
        command.Options.Add(_user);
        command.Options.Add(_password);
        command.Options.Add(_tlsCa);
        command.Options.Add(_tlsInsecure);
        command.Options.Add(_digest);
        command.Options.Add(_flashVer);
        command.Options.Add(_connectArgs);
        command.Options.Add(_trace);
        command.Options.Add(_logFile);
    }

    public ConnectionArguments Read(ParseResult result) => ConnectionArguments.Logging(result.GetValue(_trace), result.GetValue(_logFile)) with
    {
        ConnectTimeout = TimeSpan.FromSeconds(result.GetValue(_connectTimeout)),
        User = result.GetValue(_user),
        Password = result.GetValue(_password) ?? Environment.GetEnvironmentVariable("UPLINK_PASSWORD"),
        TlsCaFile = result.GetValue(_tlsCa),
        TlsInsecure = result.GetValue(_tlsInsecure),
        DigestHandshake = result.GetValue(_digest),
        FlashVersion = result.GetValue(_flashVer),
        ConnectArguments = result.GetValue(_connectArgs),
    };
}
