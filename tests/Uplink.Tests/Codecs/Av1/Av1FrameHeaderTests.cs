using Uplink.Codecs.Av1;
using static Uplink.Tests.Codecs.Av1.Av1TestBitstream;

namespace Uplink.Tests.Codecs.Av1;

public class Av1FrameHeaderTests
{
    public static TheoryData<int, bool, int> FrameKinds => new()
    {
        { 1, true, 0x00 },
        { 1, true, 0x81 },
        { 1, false, 0x40 },
        { 2, false, 0x02 },
        { 2, true, 0x00 },
        { 0, false, 0x10 },
    };

    [Theory]
    [MemberData(nameof(FrameKinds))]
    public void Refresh_flags_are_found_behind_every_optional_field(int frameType, bool show, int refresh)
    {
        Av1SequenceHeaderFields[] sequences =
        [
            new(),
            new() { EnableOrderHint = false, ForceScreenContentTools = 0 },
            new() { ForceScreenContentTools = 1, ForceIntegerMv = 2, OrderHintBits = 3 },
            new() { ForceScreenContentTools = 2, ForceIntegerMv = 1, FrameIds = true, DeltaFrameIdLength = 17, AdditionalFrameIdLength = 8 },
            new() { TimingInfo = true, DecoderModelInfo = true, OperatingPoints = [(0, 8, 0, true, null)] },
            new() { TimingInfo = true, EqualPictureInterval = true, DecoderModelInfo = true, OperatingPoints = [(0, 8, 0, true, null)] },
            new()
            {
                TimingInfo = true, DecoderModelInfo = true, BufferRemovalTimeLength = 32, FramePresentationTimeLength = 32,
                OperatingPoints = [(0x103, 8, 0, true, null), (0x101, 5, 0, true, null), (0x102, 4, 0, false, null), (0x301, 9, 1, true, null)],
            },
        ];
        foreach (Av1SequenceHeaderFields fields in sequences)
        {
            foreach ((int temporal, int spatial) in new[] { (0, 0), (1, 0), (0, 1), (2, 1) })
            {
                Av1SequenceHeader sequence = Av1SequenceHeader.Parse(SequenceHeader(fields));
                byte[] payload = FrameHeader(fields, frameType, show, refresh, temporal, spatial);

                Av1FrameHeader header = Av1FrameHeader.Parse(payload, sequence, temporal, spatial);

                Assert.Equal((Av1FrameType)frameType, header.FrameType);
                Assert.Equal(show, header.ShowFrame);
                Assert.False(header.ShowExistingFrame);
                Assert.Equal(refresh, header.RefreshFrameFlags);
            }
        }
    }

    [Fact]
    public void Shown_key_frames_and_switch_frames_refresh_every_slot_without_coding_it()
    {
        var s = new Av1SequenceHeaderFields();

        Av1FrameHeader key = Av1FrameHeader.Parse(FrameHeader(s, 0, true, 0), null, 0, 0);
        Av1FrameHeader sw = Av1FrameHeader.Parse(FrameHeader(s, 3, true, 0), null, 0, 0);

        Assert.True(key.IsShownKeyFrame);
        Assert.Equal(Av1FrameHeader.AllFrames, key.RefreshFrameFlags);
        Assert.False(sw.IsShownKeyFrame);
        Assert.Equal(Av1FrameHeader.AllFrames, sw.RefreshFrameFlags);
    }

    [Fact]
    public void Without_a_sequence_header_the_refresh_flags_are_unknown()
    {
        Av1FrameHeader header = Av1FrameHeader.Parse(FrameHeader(new Av1SequenceHeaderFields(), 1, false, 0), null, 0, 0);

        Assert.Equal((Av1FrameType.InterFrame, false), (header.FrameType, header.ShowFrame));
        Assert.Null(header.RefreshFrameFlags);
    }

    [Fact]
    public void A_shown_existing_frame_names_its_slot()
    {
        Av1FrameHeader header = Av1FrameHeader.Parse(ShowExistingFrame(6), Av1SequenceHeader.Parse(SequenceHeader(new Av1SequenceHeaderFields())), 0, 0);

        Assert.Equal((true, 6, true), (header.ShowExistingFrame, header.FrameToShowMapIdx, header.ShowFrame));
        Assert.False(header.IsShownKeyFrame);
        Assert.Null(header.RefreshFrameFlags);
    }

    [Fact]
    public void A_reduced_still_picture_header_makes_every_frame_a_shown_key_frame()
    {
        var s = new Av1SequenceHeaderFields { StillPicture = true, ReducedStillPictureHeader = true };

        Av1FrameHeader header = Av1FrameHeader.Parse([0x00], Av1SequenceHeader.Parse(SequenceHeader(s)), 0, 0);

        Assert.True(header.IsShownKeyFrame);
        Assert.Equal(Av1FrameHeader.AllFrames, header.RefreshFrameFlags);
    }

    [Fact]
    public void A_cut_frame_header_throws_InvalidDataException()
    {
        var s = new Av1SequenceHeaderFields();
        Av1SequenceHeader sequence = Av1SequenceHeader.Parse(SequenceHeader(s));
        byte[] payload = FrameHeader(s, 1, true, 0x22);

        Assert.Throws<InvalidDataException>(() => Av1FrameHeader.Parse([], sequence, 0, 0));
        Assert.Throws<InvalidDataException>(() => Av1FrameHeader.Parse(payload.AsSpan(0, 1), sequence, 0, 0));
        Assert.Throws<InvalidDataException>(() => Av1FrameHeader.Parse(payload.AsSpan(0, 3), sequence, 0, 0)); // 27 bits to refresh_frame_flags
        Assert.Equal(0x22, Av1FrameHeader.Parse(payload.AsSpan(0, 4), sequence, 0, 0).RefreshFrameFlags);
    }
}
