using Uplink.Protocol.Amf;
using Uplink.Tests.Server;

namespace Uplink.Tests.Hostile;

/// <summary>Publishers that publish twice: after unpublishing on the same connection, or again while publishing.</summary>
public class RelayRepublishTests
{
    private static readonly TimeSpan Bound = RelayRig.Bound;

    [Fact]
    public async Task Unpublish_then_publish_again_on_the_same_connection_is_two_relayed_publishes()
    {
        await using RelayRig rig = await RelayRig.StartAsync();
        await using (RawRtmpClient client = await rig.PublisherAsync())
        {
            foreach (var m in RelayRig.Stream)
            {
                await RelayRig.SendAsync(client, m);
            }

            await client.SendCommandAsync("FCUnpublish", 4, 0, null, "hostile");
            await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
            RelayRig.DestinationHandler first = await rig.WaitForDestinationAsync(0);
            await first.Ended.Task.WaitAsync(Bound);

            // The name is free again once the relay's handler has ended (the server waits for it).
            await rig.Relays[0].Ended.Task.WaitAsync(Bound);

            await client.SendCommandAsync("createStream", 5, 0, [null]);
            await client.ReadCommandAsync("_result");
            await client.SendCommandAsync("publish", 0, 1, null, "hostile", "live");
            Assert.Equal("NetStream.Publish.Start", await PublishStatusAsync(client));
            foreach (var m in RelayRig.Stream)
            {
                await RelayRig.SendAsync(client, m);
            }

            await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
            RelayRig.DestinationHandler second = await rig.WaitForDestinationAsync(1);
            await second.Ended.Task.WaitAsync(Bound);
            Assert.Equal(RelayRig.AudioVideo(RelayRig.Stream), first.Messages);
            Assert.Equal(RelayRig.AudioVideo(RelayRig.Stream), second.Messages);
        }

        await rig.AssertServesANewPublisherAsync();
    }

    [Fact]
    public async Task A_second_publish_while_publishing_is_refused_and_the_first_goes_on()
    {
        await using RelayRig rig = await RelayRig.StartAsync();
        var before = RelayRig.Stream.Take(40).ToList();
        var after = RelayRig.Stream.Skip(40).ToList();
        await using (RawRtmpClient client = await rig.PublisherAsync())
        {
            foreach (var m in before)
            {
                await RelayRig.SendAsync(client, m);
            }

            await client.SendCommandAsync("publish", 0, 1, null, "other", "live");
            Assert.Equal("NetStream.Publish.BadName", await PublishStatusAsync(client));
            foreach (var m in after)
            {
                await RelayRig.SendAsync(client, m);
            }

            await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
            RelayRig.DestinationHandler destination = await rig.WaitForDestinationAsync(0);
            await destination.Ended.Task.WaitAsync(Bound);
            Assert.Equal(RelayRig.AudioVideo(RelayRig.Stream), destination.Messages);
            Assert.Single(rig.Relays);
        }

        await rig.AssertServesANewPublisherAsync();
    }

    /// <summary>The code of the next onStatus about publishing (the unpublish's own onStatus may come first).</summary>
    private static async Task<string?> PublishStatusAsync(RawRtmpClient client)
    {
        while (true)
        {
            object?[] status = await client.ReadCommandAsync("onStatus").WaitAsync(Bound);
            string? code = (status[^1] as AmfObject)?.GetString("code");
            if (code is null || code.StartsWith("NetStream.Publish.", StringComparison.Ordinal))
            {
                return code;
            }
        }
    }
}
