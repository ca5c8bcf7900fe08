namespace Uplink.IntegrationTests.Media;

/// <summary>What <see cref="FrameHashes"/> hashes.</summary>
public enum HashMode
{
    /// <summary>Decoded frames (what a viewer sees/hears): the main oracle.</summary>
    Decoded,

    /// <summary>Compressed packets as stored (<c>-c copy</c>): independent of decoder state.</summary>
    Packets,
}
