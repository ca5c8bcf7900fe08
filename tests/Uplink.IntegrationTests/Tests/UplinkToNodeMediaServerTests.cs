using Uplink.IntegrationTests.Fixtures;

namespace Uplink.IntegrationTests.Tests;

/// <summary>uplink publishing to Node-Media-Server.</summary>
public sealed class UplinkToNodeMediaServerTests(NodeMediaServerFixture fixture) : UplinkPublishTests(fixture.Peer), IClassFixture<NodeMediaServerFixture>;
