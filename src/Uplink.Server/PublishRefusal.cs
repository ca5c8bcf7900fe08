using System.Net;

namespace Uplink.Server;

/// <summary>A publisher the server turned away for good: wrong credentials, or a refused <c>publish</c>.</summary>
/// <param name="Id">The server-wide connection number.</param>
/// <param name="RemoteEndPoint">The client's address.</param>
/// <param name="App">The application name (without its query).</param>
/// <param name="StreamName">The stream name, or empty when <c>connect</c> was refused.</param>
/// <param name="Reason">For connect: <c>reason=authfailed</c> or <c>reason=nosuchuser</c>; for publish: the status code, e.g. <c>NetStream.Publish.BadName</c>.</param>
public sealed record PublishRefusal(long Id, EndPoint? RemoteEndPoint, string App, string StreamName, string Reason);
