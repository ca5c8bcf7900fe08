namespace Uplink.Tests.Hostile;

/// <summary>A createStream answer whose stream id no publish could go on: a protocol error naming it, not stream 0.</summary>
public class CreateStreamAnswerTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1.0)]
    [InlineData(4294967296.0)]
    public async Task A_stream_id_that_is_not_one_is_a_protocol_error(double id)
    {
        await using var server = new Uplink.Tests.Session.ScriptedRtmpServer { CreateStreamId = id };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), ConnectTimeout = TimeSpan.FromSeconds(5) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(RtmpErrorKind.Protocol, ex.Kind);
        Assert.Contains("createStream with stream id", ex.Message, StringComparison.Ordinal);
    }
}
