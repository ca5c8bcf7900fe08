namespace Uplink.Media;

/// <summary>A reader's parsing half, driven by <see cref="StreamReadBuffer.ReadFrameAsync"/>: turns buffered bytes into frames.</summary>
internal interface IBufferedFrameParser
{
    /// <summary>
    /// Parses the buffered bytes into the next frame, or says that <paramref name="needed"/> bytes from
    /// <see cref="StreamReadBuffer.Start"/> must be buffered first, or that the input has ended.
    /// </summary>
    ReadStep TryParseFrame(out int needed);

    /// <summary>Called when the buffered bytes moved <paramref name="by"/> places towards index 0; parsers that keep indexes into the buffer adjust them.</summary>
    void OnBufferShifted(int by)
    {
    }
}
