using System.Buffers;
using Uplink.Protocol.Amf;

namespace Uplink.Flv;

/// <summary>
/// The Enhanced RTMP <c>colorInfo</c> Metadata video packet (an AMF0 "colorInfo" and its object, after an extended
/// header with packet type Metadata), sent before the first frame of an HDR stream so a server or player knows the
/// picture is PQ or HLG without parsing the codec's configuration.
/// </summary>
internal static class ColorInfo
{
    private const int TransferPq = 16;
    private const int TransferHlg = 18;

    /// <summary>Writes the packet when the transfer characteristics are HDR (PQ or HLG).</summary>
    /// <returns>False, writing nothing, for any other transfer: SDR needs no hint.</returns>
    public static bool Write(IBufferWriter<byte> output, VideoCodec codec, ExTrack track, int bitDepth, int primaries, int transfer, int matrix)
    {
        if (transfer is not (TransferPq or TransferHlg))
        {
            return false;
        }

        Span<byte> header = output.GetSpan(track.HeaderSize);
        output.Advance(FlvTags.WriteExVideoHeader(header, FlvTags.InfoFrame, FlvTags.ExMetadata, codec, track));
        Amf0Writer.WriteString(output, "colorInfo");
        var colorConfig = new AmfObject()
            .Add("bitDepth", (double)bitDepth)
            .Add("colorPrimaries", (double)primaries)
            .Add("transferCharacteristics", (double)transfer)
            .Add("matrixCoefficients", (double)matrix);
        Amf0Writer.WriteValue(output, new AmfObject().Add("colorConfig", colorConfig));
        return true;
    }
}
