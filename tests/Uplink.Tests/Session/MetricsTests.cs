using System.Diagnostics.Metrics;

namespace Uplink.Tests.Session;

public class MetricsTests
{
    [Fact]
    public async Task The_Uplink_meter_counts_frames_by_track_bytes_and_connections()
    {
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == UplinkMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                key += "/" + tag.Value;
            }

            lock (totals)
            {
                totals[key] = totals.GetValueOrDefault(key) + value;
            }
        });
        listener.Start();

        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() }))
        {
            for (int i = 0; i < video.Count; i++)
            {
                await writer.WriteVideoAsync(video[i], TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40 * i));
            }

            for (int i = 0; i < audio.Count; i++)
            {
                await writer.WriteAudioAsync(audio[i], TimeSpan.FromTicks(i * 1024L * TimeSpan.TicksPerSecond / 48000));
            }
        }

        listener.Dispose();
        lock (totals)
        {
            // At least this writer's share: the meter is process-wide and other tests' writers run in parallel.
            Assert.True(totals.GetValueOrDefault("uplink.frames_sent/video") >= video.Count, string.Join(", ", totals));
            Assert.True(totals.GetValueOrDefault("uplink.frames_sent/audio") >= audio.Count, string.Join(", ", totals));
            Assert.True(totals.GetValueOrDefault("uplink.bytes_sent") > 3073, string.Join(", ", totals));
            Assert.True(totals.GetValueOrDefault("uplink.connections") >= 1, string.Join(", ", totals));
        }
    }

    [Fact]
    public async Task The_gauges_report_what_a_writer_holds_while_it_holds_it()
    {
        long queued = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == UplinkMetrics.MeterName && instrument.Name == "uplink.queued_bytes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => queued = value);
        listener.Start();

        // The server drops the connection and refuses the next: with reconnection on, what is written waits as the backlog.
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 1, RefuseLaterConnections = true };
        var video = ElementaryStreams.VideoAccessUnits();
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            Reconnect = new RtmpReconnectOptions(Attempts: 1, Delay: TimeSpan.FromSeconds(30)),
        });
        writer.StatusChanged += (_, e) =>
        {
            if (e.Status == RtmpWriterStatus.Reconnecting)
            {
                reconnecting.TrySetResult();
            }
        };
        await writer.WriteVideoAsync(video[0], TimeSpan.Zero, TimeSpan.Zero);
        await writer.WriteVideoAsync(video[1], TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(40));
        await reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 2; i < video.Count; i++)
        {
            await writer.WriteVideoAsync(video[i], TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40 * i));
        }

        long expected = writer.GetStats().QueuedBytes;
        listener.RecordObservableInstruments();
        Assert.True(expected > 0, "the backlog should hold the frames written while reconnecting");
        Assert.True(queued >= expected, $"the gauge said {queued}, the writer holds {expected}");
    }
}
