using System.Security.Cryptography.X509Certificates;

namespace Uplink;

/// <summary>How <c>rtmps://</c> checks the server. By default the system's trusted roots and the host name decide.</summary>
public sealed record RtmpTlsOptions
{
    /// <summary>Extra roots to trust (a private CA), on top of the system's; the host name is still checked.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Accept any certificate. An explicit opt-out for tests and labs: anyone on the path can read and change the stream.</summary>
    public bool AllowUntrustedCertificate { get; init; }

    /// <summary>The name to send as SNI and to check the certificate against; null for the URL's host.</summary>
    public string? TargetHost { get; init; }
}
