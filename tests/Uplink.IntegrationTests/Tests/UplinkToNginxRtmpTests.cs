using Uplink.IntegrationTests.Fixtures;

namespace Uplink.IntegrationTests.Tests;

/// <summary>uplink publishing to nginx-rtmp.</summary>
public sealed class UplinkToNginxRtmpTests(NginxRtmpFixture fixture) : UplinkPublishTests(fixture.Peer), IClassFixture<NginxRtmpFixture>;
