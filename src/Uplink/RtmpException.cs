namespace Uplink;

/// <summary>What went wrong with the connection to the server.</summary>
public enum RtmpErrorKind
{
    /// <summary>The server could not be reached (DNS, TCP connect, TLS).</summary>
    Unreachable,

    /// <summary>The RTMP handshake failed.</summary>
    Handshake,

    /// <summary>The server refused <c>connect</c> (wrong application, authentication).</summary>
    ConnectRejected,

    /// <summary>The server refused <c>publish</c> (BadName, Denied, any error-level status).</summary>
    PublishRejected,

    /// <summary>The server broke the protocol.</summary>
    Protocol,

    /// <summary>The connection was lost or closed.</summary>
    Disconnected,

    /// <summary>An operation did not finish in time.</summary>
    Timeout,

    /// <summary>TLS (<c>rtmps</c>) failed: the certificate is not trusted or the handshake broke.</summary>
    Tls,
}

/// <summary>
/// A failure talking to the RTMP server. The message is one line, names the server's status code and
/// description when it sent one, and never contains a password, stream key or token.
/// </summary>
public sealed class RtmpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RtmpException(RtmpErrorKind kind, string message, string? statusCode = null, string? statusDescription = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        StatusDescription = statusDescription;
    }

    /// <summary>What went wrong.</summary>
    public RtmpErrorKind Kind { get; }

    /// <summary>The server's status code (e.g. <c>NetStream.Publish.BadName</c>), when it sent one.</summary>
    public string? StatusCode { get; }

    /// <summary>The server's description, when it sent one.</summary>
    public string? StatusDescription { get; }
}
