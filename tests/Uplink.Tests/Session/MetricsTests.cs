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
}
