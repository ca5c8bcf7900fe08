using System.Globalization;
using System.Text.Json;

namespace Uplink.Cli;

/// <summary>
/// Runs <c>uplink check URL [--publish]</c>: the connection test of the original filter. Connects (TCP, TLS,
/// handshake, connect, authentication), optionally publishes and at once unpublishes, and reports the server's
/// version and capabilities with the connect and round-trip times. Exit 0, or 3 with the reason.
/// </summary>
internal sealed class CheckRunner
{
    private readonly CommandOutput _output;
    private readonly string _url;
    private readonly bool _publish;
    private readonly bool _json;
    private readonly RtmpWriterOptions _options;
    private readonly ConnectionArguments? _connection;

    public CheckRunner(string url, bool publish, bool json, RtmpWriterOptions options, CommandOutput output, ConnectionArguments? connection = null)
    {
        _connection = connection;
        _url = url;
        _publish = publish;
        _json = json;
        _options = options;
        _output = output;
    }

    public Task<int> RunAsync(CancellationToken cancellationToken) => _output.RunAsync(CheckAsync, () => "URL", cancellationToken);

    private async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        if (!RtmpUrl.TryParse(_url, out RtmpUrl? url, out string? error))
        {
            throw new InputException(error);
        }

        using Microsoft.Extensions.Logging.ILoggerFactory? log = _connection?.OpenLog(_output.Stderr);
        RtmpWriterOptions options = _options with { LoggerFactory = log ?? _options.LoggerFactory };
        RtmpConnectionCheckResult result = await RtmpConnectionCheck.RunAsync(options, _publish, cancellationToken).ConfigureAwait(false);
        RtmpServerInfo info = result.Server;
        RtmpServerStatus? published = result.PublishStatus;
        if (_json)
        {
            string json = JsonLines.Object(w =>
            {
                w.WriteString("type", "check");
                w.WriteString("url", url.ToString());
                w.WriteString("serverVersion", info.Version);
                if (info.Capabilities is double capabilities)
                {
                    w.WriteNumber("capabilities", capabilities);
                }

                w.WriteNumber("connectMilliseconds", Math.Round(info.ConnectTime.TotalMilliseconds, 2));
                w.WriteNumber("roundTripMilliseconds", Math.Round(info.RoundTripTime.TotalMilliseconds, 2));
                w.WriteBoolean("published", published is not null);
            });
            await _output.Stdout.WriteLineAsync(json).ConfigureAwait(false);
        }
        else
        {
            var inv = CultureInfo.InvariantCulture;
            string server = info.Version.Length > 0 ? info.Version : "(unnamed)";
            string capabilities = info.Capabilities is double c ? string.Create(inv, $", capabilities {c}") : "";
            string publishing = published is not null ? $"; published and unpublished ({published.Code})" : "";
            await _output.Stdout.WriteLineAsync(
                string.Create(inv, $"connected to {url} in {info.ConnectTime.TotalMilliseconds:0.0} ms (round trip {info.RoundTripTime.TotalMilliseconds:0.00} ms); server {server}{capabilities}{publishing}")).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
