namespace Uplink.Cli;

/// <summary>The defaults <c>uplink publish</c> sends with, which <c>uplink serve --push</c> relays with too.</summary>
internal static class PublishDefaults
{
    public const int ReconnectAttempts = 5;

    public const double ReconnectDelaySeconds = 2;

    public const int BufferSize = 4 * 1024 * 1024;
}
