namespace Uplink.Flv.Parsing;

/// <summary>What an FLV audio or video tag body carries, legacy or Enhanced RTMP.</summary>
internal enum FlvPacketKind
{
    /// <summary>The decoder configuration: avcC, hvcC, av1C, vpcC, AudioSpecificConfig, OpusHead, STREAMINFO.</summary>
    SequenceStart,

    /// <summary>Coded media: one video access unit, or audio frames.</summary>
    CodedFrames,

    /// <summary>The end of the sequence (AVC end of sequence, E-RTMP SequenceEnd); no media.</summary>
    SequenceEnd,

    /// <summary>E-RTMP video Metadata (AMF0 <c>colorInfo</c>); no media.</summary>
    Metadata,

    /// <summary>E-RTMP audio MultichannelConfig (channel order, count and mapping); no media.</summary>
    MultichannelConfig,

    /// <summary>An E-RTMP Multitrack message: its tracks are read with <c>FlvVideoTracks</c> or <c>FlvAudioTracks</c>.</summary>
    Multitrack,

    /// <summary>A video info/command frame (frame type 5), or a tag body with nothing after its header; no media.</summary>
    Empty,
}
