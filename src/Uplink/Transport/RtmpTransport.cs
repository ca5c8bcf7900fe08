using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Uplink.Transport;

/// <summary>
/// The byte pipe under a connection: a TCP socket, optionally wrapped in TLS (<c>rtmps</c>), or in tests any
/// duplex stream, behind one <see cref="Stream"/>; with the socket-level operations the protocol needs: a half-close,
/// and how many bytes the peer's TCP has acknowledged.
/// </summary>
internal sealed class RtmpTransport : IDisposable
{
    // Linux's getsockopt(IPPROTO_TCP, TCP_INFO): struct tcp_info, whose tcpi_bytes_acked (RFC 4898's
    // tcpEStatsAppHCThruOctetsAcked, Linux 4.1 on) is the 64-bit field at byte 120.
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    private const int TcpInfoBytesAckedOffset = 120;

    private readonly Socket? _socket;

    public RtmpTransport(Stream stream, Socket? socket = null)
    {
        Stream = stream;
        _socket = socket;
    }

    public Stream Stream { get; }

    /// <summary>How long opening the connection (TCP, and TLS) took, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long ConnectTicks { get; private init; }

    /// <summary>Opens a TCP connection with TCP_NODELAY and the send buffer size applied, and TLS for rtmps.</summary>
    /// <exception cref="RtmpException">The host cannot be reached, or TLS fails (the message names why).</exception>
    public static async Task<RtmpTransport> ConnectAsync(RtmpUrl url, bool noDelay, int sendBufferSize, RtmpTlsOptions tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = noDelay };
        Stream? stream = null;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (sendBufferSize > 0)
            {
                socket.SendBufferSize = sendBufferSize;
            }

            try
            {
                await socket.ConnectAsync(url.Host, url.Port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new RtmpException(RtmpErrorKind.Unreachable, $"cannot reach {url.Host}:{url.Port}: {ex.Message}", innerException: ex);
            }

            stream = new NetworkStream(socket, ownsSocket: true);
            if (url.IsTls)
            {
                stream = await AuthenticateAsync(stream, url, tls, cancellationToken).ConfigureAwait(false);
            }

            return new RtmpTransport(stream, socket) { ConnectTicks = System.Diagnostics.Stopwatch.GetTimestamp() - started };
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops sending (TLS close_notify, then TCP FIN) while still receiving; a no-op for non-socket streams.</summary>
    public async Task ShutdownSendAsync()
    {
        try
        {
            if (Stream is SslStream ssl)
            {
                await ssl.ShutdownAsync().ConfigureAwait(false);
            }

            _socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Bytes written that the peer's TCP has acknowledged, handshake included: what reached the server's host (not
    /// necessarily the server). Known on plain TCP on Linux only; TLS adds its own bytes, so there it is not known.
    /// </summary>
    public bool TryGetBytesAcknowledged(out long bytes)
    {
        bytes = 0;
        if (_socket is null || Stream is SslStream || !OperatingSystem.IsLinux())
        {
            return false;
        }

        Span<byte> info = stackalloc byte[TcpInfoBytesAckedOffset + sizeof(ulong)];
        try
        {
            if (_socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info) < info.Length)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }

        // The count runs from the initial sequence number, so the SYN is in it.
        bytes = Math.Max(0, (long)BitConverter.ToUInt64(info[TcpInfoBytesAckedOffset..]) - 1);
        return true;
    }

    public void Dispose()
    {
        Stream.Dispose();
        _socket?.Dispose();
    }

    private static async Task<SslStream> AuthenticateAsync(Stream inner, RtmpUrl url, RtmpTlsOptions tls, CancellationToken cancellationToken)
    {
        string targetHost = tls.TargetHost ?? url.Host;
        SslPolicyErrors seen = SslPolicyErrors.None;
        X509ChainStatusFlags chainStatus = X509ChainStatusFlags.NoError;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            // SNI carries host names only; for an IP address SslStream sends none, as RFC 6066 asks.
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None || tls.AllowUntrustedCertificate)
                {
                    return true;
                }

                if (errors == SslPolicyErrors.RemoteCertificateChainErrors && tls.TrustedRoots is { Count: > 0 } roots && certificate is not null
                    && TrustsPrivateRoot(certificate, roots, out chainStatus))
                {
                    return true;
                }

                seen = errors;
                if (chain is not null && chainStatus == X509ChainStatusFlags.NoError)
                {
                    foreach (X509ChainStatus status in chain.ChainStatus)
                    {
                        chainStatus |= status.Status;
                    }
                }

                return false;
            },
        };

        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            string why = seen == SslPolicyErrors.None ? ex.Message : Describe(seen, chainStatus, targetHost);
            throw new RtmpException(RtmpErrorKind.Tls, $"TLS with {url.Host}:{url.Port} failed: {why}", innerException: ex);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new RtmpException(RtmpErrorKind.Tls, $"TLS with {url.Host}:{url.Port} failed: {ex.Message} (is it an RTMPS port?)", innerException: ex);
        }
    }

    private static bool TrustsPrivateRoot(X509Certificate certificate, X509Certificate2Collection roots, out X509ChainStatusFlags status)
    {
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        bool ok = chain.Build(leaf);
        status = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus s in chain.ChainStatus)
        {
            status |= s.Status;
        }

        return ok;
    }

    private static string Describe(SslPolicyErrors errors, X509ChainStatusFlags chain, string host)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"the certificate is not for '{host}'");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            reasons.Add(chain == X509ChainStatusFlags.NoError ? "the certificate is not trusted" : $"the certificate is not trusted ({chain})");
        }

        return string.Join("; ", reasons) + " (trust its CA with --tls-ca / RtmpTlsOptions.TrustedRoots)";
    }
}
