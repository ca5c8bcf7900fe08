namespace Uplink.Server;

/// <summary>How the server authenticates publishers.</summary>
public enum RtmpAuthMode
{
    /// <summary>Anyone may publish.</summary>
    None = 0,

    /// <summary>Adobe Media Server / Wowza <c>authmod=adobe</c>: salt, challenge and opaque over three connections.</summary>
    Adobe = 1,

    /// <summary>Limelight <c>authmod=llnw</c>: an HTTP-digest-like exchange with nonce, cnonce, nc and qop=auth.</summary>
    Llnw = 2,
}
