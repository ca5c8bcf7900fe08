namespace Uplink;

/// <summary>What a connection found out about the server.</summary>
/// <param name="Version">The server's <c>fmsVer</c> (e.g. <c>FMS/3,0,1,123</c>), empty when it sent none.</param>
/// <param name="Capabilities">The server's <c>capabilities</c> number, when sent.</param>
/// <param name="ConnectTime">From opening the TCP connection to the server accepting <c>connect</c> (the last attempt, with authentication).</param>
/// <param name="RoundTripTime">The handshake's round trip: from sending C0+C1 to receiving S0+S1.</param>
public sealed record RtmpServerInfo(string Version, double? Capabilities, TimeSpan ConnectTime, TimeSpan RoundTripTime);
