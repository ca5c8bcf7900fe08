namespace Uplink.Tests.Codecs;

/// <summary>Damages a coded sample for the codec parsers' fuzz tests: flipped bits, a cut, inserted garbage, a
/// codec-specific forgery, or rewritten header bytes; one to three of them, chosen by the seeded random.</summary>
internal static class BitstreamMutator
{
    /// <param name="original">The sample; not changed.</param>
    /// <param name="random">The seeded random that picks every mutation.</param>
    /// <param name="forge">The codec's own forgery (an absurd size field, a forged index) applied to the data so far.</param>
    /// <param name="headerBytes">How many leading bytes count as the header that may be rewritten.</param>
    public static byte[] Mutate(byte[] original, Random random, Func<byte[], Random, byte[]> forge, int headerBytes)
    {
        byte[] data = [.. original];
        for (int m = random.Next(1, 4); m > 0; m--)
        {
            switch (random.Next(5))
            {
                case 0:
                    for (int i = random.Next(1, 8); i > 0 && data.Length > 0; i--)
                    {
                        data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1:
                    data = data[..random.Next(data.Length + 1)];
                    break;
                case 2:
                    {
                        byte[] garbage = new byte[random.Next(1, 40)];
                        random.NextBytes(garbage);
                        int at = random.Next(data.Length + 1);
                        data = [.. data.AsSpan(0, at), .. garbage, .. data.AsSpan(at)];
                    }

                    break;
                case 3:
                    data = forge(data, random);
                    break;
                default:
                    if (data.Length > headerBytes)
                    {
                        data[random.Next(headerBytes)] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return data;
    }
}
