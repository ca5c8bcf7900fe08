using Uplink.Media;

namespace Uplink.Fuzz.Targets;

/// <summary>
/// The media readers, each read to its end over an in-memory stream. Their documented data errors are
/// <see cref="InvalidDataException"/> and <see cref="NotSupportedException"/>; anything else is a finding.
/// </summary>
internal static class MediaReaderTargets
{
    private static readonly MediaReaderOptions AllTracks = new() { AllTracks = true, OnWarning = static _ => { } };

    // A frame rate for raw video without timing in its SPS, so the reader gets past opening.
    private static readonly ElementaryStreamOptions H264 = new() { FrameRate = 25 };
    private static readonly ElementaryStreamOptions Hevc = new() { FrameRate = 25, VideoCodec = VideoCodec.Hevc };

    public static IEnumerable<FuzzTarget> All()
    {
        yield return Target("flv", "FlvReader, every track", s => Open(FlvReader.OpenAsync(s, AllTracks)));
        yield return Target("mp4", "Mp4Reader (MP4, MOV, fragmented), every track", s => Open(Mp4Reader.OpenAsync(s, AllTracks)));
        yield return Target("ts", "MpegTsReader, every track", s => Open(MpegTsReader.OpenAsync(s, AllTracks)));
        yield return Target("mkv", "MatroskaReader (Matroska, WebM), every track", s => Open(MatroskaReader.OpenAsync(s, AllTracks)));
        yield return Target("ivf", "IvfReader (AV1, VP9, VP8)", s => Open(IvfReader.OpenAsync(s, AllTracks)));
        yield return Target("h264", "ElementaryStreamReader, H.264 Annex-B at 25 fps", s => Open(ElementaryStreamReader.OpenAsync(s, null, H264, AllTracks)));
        yield return Target("hevc", "ElementaryStreamReader, HEVC Annex-B at 25 fps", s => Open(ElementaryStreamReader.OpenAsync(s, null, Hevc, AllTracks)));
        yield return Target("adts", "ElementaryStreamReader, AAC ADTS", s => Open(ElementaryStreamReader.OpenAsync(null, s, null, AllTracks)));
        yield return new FuzzTarget("detect", "MediaReader.OpenAsync: format detection, then that reader, over a pipe", input => Read(input, pipe: true, s => MediaReader.OpenAsync(s, AllTracks)));
    }

    private static FuzzTarget Target(string name, string description, Func<Stream, ValueTask<IMediaReader>> open) =>
        new(name, description, input => Read(input, pipe: false, open));

    private static async ValueTask<IMediaReader> Open<T>(ValueTask<T> opening)
        where T : IMediaReader => await opening.ConfigureAwait(false);

    /// <summary>Opens and reads every frame, then disposes the reader.</summary>
    public static string Read(byte[] input, bool pipe, Func<Stream, ValueTask<IMediaReader>> open)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long limit = FuzzBounds.OutputLimit(input.Length);
        long frames = 0;
        string outcome = "end";
        try
        {
            Stream stream = pipe ? new TrickleStream(input) : new MemoryStream(input, writable: false);
            IMediaReader reader = FuzzBounds.Complete(open(stream), "open");
            try
            {
                while (FuzzBounds.Complete(reader.ReadAsync(), "read"))
                {
                    if (++frames > limit)
                    {
                        throw new FuzzFindingException($"more than {limit} frames from {input.Length} bytes");
                    }

                    _ = reader.Current.Data.Length;
                }
            }
            finally
            {
                FuzzBounds.Complete(reader.DisposeAsync(), "dispose");
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

        FuzzBounds.CheckAllocation(before, input.Length, "reading");
        return outcome;
    }
}
