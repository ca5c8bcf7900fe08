using Uplink.Tests.Session;

namespace Uplink.Tests.Hostile;

/// <summary>
/// Hostile answers to connect and publish: _error and onStatus with missing or ill-typed fields, huge or multi-line
/// descriptions, AMF depth bombs, strings and arrays with absurd lengths, AMF3 the client does not speak.
/// </summary>
public class StatusAnswerTests
{
    // A null command object or argument (a bare null would be taken for the params array).
    private static object? Null => null;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly string Huge = new('x', 1 << 20);

    public static TheoryData<string> ConnectCases() => [.. ConnectAnswers.Keys];

    /// <summary>Each answer to connect, and what it must end in (null: accepted).</summary>
    private static readonly Dictionary<string, (Func<double, byte[]> Reply, RtmpErrorKind? Kind, string? Names)> ConnectAnswers = new()
    {
        ["_error without an info object"] = (t => Cmd("_error", t, Null), RtmpErrorKind.ConnectRejected, "NetConnection.Connect.Rejected"),
        ["_error whose info has no code"] = (t => Cmd("_error", t, Null, Amf.Status(("level", "error"), ("description", "no"))), RtmpErrorKind.ConnectRejected, "NetConnection.Connect.Rejected"),
        ["_error whose code is a number"] = (t => Cmd("_error", t, Null, Amf.Status(("level", "error"), ("code", 42d), ("description", true))), RtmpErrorKind.ConnectRejected, "NetConnection.Connect.Rejected"),
        ["_error with a 1 MB description"] = (t => Cmd("_error", t, Null, Amf.Status(("level", "error"), ("code", "NetConnection.Connect.Rejected"), ("description", Huge))), RtmpErrorKind.ConnectRejected, "NetConnection.Connect.Rejected"),
        ["_error with a 1 MB code"] = (t => Cmd("_error", t, Null, Amf.Status(("level", "error"), ("code", Huge))), RtmpErrorKind.ConnectRejected, "server refused connect"),
        ["_error with line breaks and control characters"] = (t => Cmd("_error", t, Null, Amf.Status(("level", "error"), ("code", "Bad\r\nCode\u001b[31m"), ("description", "line one\nline two\r\n\0end"))), RtmpErrorKind.ConnectRejected, "server refused connect"),
        ["_result with a depth bomb for properties"] = (t => Cmd("_result", t, Amf.DepthBomb(10_000)), RtmpErrorKind.Protocol, "nest deeper"),
        ["_result with a string of 65535 bytes announced"] = (t => Cmd("_result", t, new byte[] { 0x02, 0xFF, 0xFF, (byte)'a' }), RtmpErrorKind.Protocol, "string of 65535 bytes"),
        ["_result with a long string of 4 GB announced"] = (t => Cmd("_result", t, new byte[] { 0x0C, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'a' }), RtmpErrorKind.Protocol, "string of 4294967295 bytes"),
        ["_result with a strict array of 4 G items"] = (t => Cmd("_result", t, Null, new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05 }), RtmpErrorKind.Protocol, "strict array of 4294967295 items"),
        ["_result with an AMF3 value (out-of-range reference)"] = (t => Cmd("_result", t, new byte[] { 0x11, 0x06, 0x7F }), RtmpErrorKind.Protocol, "0x11"),
        ["_result without properties or info"] = (t => Cmd("_result", t), null, null),
        ["_result with ill-typed properties"] = (t => Cmd("_result", t, Amf.Status(("fmsVer", 3d), ("capabilities", "all")), "not an object"), null, null),
        ["_result for another transaction, then a string transaction"] = (t => [.. Cmd("_result", t + 1000, Null), .. Cmd("_result", "1", Null)], RtmpErrorKind.Timeout, "connect"),
        ["_result with a NaN transaction"] = (_ => Cmd("_result", double.NaN, Null), RtmpErrorKind.Timeout, "connect"),
    };

    [Theory]
    [MemberData(nameof(ConnectCases))]
    public async Task A_hostile_answer_to_connect_ends_clearly(string answer)
    {
        (Func<double, byte[]> reply, RtmpErrorKind? kind, string? names) = ConnectAnswers[answer];
        await using var server = new ScriptedRtmpServer { ServerChunkSize = 0, ConnectReply = reply };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null, ConnectTimeout = TimeSpan.FromMilliseconds(kind == RtmpErrorKind.Timeout ? 500 : 5000) });
        if (kind is null)
        {
            await writer.ConnectAsync().WaitAsync(Bound);
            Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
            return;
        }

        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(Bound));
        HostileServerRun.AssertClear(ex, kind.Value, names);
        if (ex.StatusDescription is { } description)
        {
            Assert.True(description.Length <= 1000, $"a {description.Length}-character StatusDescription");
        }
    }

    public static TheoryData<string> PublishCases() => [.. PublishAnswers.Keys];

    private static readonly Dictionary<string, (byte[] Reply, RtmpErrorKind Kind, string Names)> PublishAnswers = new()
    {
        ["onStatus error without a code"] = (OnStatus(Amf.Status(("level", "error"), ("description", "no code"))), RtmpErrorKind.Timeout, "publish"),
        ["onStatus whose code is a number"] = (OnStatus(Amf.Status(("level", "error"), ("code", 1d))), RtmpErrorKind.Timeout, "publish"),
        ["onStatus with a 1 MB description"] = (OnStatus(Amf.Status(("level", "error"), ("code", "NetStream.Publish.BadName"), ("description", Huge))), RtmpErrorKind.PublishRejected, "NetStream.Publish.BadName"),
        ["onStatus with line breaks"] = (OnStatus(Amf.Status(("level", "error"), ("code", "NetStream.Publish.BadName"), ("description", "a\r\nb\nc"))), RtmpErrorKind.PublishRejected, "NetStream.Publish.BadName"),
        ["onStatus with a depth bomb"] = (OnStatus(Amf.DepthBomb(10_000)), RtmpErrorKind.Protocol, "nest deeper"),
        ["onStatus with a million null arguments"] = (Message(Amf.Command("onStatus", 0d, [.. Enumerable.Repeat<object?>(null, 1_000_000)])), RtmpErrorKind.Timeout, "publish"),
        ["onStatus with a status then a truncated value"] = (Message(Amf.Command("onStatus", 0d, Null, Amf.Status(("level", "status"), ("code", "NetStream.Publish.Start")), new byte[] { 0x00, 0x40 })), RtmpErrorKind.Protocol, "malformed command"),
    };

    [Theory]
    [MemberData(nameof(PublishCases))]
    public async Task A_hostile_answer_to_publish_ends_clearly(string answer)
    {
        (byte[] reply, RtmpErrorKind kind, string names) = PublishAnswers[answer];
        await using var server = new ScriptedRtmpServer { ServerChunkSize = 0, PublishReply = reply };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null, ConnectTimeout = TimeSpan.FromMilliseconds(kind == RtmpErrorKind.Timeout ? 500 : 5000) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(Bound));
        HostileServerRun.AssertClear(ex, kind, names);
    }

    /// <summary>A server that breaks the protocol in the same read as its publish answer: the status says Connected, then
    /// Disconnected (the order the writer reports them in is the order they happened), and the next write fails clearly.</summary>
    [Fact]
    public async Task A_loss_in_the_same_read_as_the_publish_answer_is_reported_after_Connected()
    {
        byte[] reply = [.. OnStatus(Amf.Status(("level", "status"), ("code", "NetStream.Publish.Start"))), .. new HostileChunks().SetChunkSize(0).ToArray()];
        await using var server = new ScriptedRtmpServer { ServerChunkSize = 0, PublishReply = reply };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null });
        var statuses = new List<RtmpWriterStatus>();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.StatusChanged += (_, e) =>
        {
            lock (statuses)
            {
                statuses.Add(e.Status);
            }

            if (e.Status == RtmpWriterStatus.Disconnected)
            {
                lost.TrySetResult();
            }
        };

        await writer.ConnectAsync().WaitAsync(Bound);
        await lost.Task.WaitAsync(Bound);
        lock (statuses)
        {
            Assert.Equal([RtmpWriterStatus.Connected, RtmpWriterStatus.Disconnected], statuses);
        }

        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.WriteVideoAsync(Uplink.Tests.Session.ElementaryStreams.VideoAccessUnits()[0], TimeSpan.Zero).AsTask().WaitAsync(Bound));
        Assert.Equal(RtmpErrorKind.Protocol, ex.Kind);
    }

    private static byte[] Cmd(string name, object transaction, params object?[] values) => Message(Amf.Command(name, transaction, values));

    private static byte[] OnStatus(object status) => Message(Amf.Command("onStatus", 0d, Null, status));

    // Chunk size 1 MB + 100 so a huge answer is one chunk (the scripted server sets no chunk size), then back to 128.
    private static byte[] Message(byte[] body) =>
        new HostileChunks().SetChunkSize((1 << 21) + 100).Message(5, 20, body, streamId: 1).SetChunkSize(128);
}
