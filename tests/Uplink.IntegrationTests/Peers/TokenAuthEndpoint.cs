using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// The HTTP side of nginx-rtmp's <c>on_publish</c>: answers 200 when the publish URL's <c>token</c> query
/// argument is the expected one, 403 otherwise, and remembers every query it was asked about.
/// Listens on a free 127.0.0.1 port.
/// </summary>
public sealed class TokenAuthEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public TokenAuthEndpoint(string expectedToken)
    {
        ExpectedToken = expectedToken;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string ExpectedToken { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/publish";

    /// <summary>The query strings nginx sent, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests.Enqueue(context.Request.Url?.Query ?? "");
            context.Response.StatusCode = context.Request.QueryString["token"] == ExpectedToken ? 200 : 403;
            context.Response.Close();
        }
    }
}
