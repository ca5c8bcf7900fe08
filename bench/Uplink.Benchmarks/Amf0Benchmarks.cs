using BenchmarkDotNet.Attributes;
using Uplink.Protocol.Amf;
using Uplink.Buffers;
using Uplink.Flv;
using Uplink.Timecode;

namespace Uplink.Benchmarks;

/// <summary>
/// AMF0 on the (rare) command path: encoding a <c>connect</c> command as the session builds it (object built each
/// time), encoding <c>@setDataFrame onMetaData</c> with <see cref="MetadataBuilder"/>, and decoding an
/// <c>onStatus NetStream.Publish.Start</c> the way the session's receive loop reads commands.
/// </summary>
[MemoryDiagnoser]
public class Amf0Benchmarks
{
    private readonly PooledBufferWriter _output = new(4096);
    private byte[] _onStatus = [];

    /// <summary>Encodes the onStatus message the decode benchmark reads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using var writer = new PooledBufferWriter(512);
        Amf0Writer.WriteString(writer, "onStatus");
        Amf0Writer.WriteNumber(writer, 0);
        Amf0Writer.WriteNull(writer);
        Amf0Writer.WriteValue(writer, new AmfObject()
            .Add("level", "status")
            .Add("code", "NetStream.Publish.Start")
            .Add("description", "live/stream is now published.")
            .Add("details", "stream")
            .Add("clientid", "ASAICiss"));
        _onStatus = writer.WrittenSpan.ToArray();
    }

    /// <summary>Returns the output buffer to the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    /// <summary><c>connect</c>, transaction 1, with the command object FFmpeg sends (app, type, flashVer, tcUrl).</summary>
    [Benchmark]
    public int EncodeConnect()
    {
        _output.Clear();
        var command = new AmfObject()
            .Add("app", "live")
            .Add("type", "nonprivate")
            .Add("flashVer", "FMLE/3.0 (compatible; Uplink)")
            .Add("tcUrl", "rtmp://127.0.0.1:1935/live");
        Amf0Writer.WriteString(_output, "connect");
        Amf0Writer.WriteNumber(_output, 1);
        Amf0Writer.WriteValue(_output, command);
        return _output.WrittenCount;
    }

    /// <summary><c>@setDataFrame onMetaData</c> for a 1080p30 H.264 + 48 kHz stereo AAC stream.</summary>
    [Benchmark]
    public int EncodeOnMetaData()
    {
        _output.Clear();
        MetadataBuilder.Write(_output, new StreamMetadata(7, 10, 1920, 1080, 30, 8000, 48000, 2, 128));
        return _output.WrittenCount;
    }

    /// <summary><c>onStatus</c>: name, transaction, null, info object — read value by value.</summary>
    [Benchmark]
    public int DecodeOnStatus()
    {
        var reader = new Amf0Reader(_onStatus);
        int values = 0;
        while (!reader.IsAtEnd)
        {
            reader.ReadValue();
            values++;
        }

        return values;
    }
}
