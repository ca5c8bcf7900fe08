namespace Uplink.IntegrationTests;

internal static class Placeholder;
