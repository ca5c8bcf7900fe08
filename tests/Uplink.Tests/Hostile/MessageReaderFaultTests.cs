using Uplink.Protocol;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Hostile;

/// <summary>A peer that sends good messages and then breaks the protocol in the same read.</summary>
public class MessageReaderFaultTests
{
    [Fact]
    public async Task Messages_before_a_protocol_error_in_the_same_read_are_handed_on_then_the_error_comes_without_waiting()
    {
        byte[] bytes = new HostileChunks().Message(20, 9, [0x17, 1, 2]).Message(20, 8, [0xAF, 1]).SetChunkSize(0);

        // The stream stays open after the bytes: the error must not wait for more.
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var stream = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, pipe.ClientSafePipeHandle);
        await pipe.WriteAsync(bytes);
        await using var reader = new RtmpMessageReader(stream, 4096, 1 << 20, 1 << 24, 1 << 24);
        await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        reader.ReadMessages();
        Assert.Equal([RtmpMessageType.Video, RtmpMessageType.Audio], reader.Messages.Select(m => m.Header.Type));
        reader.ReleaseMessages();
        Assert.False(reader.IsCompleted);

        Assert.Equal(0, await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        var ex = Assert.Throws<RtmpProtocolException>(() => reader.ReadMessages());
        Assert.Contains("chunk size 0", ex.Message, StringComparison.Ordinal);
    }
}
