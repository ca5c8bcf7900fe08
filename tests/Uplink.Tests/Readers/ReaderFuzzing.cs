using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>Reads a (mutated) input to its end on the calling thread, for the readers' fuzz tests.</summary>
internal static class ReaderFuzzing
{
    /// <summary>
    /// Opens and reads the whole input synchronously (the streams complete synchronously), counting frames and the
    /// bytes allocated on this thread. The outcome is "end", the name of the format exception thrown, or — a bug —
    /// anything else, including a read that did not complete synchronously.
    /// </summary>
    public static (string Outcome, long Allocated, int Frames) ReadEverything(Func<Stream, ValueTask<IMediaReader>> open, byte[] input, bool pipe)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        int frames = 0;
        string outcome = "end";
        try
        {
            Stream stream = pipe ? new NonSeekableChunkedStream(input, seed: input.Length, maxChunk: 8192) : new MemoryStream(input, writable: false);
            ValueTask<IMediaReader> opening = open(stream);
            if (!opening.IsCompleted)
            {
                return ("open did not complete synchronously", 0, 0);
            }

            IMediaReader reader = opening.Result;
            try
            {
                while (true)
                {
                    ValueTask<bool> read = reader.ReadAsync();
                    if (!read.IsCompleted)
                    {
                        return ("read did not complete synchronously", 0, frames);
                    }

                    if (!read.Result)
                    {
                        break;
                    }

                    frames++;
                    _ = reader.Current.Data.Length;
                }
            }
            finally
            {
                ValueTask disposing = reader.DisposeAsync();
                if (!disposing.IsCompleted)
                {
                    outcome = "dispose did not complete synchronously";
                }
            }
        }
        catch (InvalidDataException)
        {
            outcome = nameof(InvalidDataException);
        }
        catch (NotSupportedException)
        {
            outcome = nameof(NotSupportedException);
        }
#pragma warning disable CA1031 // The point is to report any other exception as a failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            outcome = e.ToString();
        }

        return (outcome, GC.GetAllocatedBytesForCurrentThread() - before, frames);
    }
}
