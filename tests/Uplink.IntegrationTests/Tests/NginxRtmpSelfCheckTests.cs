using Uplink.IntegrationTests.Fixtures;

namespace Uplink.IntegrationTests.Tests;

/// <summary>FFmpeg self-checks against nginx-rtmp.</summary>
public sealed class NginxRtmpSelfCheckTests(NginxRtmpFixture fixture) : FfmpegSelfCheckTests(fixture.Peer), IClassFixture<NginxRtmpFixture>;
