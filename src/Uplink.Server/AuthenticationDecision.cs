namespace Uplink.Server;

/// <summary>What the authenticator says about one <c>connect</c>: accept, or refuse with the description the client parses.</summary>
/// <param name="Accepted">True to accept the connect.</param>
/// <param name="Description">The <c>_error</c> description for a refusal (what FFmpeg and OBS parse), else empty.</param>
/// <param name="Reason">A short reason for the log: <c>need auth</c>, <c>needauth</c>, <c>authfailed</c>, <c>nosuchuser</c>, or empty.</param>
internal readonly record struct AuthenticationDecision(bool Accepted, string Description, string Reason)
{
    public static AuthenticationDecision Accept { get; } = new(true, "", "");
}
