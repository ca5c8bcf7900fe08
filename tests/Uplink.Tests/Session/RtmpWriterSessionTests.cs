using System.Buffers.Binary;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Session;

public class RtmpWriterSessionTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    private static async Task PublishAllAsync(RtmpWriter writer, IReadOnlyList<byte[]> video, IReadOnlyList<byte[]> audio)
    {
        // Video and audio written in timestamp order from one thread.
        int a = 0;
        for (int v = 0; v < video.Count; v++)
        {
            TimeSpan dts = Frame * v;
            while (a < audio.Count && TimeSpan.FromTicks(a * 1024L * TimeSpan.TicksPerSecond / 48000) <= dts)
            {
                await writer.WriteAudioAsync(audio[a], TimeSpan.FromTicks(a * 1024L * TimeSpan.TicksPerSecond / 48000));
                a++;
            }

            await writer.WriteVideoAsync(video[v], dts, dts + (Frame * 2));
        }

        for (; a < audio.Count; a++)
        {
            await writer.WriteAudioAsync(audio[a], TimeSpan.FromTicks(a * 1024L * TimeSpan.TicksPerSecond / 48000));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task Publishes_metadata_and_both_sequence_headers_before_any_frame_then_unpublishes(int outputBufferSize)
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), OutputBufferSize = outputBufferSize }))
        {
            await writer.ConnectAsync();
            await PublishAllAsync(writer, video, audio);
            await writer.DisconnectAsync();
            RtmpWriterStats stats = writer.GetStats();
            Assert.Equal(video.Count, stats.VideoFramesSent);
            Assert.Equal(audio.Count, stats.AudioFramesSent);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var media = server.Media.ToList();
        Assert.Equal("@setDataFrame", media[0].CommandName);
        Assert.Equal("onMetaData", media[0].Arguments[0]);
        Assert.Equal(new byte[] { 0xAF, 0x00 }, media[1].Payload[..2]);
        Assert.Equal(new byte[] { 0x17, 0x00 }, media[2].Payload[..2]);
        Assert.All(media.Skip(3), m => Assert.True(m.Payload[1] == 1, $"type {m.Type} at {m.Timestamp} is not a frame"));
        Assert.Equal(video.Count, media.Count(m => m.Type == RtmpMessageType.Video) - 1);
        Assert.Equal(audio.Count, media.Count(m => m.Type == RtmpMessageType.Audio) - 1);

        var commands = server.Commands.ToList();
        Assert.Equal(["connect", "releaseStream", "FCPublish", "createStream", "publish", "FCUnpublish", "deleteStream"], commands.Where(c => c != "_checkbw"));
        Assert.Contains("_checkbw", commands); // the answer to the server's onBWDone
    }

    [Fact]
    public async Task Metadata_describes_the_stream_from_the_SPS_and_the_AudioSpecificConfig()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() }))
        {
            await PublishAllAsync(writer, ElementaryStreams.VideoAccessUnits(), ElementaryStreams.AdtsFrames());
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var meta = Assert.IsType<AmfObject>(server.Media.First().Arguments[1]);
        Assert.True(meta.IsEcmaArray);
        Assert.Equal(64d, meta.GetNumber("width"));
        Assert.Equal(64d, meta.GetNumber("height"));
        Assert.Equal(25d, meta.GetNumber("framerate"));
        Assert.Equal(7d, meta.GetNumber("videocodecid"));
        Assert.Equal(10d, meta.GetNumber("audiocodecid"));
        Assert.Equal(48000d, meta.GetNumber("audiosamplerate"));
        Assert.Equal(2d, meta.GetNumber("audiochannels"));
        Assert.Equal(true, meta["stereo"]);
        Assert.Equal("Uplink " + UplinkVersion.Value, meta.GetString("encoder"));
    }

    [Fact]
    public async Task Frames_carry_rebased_timestamps_composition_offsets_keyframe_flags_and_4_byte_nal_lengths()
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            for (int v = 0; v < video.Count; v++)
            {
                // Start at 10 s to show the stream is rebased to 0; PTS 80 ms after DTS.
                TimeSpan dts = TimeSpan.FromSeconds(10) + (Frame * v);
                await writer.WriteVideoAsync(video[v], dts, dts + TimeSpan.FromMilliseconds(80));
            }
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var frames = server.Media.Where(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).ToList();
        Assert.Equal(video.Count, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal((uint)(40 * i), frames[i].Timestamp);
            Assert.Equal(i % 6 == 0 ? 0x17 : 0x27, frames[i].Payload[0]);
            Assert.Equal(80, (frames[i].Payload[2] << 16) | (frames[i].Payload[3] << 8) | frames[i].Payload[4]);
            int at = 5;
            int nals = 0;
            while (at < frames[i].Payload.Length)
            {
                at += 4 + BinaryPrimitives.ReadInt32BigEndian(frames[i].Payload.AsSpan(at));
                nals++;
            }

            Assert.Equal(frames[i].Payload.Length, at);
            Assert.True(nals >= 2);
        }
    }

    [Fact]
    public async Task Several_ADTS_frames_in_one_write_become_one_message_each_at_1024_sample_steps()
    {
        await using var server = new ScriptedRtmpServer();
        var audio = ElementaryStreams.AdtsFrames();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Video = null }))
        {
            await writer.WriteAudioAsync(audio.SelectMany(f => f).ToArray(), TimeSpan.Zero);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var frames = server.Media.Where(m => m.Type == RtmpMessageType.Audio && m.Payload[1] == 1).ToList();
        Assert.Equal(audio.Count, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal((uint)(i * 1024 * 1000 / 48000), frames[i].Timestamp);
            Assert.Equal(audio[i].Length - 7 + 2, frames[i].Payload.Length);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task What_reaches_the_server_is_interleaved_by_timestamp(int outputBufferSize)
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), OutputBufferSize = outputBufferSize }))
        {
            // All video first, then all audio: the writer must still interleave.
            for (int v = 0; v < video.Count; v++)
            {
                await writer.WriteVideoAsync(video[v], Frame * v, Frame * v);
            }

            for (int a = 0; a < audio.Count; a++)
            {
                await writer.WriteAudioAsync(audio[a], TimeSpan.FromTicks(a * 1024L * TimeSpan.TicksPerSecond / 48000));
            }
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stamps = server.Media.Select(m => m.Timestamp).ToList();
        Assert.Equal(stamps.Order(), stamps);
    }

    [Fact]
    public async Task The_connect_command_names_app_type_flashVer_and_tcUrl_and_we_announce_chunk_size_and_window()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url("live", "demo"), ChunkSize = 8192 }))
        {
            await writer.ConnectAsync();
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var all = server.Messages.ToList();
        Assert.Equal(RtmpMessageType.SetChunkSize, all[0].Type);
        Assert.Equal(8192u, BinaryPrimitives.ReadUInt32BigEndian(all[0].Payload));
        Assert.Equal(RtmpMessageType.WindowAcknowledgementSize, all[1].Type);
        var connect = all.Single(m => m.CommandName == "connect");
        Assert.Equal(1d, connect.Transaction);
        var o = Assert.IsType<AmfObject>(connect.Arguments[0]);
        Assert.Equal("live", o.GetString("app"));
        Assert.Equal("nonprivate", o.GetString("type"));
        Assert.Equal($"FMLE/3.0 (compatible; Uplink/{UplinkVersion.Value})", o.GetString("flashVer"));
        Assert.Equal($"rtmp://127.0.0.1:{server.Port}/live", o.GetString("tcUrl"));
        var publish = all.Single(m => m.CommandName == "publish");
        Assert.Equal(["demo", "live"], publish.Arguments.Skip(1));
        Assert.Equal(1u, publish.StreamId);
    }

    [Fact]
    public async Task A_refused_publish_fails_with_the_servers_code_and_description()
    {
        await using var server = new ScriptedRtmpServer { RefusePublish = ("NetStream.Publish.BadName", "Already publishing") };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal(RtmpErrorKind.PublishRejected, ex.Kind);
        Assert.Equal("NetStream.Publish.BadName", ex.StatusCode);
        Assert.Contains("NetStream.Publish.BadName (Already publishing)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
    }

    [Fact]
    public async Task A_refused_connect_fails_with_the_servers_code()
    {
        await using var server = new ScriptedRtmpServer { RefuseConnect = ("NetConnection.Connect.Rejected", "No such application") };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal(RtmpErrorKind.ConnectRejected, ex.Kind);
        Assert.Contains("No such application", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_fails_as_unreachable()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{port}/live/x" });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal(RtmpErrorKind.Unreachable, ex.Kind);
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DTS_going_backwards_is_reported_and_not_sent()
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            await writer.WriteVideoAsync(video[0], Frame * 2, Frame * 2);
            var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteVideoAsync(video[1], Frame, Frame));
            Assert.Contains("DTS went backwards at frame 2", ex.Message, StringComparison.Ordinal);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(server.Media, m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1);
    }

    [Fact]
    public async Task Status_goes_Connected_then_Disconnected_by_event_and_callback_even_when_a_handler_throws()
    {
        await using var server = new ScriptedRtmpServer();
        var seen = new List<string>();
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            OnStatusChanged = e =>
            {
                lock (seen)
                {
                    seen.Add("callback:" + (int)e.Status);
                }

                throw new InvalidOperationException("a careless callback");
            },
        };
        await using var writer = new RtmpWriter(options);
        writer.StatusChanged += (_, _) => throw new InvalidOperationException("a careless handler");
        writer.StatusChanged += (_, e) =>
        {
            lock (seen)
            {
                seen.Add("event:" + (int)e.Status);
            }

            if (e.Status == RtmpWriterStatus.Disconnected)
            {
                disconnected.TrySetResult();
            }
        };

        await writer.ConnectAsync();
        await writer.WriteVideoAsync(ElementaryStreams.VideoAccessUnits()[0], TimeSpan.Zero, TimeSpan.Zero);
        await writer.DisconnectAsync();
        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (seen)
        {
            Assert.Equal(["callback:0", "event:0", "callback:1", "event:1"], seen);
        }

        var later = await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteVideoAsync(ElementaryStreams.VideoAccessUnits()[1], Frame, Frame));
        Assert.Contains("disconnected", later.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ping_is_answered_with_the_same_timestamp()
    {
        await using var server = new ScriptedRtmpServer { PingAfterConnect = true };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });
        await writer.ConnectAsync();
        Assert.Equal(0x12345678u, await server.PongReceived.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Server_chunk_size_is_honoured_for_what_it_sends()
    {
        await using var server = new ScriptedRtmpServer { ServerChunkSize = 60 };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });

        // The _result and onStatus replies exceed 60 bytes, so they arrive in several chunks.
        await writer.ConnectAsync();
        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }

    [Fact]
    public async Task A_connection_the_server_drops_reports_Disconnected_and_later_writes_fail_clearly()
    {
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 3 };
        var lost = new TaskCompletionSource<RtmpWriterStatusChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null });
        writer.StatusChanged += (_, e) =>
        {
            if (e.Status == RtmpWriterStatus.Disconnected)
            {
                lost.TrySetResult(e);
            }
        };

        var video = ElementaryStreams.VideoAccessUnits();
        await writer.WriteVideoAsync(video[0], TimeSpan.Zero, TimeSpan.Zero);
        await writer.WriteVideoAsync(video[1], Frame, Frame);
        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        RtmpWriterStatusChangedEventArgs change = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
        Assert.False(string.IsNullOrEmpty(change.Reason));

        var ex = await Assert.ThrowsAsync<RtmpException>(async () =>
        {
            for (int i = 2; i < video.Count; i++)
            {
                await writer.WriteVideoAsync(video[i], Frame * i, Frame * i);
            }
        });
        Assert.Equal(RtmpErrorKind.Disconnected, ex.Kind);
        Assert.Contains("lost", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task Video_and_audio_written_from_two_threads_all_arrive_interleaved_and_in_order(int outputBufferSize)
    {
        await using var server = new ScriptedRtmpServer();
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), OutputBufferSize = outputBufferSize }))
        {
            await writer.ConnectAsync();
            Task videoTask = Task.Run(async () =>
            {
                for (int v = 0; v < video.Count; v++)
                {
                    await writer.WriteVideoAsync(video[v], Frame * v, Frame * v);
                }
            });
            Task audioTask = Task.Run(async () =>
            {
                for (int a = 0; a < audio.Count; a++)
                {
                    await writer.WriteAudioAsync(audio[a], TimeSpan.FromTicks(a * 1024L * TimeSpan.TicksPerSecond / 48000));
                }
            });
            await Task.WhenAll(videoTask, audioTask);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var media = server.Media.ToList();
        Assert.Equal(video.Count + 1, media.Count(m => m.Type == RtmpMessageType.Video));
        Assert.Equal(audio.Count + 1, media.Count(m => m.Type == RtmpMessageType.Audio));
        foreach (RtmpMessageType track in new[] { RtmpMessageType.Video, RtmpMessageType.Audio })
        {
            var stamps = media.Where(m => m.Type == track).Select(m => m.Timestamp).ToList();
            Assert.Equal(stamps.Order(), stamps);
        }
    }

    [Fact]
    public async Task New_in_band_parameter_sets_send_a_new_sequence_header_before_the_frame()
    {
        var cases = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "Codecs", "sps-cases.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('|')).ToList();
        static byte[] AccessUnit(string[] c) =>
            [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, .. Convert.FromHexString(c[1]), 0, 0, 0, 1, .. Convert.FromHexString(c[2]), 0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00];

        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            await writer.WriteVideoAsync(AccessUnit(cases[0]), TimeSpan.Zero, TimeSpan.Zero);
            await writer.WriteVideoAsync(AccessUnit(cases[0]), Frame, Frame);
            await writer.WriteVideoAsync(AccessUnit(cases[1]), Frame * 2, Frame * 2);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var video = server.Media.Where(m => m.Type == RtmpMessageType.Video).ToList();
        Assert.Equal([0, 1, 1, 0, 1], video.Select(m => (int)m.Payload[1]));
        Assert.Equal(80u, video[3].Timestamp);
        Assert.Equal(Convert.FromHexString(cases[1][8]), video[3].Payload[5..]);
    }

    [Fact]
    public async Task A_server_that_echoes_the_stream_key_does_not_get_it_into_the_exception()
    {
        await using var server = new ScriptedRtmpServer { RefusePublish = ("NetStream.Publish.Denied", "stream sk-live-12345 refused, token abcdef") };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/sk-live-12345?token=abcdef" });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.DoesNotContain("sk-live-12345", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdef", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-12345", ex.StatusDescription, StringComparison.Ordinal);
        Assert.Contains("NetStream.Publish.Denied (stream *** refused, token ***)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live", writer.Options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_acknowledges_each_window_of_bytes_the_server_sent()
    {
        // A 100-byte window and 40 pings of 18 bytes after the connect reply: several windows' worth.
        await using var server = new ScriptedRtmpServer { WindowAcknowledgementSize = 100, PingsAfterConnect = 40 };
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            await writer.ConnectAsync();
            await writer.WriteVideoAsync(ElementaryStreams.VideoAccessUnits()[0], TimeSpan.Zero, TimeSpan.Zero);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var acks = server.ClientAcknowledgements.ToList();

        // One acknowledgement per read covers every window that read completed (as FFmpeg does).
        Assert.NotEmpty(acks);
        Assert.Equal(acks.Order(), acks);
        Assert.True(acks[0] >= 100, $"first acknowledgement at {acks[0]} bytes, before a window was reached");
        Assert.True(acks[^1] >= 40 * 18, $"the last acknowledgement ({acks[^1]}) does not cover the 40 pings: {string.Join(",", acks)}");
    }

    [Fact]
    public async Task The_servers_acknowledgements_show_in_the_stats()
    {
        await using var server = new ScriptedRtmpServer { AcknowledgeAfterPublish = 1234 };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });
        await writer.ConnectAsync();

        // The acknowledgement follows onStatus on the wire; the next write's round trip through the
        // receive loop is not observable, so wait on the stats' own value with a deadline.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (writer.GetStats().BytesAcknowledged != 1234 && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }

        Assert.Equal(1234, writer.GetStats().BytesAcknowledged);
    }

    [Fact]
    public async Task A_server_that_never_answers_connect_times_out_as_configured()
    {
        await using var server = new ScriptedRtmpServer { IgnoreConnect = true };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(RtmpErrorKind.Timeout, ex.Kind);
        Assert.Contains("timed out after 0.3 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_onStatus_messages_are_raised_in_order_off_the_io_path()
    {
        await using var server = new ScriptedRtmpServer();
        var seen = new TaskCompletionSource<RtmpServerStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url() });
        writer.ServerStatusReceived += (_, s) => seen.TrySetResult(s);
        await writer.ConnectAsync();
        RtmpServerStatus status = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("NetStream.Publish.Start", status.Code);
        Assert.Equal("status", status.Level);
        Assert.False(status.IsError);
    }

    public static TheoryData<string, byte[]> HostileReplies => new()
    {
        { "random bytes", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray() },
        { "a 2^31 chunk size", Convert.FromHexString("02000000000004010000000080000000") },
        { "a 2^31-1 chunk size", Convert.FromHexString("0200000000000401000000007FFFFFFF") },
    };

    [Theory]
    [MemberData(nameof(HostileReplies))]
    public async Task A_hostile_server_fails_the_connect_cleanly(string what, byte[] reply)
    {
        await using var server = new ScriptedRtmpServer { AfterHandshake = reply };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), ConnectTimeout = TimeSpan.FromSeconds(5) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(ex.Kind is RtmpErrorKind.Protocol or RtmpErrorKind.Disconnected, $"{what}: {ex.Kind} {ex.Message}");
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_times_out()
    {
        await using var server = new ScriptedRtmpServer { SilentHandshake = true };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(RtmpErrorKind.Timeout, ex.Kind);
        Assert.Contains("in the handshake or connect", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_answers_connect_and_then_nothing_times_out_while_publishing()
    {
        await using var server = new ScriptedRtmpServer { IgnorePublish = true };

        // Long enough for TCP, handshake and connect on a loaded machine (300 ms ran out before publishing once in seven
        // full runs); the server never answers publish, so the timeout still always ends it there.
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), ConnectTimeout = TimeSpan.FromSeconds(1) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(RtmpErrorKind.Timeout, ex.Kind);
        Assert.Contains("publishing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task A_server_that_stops_reading_makes_writes_fail_after_the_send_timeout_instead_of_blocking(int outputBufferSize)
    {
        await using var server = new ScriptedRtmpServer { StopReadingAfterPublish = true };
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null, SendTimeout = TimeSpan.FromMilliseconds(500), SocketSendBufferSize = 4096, OutputBufferSize = outputBufferSize });
        writer.StatusChanged += (_, e) =>
        {
            if (e.Status == RtmpWriterStatus.Disconnected)
            {
                lost.TrySetResult();
            }
        };
        await writer.ConnectAsync();
        await server.StoppedReading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        byte[] frame = ElementaryStreams.VideoAccessUnits()[0];
        var ex = await Assert.ThrowsAsync<RtmpException>(async () =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                await writer.WriteVideoAsync(frame, Frame * i, Frame * i).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            }
        });
        Assert.Equal(RtmpErrorKind.Timeout, ex.Kind);
        Assert.Contains("stopped reading", ex.Message, StringComparison.Ordinal);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_status_handler_that_blocks_does_not_stop_or_delay_the_stream()
    {
        await using var server = new ScriptedRtmpServer();
        using var release = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null }))
        {
            writer.StatusChanged += (_, e) =>
            {
                if (e.Status == RtmpWriterStatus.Connected)
                {
                    entered.TrySetResult();
                    release.Wait(TimeSpan.FromSeconds(30)); // a handler stuck on something of its own
                }
            };

            await writer.ConnectAsync();
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // The handler is still blocked: every frame goes out regardless, and disconnecting completes.
            for (int v = 0; v < video.Count; v++)
            {
                await writer.WriteVideoAsync(video[v], Frame * v, Frame * v).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            }

            await writer.DisconnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(release.IsSet);
            Assert.Equal(video.Count, writer.GetStats().VideoFramesSent);
            release.Set();
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(video.Count, server.Media.Count(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1));
    }

    [Fact]
    public async Task Extra_connect_properties_and_swf_and_page_urls_reach_the_connect_command()
    {
        await using var server = new ScriptedRtmpServer();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = server.Url(),
            SwfUrl = "http://example.com/player.swf",
            PageUrl = "http://example.com/",
            ConnectProperties = [new("fpad", false), new("capabilities", 15d), new("type", "custom")],
        }))
        {
            await writer.ConnectAsync();
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var o = Assert.IsType<AmfObject>(server.Messages.Single(m => m.CommandName == "connect").Arguments[0]);
        Assert.Equal("http://example.com/player.swf", o.GetString("swfUrl"));
        Assert.Equal("http://example.com/", o.GetString("pageUrl"));
        Assert.Equal(false, o["fpad"]);
        Assert.Equal(15d, o.GetNumber("capabilities"));
        Assert.Equal("custom", o.GetString("type"));
    }
}
