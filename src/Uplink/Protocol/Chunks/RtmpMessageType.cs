namespace Uplink.Protocol.Chunks;

/// <summary>RTMP message type ids (RTMP specification 5.4 and 7.1).</summary>
public enum RtmpMessageType : byte
{
    /// <summary>Protocol control: the sender's new chunk size.</summary>
    SetChunkSize = 1,

    /// <summary>Protocol control: discard the partly received message on a chunk stream.</summary>
    Abort = 2,

    /// <summary>Protocol control: the bytes received so far (modulo 2^32).</summary>
    Acknowledgement = 3,

    /// <summary>User control events (Stream Begin, ping request and response, …).</summary>
    UserControl = 4,

    /// <summary>Protocol control: how many bytes the sender may receive between acknowledgements.</summary>
    WindowAcknowledgementSize = 5,

    /// <summary>Protocol control: limit the peer's output bandwidth.</summary>
    SetPeerBandwidth = 6,

    /// <summary>Audio data (an FLV audio tag body).</summary>
    Audio = 8,

    /// <summary>Video data (an FLV video tag body).</summary>
    Video = 9,

    /// <summary>A data message in AMF3 (a leading format byte, then AMF0).</summary>
    DataAmf3 = 15,

    /// <summary>A shared object message in AMF3.</summary>
    SharedObjectAmf3 = 16,

    /// <summary>A command message in AMF3 (a leading format byte, then AMF0).</summary>
    CommandAmf3 = 17,

    /// <summary>A data message in AMF0 (<c>@setDataFrame</c>, <c>onMetaData</c>).</summary>
    DataAmf0 = 18,

    /// <summary>A shared object message in AMF0.</summary>
    SharedObjectAmf0 = 19,

    /// <summary>A command message in AMF0 (<c>connect</c>, <c>publish</c>, <c>_result</c>, <c>onStatus</c>, …).</summary>
    CommandAmf0 = 20,

    /// <summary>Several audio, video or data messages in one, as FLV tags.</summary>
    Aggregate = 22,
}
