using Uplink.IntegrationTests.Fixtures;

namespace Uplink.IntegrationTests.Tests;

/// <summary>FFmpeg self-checks against Node-Media-Server.</summary>
public sealed class NodeMediaServerSelfCheckTests(NodeMediaServerFixture fixture) : FfmpegSelfCheckTests(fixture.Peer), IClassFixture<NodeMediaServerFixture>;
