using System.Buffers;
using System.Globalization;
using Uplink.Protocol.Amf;

namespace Uplink.Timecode;

/// <summary>
/// Builds the <c>onFI</c> data message Flash Media Live Encoder embeds for timecode: the string <c>onFI</c>, then an
/// ECMA array of <c>sd</c> (date, <c>dd-MM-yy</c>), <c>st</c> (time, <c>HH:mm:ss.fff</c>) and optionally <c>tc</c>
/// (SMPTE <c>HH:MM:SS:FF</c>). Unlike onMetaData it is not wrapped in <c>@setDataFrame</c>: it is an event for players,
/// not something a server should keep. Allocation-free.
/// </summary>
internal static class FrameInfoBuilder
{
    /// <summary>The data message's name.</summary>
    public const string Name = "onFI";

    /// <param name="output">Where the message body goes.</param>
    /// <param name="wallClock">The date and time the labelled frame maps to.</param>
    /// <param name="streamTime">The labelled frame's time since the first frame (for <c>tc</c>).</param>
    /// <param name="smpteFrameRate">The frame rate for <c>tc</c>; null leaves <c>tc</c> out.</param>
    public static void Write(IBufferWriter<byte> output, DateTime wallClock, TimeSpan streamTime, double? smpteFrameRate)
    {
        Span<char> text = stackalloc char[16];
        Amf0Writer.WriteString(output, Name);
        Amf0Writer.WriteEcmaArrayStart(output, smpteFrameRate is null ? 2u : 3u);
        Amf0Writer.WritePropertyName(output, "sd");
        wallClock.TryFormat(text, out int length, "dd-MM-yy", CultureInfo.InvariantCulture);
        Amf0Writer.WriteString(output, text[..length]);
        Amf0Writer.WritePropertyName(output, "st");
        wallClock.TryFormat(text, out length, "HH:mm:ss.fff", CultureInfo.InvariantCulture);
        Amf0Writer.WriteString(output, text[..length]);
        if (smpteFrameRate is double fps)
        {
            Amf0Writer.WritePropertyName(output, "tc");
            length = SmpteTimecode.Format(streamTime, fps, text);
            Amf0Writer.WriteString(output, text[..length]);
        }

        Amf0Writer.WriteObjectEnd(output);
    }
}
