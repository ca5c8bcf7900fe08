using System.Buffers.Binary;
using System.Text;
using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>
/// Configuration boxes of the codecs beyond H.264 + AAC (hvcC, dOps, dfLa), put into a sample's sample entry: a valid
/// one gives the codec's media type; a cut-short one is an <see cref="InvalidDataException"/> naming track, box and offset.
/// </summary>
public class Mp4ReaderConfigurationBoxTests
{
    /// <summary>dOps: version 0, 1 channel, pre-skip 312, 48 kHz, gain 0, mapping family 0.</summary>
    private static readonly byte[] DOps = [0, 1, 0x01, 0x38, 0, 0, 0xBB, 0x80, 0, 0, 0];

    /// <summary>A dfLa body: FullBox version and flags, then a last-metadata-block STREAMINFO (44.1 kHz, mono, 16-bit).</summary>
    private static byte[] DfLa()
    {
        byte[] streamInfo = new byte[34];
        BinaryPrimitives.WriteUInt16BigEndian(streamInfo, 4096); // minimum block size
        BinaryPrimitives.WriteUInt16BigEndian(streamInfo.AsSpan(2), 4096); // maximum block size
        // sample rate (20 bits) 44100, channels - 1 (3 bits) 0, bits per sample - 1 (5 bits) 15
        ulong packed = (44100UL << 44) | (0UL << 41) | (15UL << 36);
        BinaryPrimitives.WriteUInt64BigEndian(streamInfo.AsSpan(10), packed);
        return [0, 0, 0, 0, 0x80, 0, 0, 34, .. streamInfo];
    }

    [Fact]
    public async Task An_Opus_entry_with_a_dOps_box_is_read_as_Opus()
    {
        byte[] bytes = ReplaceAudioConfiguration(Mp4TestData.Bytes("audio-only-mono.m4a"), "Opus", "dOps", DOps, out _);
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new MemoryStream(bytes));
        Assert.Equal(AudioCodec.Opus, reader.Audio?.Codec);
        Assert.Equal(1, reader.Audio?.Channels);
        Assert.Equal(88, (await Mp4FrameRecord.ReadAllAsync(reader)).Count);
    }

    [Fact]
    public async Task A_fLaC_entry_with_a_dfLa_box_is_read_as_FLAC()
    {
        byte[] bytes = ReplaceAudioConfiguration(Mp4TestData.Bytes("audio-only-mono.m4a"), "fLaC", "dfLa", DfLa(), out _);
        await using Mp4Reader reader = await Mp4Reader.OpenAsync(new MemoryStream(bytes));
        Assert.Equal(AudioCodec.Flac, reader.Audio?.Codec);
        Assert.Equal(44100, reader.Audio?.SampleRate);
    }

    [Theory]
    [InlineData("Opus", "dOps", 6)]
    [InlineData("fLaC", "dfLa", 20)]
    public async Task A_cut_short_audio_configuration_box_names_track_box_and_offset(string format, string type, int length)
    {
        byte[] body = type == "dOps" ? DOps : DfLa();
        byte[] bytes = ReplaceAudioConfiguration(Mp4TestData.Bytes("audio-only-mono.m4a"), format, type, body[..length], out int boxOffset);
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await Mp4Reader.OpenAsync(new MemoryStream(bytes)));
        Assert.StartsWith($"MP4: track 1 (audio): the {type} box at offset {boxOffset} is malformed: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_cut_short_hvcC_names_track_box_and_offset()
    {
        byte[] file = Mp4TestData.Bytes("hevc.mp4");
        Mp4BoxLayout stsd = Mp4BoxLayout.Find(file, "stsd");
        int entry = stsd.Offset + 16;
        int hvcC = Mp4ReaderCodecTests.IndexOf(file, Encoding.ASCII.GetBytes("hvcC"), entry) - 4;
        int size = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(hvcC));
        byte[] cut = [.. file.AsSpan(hvcC, 8 + 30)]; // the 23 fixed bytes and the start of the first array
        BinaryPrimitives.WriteInt32BigEndian(cut, cut.Length);
        byte[] bytes = Mp4BoxRewriter.Replace(file, new Mp4BoxLayout("hvcC", hvcC, size, 8, [.. stsd.AncestorOffsets, stsd.Offset, entry]), cut);
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await Mp4Reader.OpenAsync(new MemoryStream(bytes)));
        Assert.StartsWith($"MP4: track 1 (video): the hvcC box at offset {hvcC} is malformed: ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Renames the mp4a sample entry to <paramref name="format"/> and puts a <paramref name="type"/> box holding
    /// <paramref name="body"/> in place of its esds (padded with a free box when shorter); <paramref name="boxOffset"/> is where that box lands.
    /// </summary>
    private static byte[] ReplaceAudioConfiguration(byte[] file, string format, string type, byte[] body, out int boxOffset)
    {
        Mp4BoxLayout stsd = Mp4BoxLayout.Find(file, "stsd");
        int entry = stsd.Offset + 16;
        Assert.Equal("mp4a", Encoding.ASCII.GetString(file, entry + 4, 4));
        Encoding.ASCII.GetBytes(format).CopyTo(file, entry + 4);
        boxOffset = Mp4ReaderCodecTests.IndexOf(file, Encoding.ASCII.GetBytes("esds"), entry) - 4;
        int size = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(boxOffset));
        byte[] box = [0, 0, 0, 0, .. Encoding.ASCII.GetBytes(type), .. body];
        BinaryPrimitives.WriteInt32BigEndian(box, box.Length);
        if (size - box.Length >= 8)
        {
            // A free box keeps the moov's size, so the chunk offsets of a moov-first file still point at the samples.
            byte[] free = new byte[size - box.Length];
            BinaryPrimitives.WriteInt32BigEndian(free, free.Length);
            Encoding.ASCII.GetBytes("free").CopyTo(free, 4);
            box = [.. box, .. free];
        }

        return Mp4BoxRewriter.Replace(file, new Mp4BoxLayout("esds", boxOffset, size, 8, [.. stsd.AncestorOffsets, stsd.Offset, entry]), box);
    }
}
