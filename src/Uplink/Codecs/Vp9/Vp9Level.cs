namespace Uplink.Codecs.Vp9;

/// <summary>
/// The VP9 level (VP9 bitstream specification, Annex A) a picture size and rate need, for the vpcC level field, which
/// the bitstream does not carry. FFmpeg's <c>vpcc.c</c> approximates it the same way: the first level whose luma
/// picture size and sample rate limits both hold.
/// </summary>
internal static class Vp9Level
{
    // (level, max luma sample rate, max luma picture size)
    private static readonly (byte Level, long SampleRate, long PictureSize)[] Levels =
    [
        (10, 829_440, 36_864),
        (11, 2_764_800, 73_728),
        (20, 4_608_000, 122_880),
        (21, 9_216_000, 245_760),
        (30, 20_736_000, 552_960),
        (31, 36_864_000, 983_040),
        (40, 83_558_400, 2_228_224),
        (41, 160_432_128, 2_228_224),
        (50, 311_951_360, 8_912_896),
        (51, 588_251_136, 8_912_896),
        (52, 1_176_502_272, 8_912_896),
        (60, 1_176_502_272, 35_651_584),
        (61, 2_353_004_544, 35_651_584),
        (62, 4_706_009_088, 35_651_584),
    ];

    /// <summary>
    /// The level for <paramref name="width"/> × <paramref name="height"/> pictures at <paramref name="frameRate"/> per
    /// second: 10 for level 1, 11 for level 1.1 … 62 for 6.2; 0 (undefined) when none fits or the size is not positive.
    /// Without a frame rate only the picture size counts, as in FFmpeg's MP4 and FLV muxers.
    /// </summary>
    public static byte Compute(int width, int height, double? frameRate)
    {
        long pictureSize = (long)width * height;
        if (width <= 0 || height <= 0)
        {
            return 0;
        }

        long sampleRate = frameRate is double rate && rate > 0 && double.IsFinite(rate) ? (long)(pictureSize * rate) : 0;
        foreach ((byte level, long maxRate, long maxSize) in Levels)
        {
            if (sampleRate <= maxRate && pictureSize <= maxSize)
            {
                return level;
            }
        }

        return 0;
    }
}
