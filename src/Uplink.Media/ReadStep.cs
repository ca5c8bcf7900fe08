namespace Uplink.Media;

/// <summary>What a reader could do with the bytes it has buffered.</summary>
internal enum ReadStep
{
    /// <summary>A frame is ready.</summary>
    Frame,

    /// <summary>More bytes must be read from the stream.</summary>
    NeedMoreData,

    /// <summary>The stream has ended and every frame was delivered.</summary>
    End,
}
