namespace Uplink.IntegrationTests.Peers;

/// <summary>A running RTMP server that records what is published to it.</summary>
public interface IRtmpPeer
{
    /// <summary>A short name for messages ("nginx-rtmp", "Node-Media-Server").</summary>
    string Name { get; }

    /// <summary>The RTMP URL to publish <paramref name="streamName"/> to (application "live").</summary>
    string PublishUrl(string streamName);

    /// <summary>
    /// Waits (bounded) until the recording of <paramref name="streamName"/> is complete, which the server
    /// signals after the publisher disconnects, and returns its path. Fails with the server's log when no
    /// recording appears.
    /// </summary>
    Task<string> WaitForRecordingAsync(string streamName, TimeSpan timeout);
}
