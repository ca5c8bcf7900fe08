using Uplink.IntegrationTests.Media;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>
/// Where the video frames a server recorded came from in the source clip, and what each reconnection cost. testsrc2
/// frames are all different, so a recorded packet's MD5 names its source frame; walking the recordings in order, every
/// step that is not "the next source frame" is a discontinuity: a step back repeats frames (a replay from a GOP's
/// keyframe), a step forward past the next frame loses them. A recording boundary is a discontinuity too, even a seamless
/// one (the next file starting exactly after the last): it is where a reconnection happened.
/// </summary>
public sealed class RecordingTimeline
{
    private RecordingTimeline(int sent, IReadOnlyList<Discontinuity> discontinuities, IReadOnlyList<int> recordingSizes, int recorded, int distinct, int unknown, int lostAtStart, int lostAtEnd, IReadOnlyList<TimestampCheck> timestamps)
    {
        Sent = sent;
        Discontinuities = discontinuities;
        RecordingSizes = recordingSizes;
        Recorded = recorded;
        Distinct = distinct;
        Unknown = unknown;
        LostAtStart = lostAtStart;
        LostAtEnd = lostAtEnd;
        Timestamps = timestamps;
    }

    /// <summary>Video frames in the source (the clip is published to its end).</summary>
    public int Sent { get; }

    /// <summary>Every discontinuity, in recording order.</summary>
    public IReadOnlyList<Discontinuity> Discontinuities { get; }

    /// <summary>Video frames in each recording.</summary>
    public IReadOnlyList<int> RecordingSizes { get; }

    /// <summary>Video frames recorded, all recordings, repeats included.</summary>
    public int Recorded { get; }

    /// <summary>Different source frames recorded.</summary>
    public int Distinct { get; }

    /// <summary>Recorded packets whose MD5 is no source frame's (a server that altered a frame).</summary>
    public int Unknown { get; }

    /// <summary>Source frames in no recording.</summary>
    public int Missing => Sent - Distinct;

    /// <summary>Source frames before the first one recorded.</summary>
    public int LostAtStart { get; }

    /// <summary>Source frames after the last one recorded.</summary>
    public int LostAtEnd { get; }

    /// <summary>Decoding-timestamp continuity of each recording.</summary>
    public IReadOnlyList<TimestampCheck> Timestamps { get; }

    /// <summary>Maps every recorded packet to its source frame and finds the discontinuities; source frames 0, G, 2G… of
    /// a clip with closed GOPs of <paramref name="gopFrames"/> frames are its keyframes.</summary>
    public static RecordingTimeline Build(IReadOnlyList<FrameHash> source, IReadOnlyList<IReadOnlyList<FrameHash>> recordings, int gopFrames)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(recordings);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var frame in source)
        {
            index.TryAdd(frame.Md5, frame.Index);
        }

        var discontinuities = new List<Discontinuity>();
        var seen = new HashSet<int>();
        int unknown = 0, recorded = 0, previous = -1, first = -1;
        for (var r = 0; r < recordings.Count; r++)
        {
            var atBoundary = r > 0;
            foreach (var frame in recordings[r])
            {
                recorded++;
                if (!index.TryGetValue(frame.Md5, out var current))
                {
                    unknown++;
                    continue;
                }

                seen.Add(current);
                if (first < 0)
                {
                    first = current;
                }
                else if (atBoundary || current != previous + 1)
                {
                    discontinuities.Add(new Discontinuity(r, atBoundary, previous, current));
                }

                atBoundary = false;
                previous = current;
            }
        }

        return new RecordingTimeline(
            source.Count,
            discontinuities,
            [.. recordings.Select(r => r.Count)],
            recorded,
            seen.Count,
            unknown,
            first < 0 ? source.Count : first,
            previous < 0 ? 0 : source.Count - 1 - previous,
            [.. recordings.Select(r => TimestampCheck.Of(r, f => index.TryGetValue(f.Md5, out var i) && i % gopFrames == 0))]);
    }

    /// <summary>The cost of each of <paramref name="reconnections"/> reconnections: one per discontinuity, and seamless
    /// ones (nothing lost or repeated, no discontinuity to see) for the rest.</summary>
    public IReadOnlyList<Discontinuity> PerReconnection(int reconnections) =>
        [.. Discontinuities, .. Enumerable.Repeat(Discontinuity.Seamless, Math.Max(0, reconnections - Discontinuities.Count))];
}

/// <summary>One step in the recordings that is not "the next source frame".</summary>
/// <param name="Recording">The recording (from 0) the step lands in.</param>
/// <param name="AtBoundary">True when the step goes from one recording to the next.</param>
/// <param name="Before">The source frame recorded last before the step.</param>
/// <param name="After">The source frame recorded first after it.</param>
public sealed record Discontinuity(int Recording, bool AtBoundary, int Before, int After)
{
    /// <summary>A reconnection that left no trace: the next frame followed.</summary>
    public static Discontinuity Seamless { get; } = new(-1, true, 0, 1);

    /// <summary>Source frames skipped by the step.</summary>
    public int Lost => Math.Max(0, After - Before - 1);

    /// <summary>Source frames recorded a second time after the step.</summary>
    public int Repeated => Math.Max(0, Before - After + 1);
}

/// <summary>How a recording's video decoding timestamps move: they should only go up, by about a frame interval.</summary>
/// <param name="Frames">Video frames in the recording.</param>
/// <param name="NotIncreasing">Steps where the timestamp stayed or went back.</param>
/// <param name="MaxJumpMs">The largest step forward, in milliseconds.</param>
/// <param name="KeyframesPresentedEarly">Keyframes (closed GOPs) whose presentation time is not after every earlier
/// frame's: a player shows a frame out of order, or drops it, where a replay was joined on.</param>
public sealed record TimestampCheck(int Frames, int NotIncreasing, long MaxJumpMs, int KeyframesPresentedEarly)
{
    /// <summary>Measures one recording's timestamps (FLV: milliseconds); <paramref name="isKeyframe"/> says which
    /// recorded frames are keyframes (null: audio, no presentation check).</summary>
    public static TimestampCheck Of(IReadOnlyList<FrameHash> frames, Func<FrameHash, bool>? isKeyframe = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int notIncreasing = 0, early = 0;
        long maxJump = 0, maxPts = long.MinValue;
        for (var i = 0; i < frames.Count; i++)
        {
            if (i > 0)
            {
                var step = frames[i].Dts - frames[i - 1].Dts;
                if (step <= 0)
                {
                    notIncreasing++;
                }

                maxJump = Math.Max(maxJump, step);
            }

            if (isKeyframe is not null && i > 0 && isKeyframe(frames[i]) && frames[i].Pts <= maxPts)
            {
                early++;
            }

            maxPts = Math.Max(maxPts, frames[i].Pts);
        }

        return new TimestampCheck(frames.Count, notIncreasing, maxJump, early);
    }
}
