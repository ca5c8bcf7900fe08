namespace Uplink;

/// <summary>A snapshot of what the writer has done.</summary>
/// <param name="Status">Connection state at the time of the snapshot.</param>
/// <param name="BytesSent">Bytes handed to the transport on the current connection, handshake included.</param>
/// <param name="BytesAcknowledged">Bytes the server has acknowledged (it acknowledges once per window).</param>
/// <param name="VideoFramesSent">Video frames sent (sequence headers not counted), the re-sends of a replay after a reconnect
/// included; <see cref="VideoFramesSent"/> − <see cref="VideoFramesResent"/> frames went out at least once.</param>
/// <param name="AudioFramesSent">Audio frames sent (sequence headers not counted), re-sends included.</param>
/// <param name="VideoFramesDropped">Video frames not sent (e.g. written before any SPS/PPS was known).</param>
/// <param name="AudioFramesDropped">Audio frames not sent.</param>
/// <param name="LastTimestamp">The stream timestamp of the last message sent.</param>
/// <param name="Reconnects">Times the writer reconnected after losing the connection.</param>
/// <param name="BufferedBytes">Bytes held for replay and, while reconnecting, waiting to be sent (a snapshot, not synchronised with writes).</param>
/// <param name="BufferedDuration">Media time waiting to be sent.</param>
/// <param name="AverageBitrate">Bits per second sent since the first connection, averaged.</param>
/// <param name="LastError">Why the last connection was lost or refused, if one was.</param>
/// <param name="QueuedBytes">Bytes written but not yet sent (the output buffer's fill; with reconnection, also the backlog).</param>
/// <param name="VideoFramesWritten">Video frames the caller wrote and the writer accepted (refused ones not counted).</param>
/// <param name="AudioFramesWritten">Audio frames the caller wrote and the writer accepted (each frame of an ADTS write counted).</param>
/// <param name="VideoFramesResent">Video frames sent again after a reconnect: the part of the replay the server already had,
/// or may have had (it had not acknowledged it).</param>
/// <param name="AudioFramesResent">Audio frames sent again after a reconnect.</param>
public readonly record struct RtmpWriterStats(
    RtmpWriterStatus Status,
    long BytesSent,
    long BytesAcknowledged,
    long VideoFramesSent,
    long AudioFramesSent,
    long VideoFramesDropped,
    long AudioFramesDropped,
    TimeSpan LastTimestamp,
    long Reconnects = 0,
    long BufferedBytes = 0,
    TimeSpan BufferedDuration = default,
    double AverageBitrate = 0,
    string? LastError = null,
    long QueuedBytes = 0,
    long VideoFramesWritten = 0,
    long AudioFramesWritten = 0,
    long VideoFramesResent = 0,
    long AudioFramesResent = 0);
