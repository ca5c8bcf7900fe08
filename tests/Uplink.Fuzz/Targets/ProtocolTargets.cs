using Microsoft.Extensions.Logging.Abstractions;
using Uplink.Protocol;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Session;
using Uplink.Transport;

namespace Uplink.Fuzz.Targets;

/// <summary>
/// The client's handling of server bytes: the handshake, the chunk stream, AMF0 values, commands, and the whole
/// connection (handshake, connect, publish) against a scripted server. A server's bad bytes must end in an
/// <see cref="RtmpException"/>, <see cref="RtmpProtocolException"/> or <see cref="InvalidDataException"/>.
/// </summary>
internal static class ProtocolTargets
{
    /// <summary>A stream that needs Enhanced RTMP, so the server's codec lists are read.</summary>
    private static readonly EnhancedRtmpCapabilities Enhanced = new(VideoCodec.Hevc, AudioCodec.Opus);

    public static IEnumerable<FuzzTarget> All()
    {
        yield return new FuzzTarget("handshake", "RtmpHandshake.RunAsync reading S0/S1/S2 (digest C1)", Handshake);
        yield return new FuzzTarget("chunks", "RtmpMessageReader: chunk headers, reassembly, Set Chunk Size, Abort", Chunks);
        yield return new FuzzTarget("amf", "Amf0Reader: values to the end, then AmfObject look-ups", Amf);
        yield return new FuzzTarget("command", "RtmpCommandCodec.Parse, the status and Enhanced RTMP look-ups on it", Command);
        yield return new FuzzTarget("client", "RtmpClientConnection: handshake, connect, publish, close against scripted server bytes (S0/S1/S2 given)", Client);
    }

    private static string Handshake(byte[] input)
    {
        try
        {
            using var stream = new ServerBytesStream(input);
            Complete(RtmpHandshake.RunAsync(stream, digest: true, CancellationToken.None), "handshake");
            return "end";
        }
        catch (RtmpException)
        {
            return nameof(RtmpException);
        }
    }

    private static string Chunks(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long limit = FuzzBounds.OutputLimit(input.Length);
        long messages = 0;
        string outcome = "end";
        var reader = new RtmpMessageReader(new TrickleStream(input), bufferSize: 4096, maxMessageLength: 4 * 1024 * 1024, maxChunkSize: 1 << 24, maxBufferedBytes: 16L * 1024 * 1024);
        try
        {
            while (true)
            {
                FuzzBounds.Complete(reader.ReadAsync(CancellationToken.None), "chunk read");
                reader.ReadMessages();
                foreach (RtmpMessage message in reader.Messages)
                {
                    if (++messages > limit)
                    {
                        throw new FuzzFindingException($"more than {limit} messages from {input.Length} bytes");
                    }

                    _ = message.Payload.Length;
                }

                reader.ReleaseMessages();
                if (reader.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (RtmpProtocolException)
        {
            outcome = nameof(RtmpProtocolException);
        }
        finally
        {
            FuzzBounds.Complete(reader.DisposeAsync(), "chunk reader dispose");
        }

        FuzzBounds.CheckAllocation(before, input.Length, "chunks");
        return outcome;
    }

    private static string Amf(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var reader = new Amf0Reader(input);
            while (!reader.IsAtEnd)
            {
                Inspect(reader.ReadValue(), 0);
            }

            return "end";
        }
        catch (InvalidDataException)
        {
            return nameof(InvalidDataException);
        }
        finally
        {
            FuzzBounds.CheckAllocation(before, input.Length, "AMF0");
        }
    }

    private static string Command(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            RtmpCommand command = RtmpCommandCodec.Parse(input);
            if (RtmpServerStatus.Find(command.Arguments) is { } status)
            {
                _ = Enhanced.FindPublishRefusal(command.CommandObject, status);
            }

            _ = Enhanced.FindRefusal(command.CommandObject);
            foreach (object? argument in command.Arguments)
            {
                Inspect(argument, 0);
            }

            return "end";
        }
        catch (InvalidDataException)
        {
            return nameof(InvalidDataException);
        }
        finally
        {
            FuzzBounds.CheckAllocation(before, input.Length, "command");
        }
    }

    /// <summary>The look-ups the client makes on server objects, on every object in the value.</summary>
    private static void Inspect(object? value, int depth)
    {
        switch (value)
        {
            case AmfObject o:
                _ = o.GetString("code");
                _ = o.GetNumber("capabilities");
                foreach (KeyValuePair<string, object?> property in o.Properties)
                {
                    Inspect(property.Value, depth + 1);
                }

                break;
            case object?[] items:
                foreach (object? item in items)
                {
                    Inspect(item, depth + 1);
                }

                break;
        }
    }

    /// <summary>A valid S0/S1/S2 (version 3, no digest), so the fuzzed bytes start right after the handshake.</summary>
    public static readonly byte[] HandshakeReply = [3, .. new byte[2 * HandshakePacket.Size]];

    /// <summary>Splits the client target's input into the server's turns (see <see cref="ServerBytesStream"/>).</summary>
    public static ReadOnlySpan<byte> TurnSeparator => "TURN"u8;

    private static string Client(byte[] input)
    {
        var stream = new ServerBytesStream([HandshakeReply, .. ServerBytesStream.SplitTurns(input, TurnSeparator)]);
        var settings = new RtmpConnectionSettings(4096, 2_500_000, "FMLE/3.0", TimeSpan.FromSeconds(2), Enhanced: Enhanced);
        var connection = new RtmpClientConnection(new RtmpTransport(stream), settings, NullLogger.Instance, NullLogger.Instance, onServerStatus: static _ => { });
        using var timeout = new CancellationTokenSource(FuzzBounds.Timeout);
        try
        {
            return Complete(ConnectAndPublishAsync(connection, timeout.Token), "client");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new FuzzFindingException($"the client neither finished nor failed in {FuzzBounds.Timeout.TotalSeconds} s on a server that closed");
        }
        catch (RtmpException e)
        {
            return Environment.GetEnvironmentVariable("UPLINK_FUZZ_VERBOSE") == "1" ? $"{nameof(RtmpException)}: {e.Message}" : nameof(RtmpException);
        }
        finally
        {
            FuzzBounds.Complete(connection.DisposeAsync(), "client dispose");
        }
    }

    private static async Task<string> ConnectAndPublishAsync(RtmpClientConnection connection, CancellationToken cancellationToken)
    {
        RtmpServerStatus? refusal = await connection.ConnectAsync(RtmpUrl.Parse("rtmp://127.0.0.1/app/key"), "", cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return "refused";
        }

        if (Enhanced.FindRefusal(connection.ConnectAnswer) is not null)
        {
            return "codec refused";
        }

        _ = await connection.PublishAsync("key", cancellationToken).ConfigureAwait(false);
        _ = await connection.UnpublishAndCloseAsync("key", TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        return "end";
    }

    private static T Complete<T>(Task<T> task, string what) => FuzzBounds.Complete(new ValueTask<T>(task), what);

    private static void Complete(Task task, string what) => FuzzBounds.Complete(new ValueTask(task), what);
}
