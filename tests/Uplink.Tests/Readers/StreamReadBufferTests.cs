using Uplink.Media;

namespace Uplink.Tests.Readers;

public class StreamReadBufferTests
{
    private static byte[] Data(int length)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7 + (i >> 8));
        }

        return data;
    }

    [Fact]
    public async Task Fill_gathers_the_needed_bytes_from_a_pipe_of_short_reads()
    {
        byte[] data = Data(100_000);
        using var buffer = new StreamReadBuffer(new NonSeekableChunkedStream(data, seed: 3, maxChunk: 7));

        await buffer.FillAsync(5000, CancellationToken.None);

        Assert.InRange(buffer.Available, 5000, 5006);
        Assert.False(buffer.EndOfStream);
        Assert.Equal(0, buffer.StartOffset);
        Assert.True(buffer.Buffered.SequenceEqual(data.AsSpan(0, buffer.Available)));
    }

    [Fact]
    public async Task Fill_stops_at_the_end_of_a_short_stream_and_says_so()
    {
        byte[] data = Data(100);
        using var buffer = new StreamReadBuffer(new MemoryStream(data));

        await buffer.FillAsync(1000, CancellationToken.None);

        Assert.Equal(100, buffer.Available);
        Assert.True(buffer.EndOfStream);
        Assert.True(buffer.Buffered.SequenceEqual(data));
    }

    [Fact]
    public async Task Consume_moves_the_offset_and_compaction_keeps_offsets_and_bytes()
    {
        byte[] data = Data(200_000);
        using var buffer = new StreamReadBuffer(new MemoryStream(data));
        await buffer.FillAsync(StreamReadBuffer.InitialSize, CancellationToken.None);
        Assert.Equal(StreamReadBuffer.InitialSize, buffer.Available);

        buffer.Consume(60_000);
        Assert.Equal(60_000, buffer.Start);
        Assert.Equal(60_000, buffer.StartOffset);
        Assert.Equal(60_010, buffer.OffsetOf(buffer.Start + 10));

        int shift = buffer.MakeRoom(100);

        Assert.Equal(60_000, shift);
        Assert.Equal(0, buffer.Start);
        Assert.Equal(60_000, buffer.StartOffset);
        Assert.Equal(60_010, buffer.OffsetOf(10));
        Assert.True(buffer.Buffered.SequenceEqual(data.AsSpan(60_000, StreamReadBuffer.InitialSize - 60_000)));

        await buffer.FillAsync(100_000, CancellationToken.None);
        Assert.True(buffer.Buffered.SequenceEqual(data.AsSpan(60_000, buffer.Available)));
    }

    [Fact]
    public void Make_room_neither_moves_nor_grows_while_a_full_read_fits()
    {
        using var buffer = new StreamReadBuffer(new MemoryStream(Data(10)));
        byte[] array = buffer.Array;

        Assert.Equal(0, buffer.MakeRoom(100));

        Assert.Same(array, buffer.Array);
    }

    [Fact]
    public async Task A_huge_declared_size_in_a_short_stream_grows_the_buffer_by_one_doubling_only()
    {
        using var buffer = new StreamReadBuffer(new MemoryStream(Data(StreamReadBuffer.InitialSize + 300)));
        await buffer.FillAsync(StreamReadBuffer.InitialSize, CancellationToken.None);
        Assert.Equal(StreamReadBuffer.InitialSize, buffer.Array.Length);

        await buffer.FillAsync(100 * 1024 * 1024, CancellationToken.None);

        Assert.True(buffer.EndOfStream);
        Assert.Equal(StreamReadBuffer.InitialSize + 300, buffer.Available);
        Assert.Equal(2 * StreamReadBuffer.InitialSize, buffer.Array.Length);
    }

    [Fact]
    public async Task Growth_doubles_step_by_step_up_to_what_is_needed()
    {
        const int Needed = 1024 * 1024;
        byte[] data = Data(Needed + 5000);
        using var buffer = new StreamReadBuffer(new NonSeekableChunkedStream(data, seed: 5, maxChunk: 50_000));

        await buffer.FillAsync(Needed, CancellationToken.None);

        Assert.InRange(buffer.Available, Needed, data.Length);
        Assert.InRange(buffer.Array.Length, Needed + StreamReadBuffer.MinReadSize, 2 * Needed);
        Assert.True(buffer.Buffered.SequenceEqual(data.AsSpan(0, buffer.Available)));
    }

    [Fact]
    public void Frames_come_synchronously_when_the_stream_completes_its_reads_at_once()
    {
        byte[] data = Data(10_000);
        using var buffer = new StreamReadBuffer(new NonSeekableChunkedStream(data, seed: 2, maxChunk: 300));
        var parser = new FixedSizeFrames(buffer, 1000);

        for (int i = 0; i < 10; i++)
        {
            Assert.True(ReadAtOnce(buffer, parser));
            Assert.Equal(i * 1000L, parser.FrameOffset);
            Assert.True(parser.Frame.SequenceEqual(data.AsSpan(i * 1000, 1000)));
        }

        Assert.False(ReadAtOnce(buffer, parser));
        Assert.True(buffer.EndOfStream);
    }

    [Fact]
    public async Task Frames_are_the_same_when_reads_complete_later_and_shifts_are_reported()
    {
        byte[] data = Data(400_000);
        using var buffer = new StreamReadBuffer(new NonSeekableChunkedStream(data, seed: 4, maxChunk: 5000, completeAsynchronously: true));
        var parser = new FixedSizeFrames(buffer, 3000);
        int frames = 0;

        while (true)
        {
            if (!await buffer.ReadFrameAsync(parser, CancellationToken.None))
            {
                break;
            }

            Assert.Equal(frames * 3000L, parser.FrameOffset);
            Assert.True(parser.Frame.SequenceEqual(data.AsSpan(frames * 3000, 3000)));
            frames++;
        }

        Assert.Equal(data.Length / 3000, frames);
        Assert.True(parser.Shifted > 0);
        Assert.Equal(data.Length % 3000, buffer.Available);
    }

    [Fact]
    public async Task Reposition_empties_the_buffer_at_the_new_offset()
    {
        using var buffer = new StreamReadBuffer(new MemoryStream(Data(1000)));
        await buffer.FillAsync(1000, CancellationToken.None);

        buffer.Reposition(5000, endOfStream: true);

        Assert.Equal(0, buffer.Available);
        Assert.Equal(5000, buffer.StartOffset);
        Assert.True(buffer.EndOfStream);
    }

    [Fact]
    public void Dispose_gives_the_array_back_once_and_leaves_the_stream_open()
    {
        var stream = new MemoryStream(Data(10));
        var buffer = new StreamReadBuffer(stream);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Empty(buffer.Array);
        Assert.Equal(0, buffer.Available);
        Assert.True(stream.CanRead);
    }

    /// <summary>Reads a frame that must be ready without awaiting.</summary>
    private static bool ReadAtOnce(StreamReadBuffer buffer, FixedSizeFrames parser)
    {
        ValueTask<bool> read = buffer.ReadFrameAsync(parser, CancellationToken.None);
        Assert.True(read.IsCompletedSuccessfully);
        return read.Result;
    }

    /// <summary>Cuts the input into frames of one size; what is left at the end is not a frame.</summary>
    private sealed class FixedSizeFrames(StreamReadBuffer buffer, int size) : IBufferedFrameParser
    {
        private int _frameIndex = -1;

        public long FrameOffset { get; private set; }

        public long Shifted { get; private set; }

        public ReadOnlySpan<byte> Frame => buffer.Array.AsSpan(_frameIndex, size);

        public ReadStep TryParseFrame(out int needed)
        {
            needed = size;
            if (buffer.Available < size)
            {
                return buffer.EndOfStream ? ReadStep.End : ReadStep.NeedMoreData;
            }

            _frameIndex = buffer.Start;
            FrameOffset = buffer.StartOffset;
            buffer.Consume(size);
            return ReadStep.Frame;
        }

        public void OnBufferShifted(int by) => Shifted += by;
    }
}
