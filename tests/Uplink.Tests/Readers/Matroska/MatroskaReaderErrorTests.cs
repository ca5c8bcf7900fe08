using Uplink.Media;
using static Uplink.Tests.Readers.Matroska.EbmlElement;
using static Uplink.Tests.Readers.Matroska.MatroskaTestFiles;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>
/// A header that is not Matroska, malformed, or needs what the reader refuses gives one clear line naming the problem and
/// the offset (InvalidDataException), or codec and track (NotSupportedException), before any frame.
/// </summary>
public class MatroskaReaderErrorTests
{
    private static async Task<T> OpenFailsAsync<T>(byte[] bytes, bool pipe = false)
        where T : Exception
    {
        Stream stream = pipe ? new NonSeekableChunkedStream(bytes, seed: 1) : new MemoryStream(bytes);
        T e = await Assert.ThrowsAsync<T>(async () => await MatroskaReader.OpenAsync(stream));
        Assert.StartsWith("Matroska: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(pipe ? ((NonSeekableChunkedStream)stream).IsDisposed : !stream.CanRead, "the stream is closed");
        return e;
    }

    private static Task<InvalidDataException> InvalidAsync(byte[] bytes, bool pipe = false) => OpenFailsAsync<InvalidDataException>(bytes, pipe);

    [Fact]
    public async Task An_empty_stream_or_text_is_not_Matroska()
    {
        Assert.Equal("Matroska: not a Matroska/WebM file: the stream is empty", (await InvalidAsync([])).Message);
        Assert.Equal("Matroska: not a Matroska/WebM file: it starts with 68656C6C, not the EBML header ID 1A45DFA3", (await InvalidAsync("hello world"u8.ToArray(), pipe: true)).Message);
    }

    [Theory]
    [InlineData("mp4", "Matroska: the EBML document at offset 5 is a \"mp4\", not Matroska or WebM")]
    [InlineData("", "Matroska: the EBML document at offset 5 is a \"\", not Matroska or WebM")]
    public async Task An_EBML_document_of_another_type_is_refused(string docType, string message)
    {
        Assert.Equal(message, (await InvalidAsync(Build([TracksOf(AudioTrack())], docType: docType))).Message);
    }

    [Fact]
    public async Task An_EBML_header_needing_a_newer_EBML_or_longer_IDs_is_refused_and_a_newer_Matroska_version_read_with_a_warning()
    {
        EbmlElement header = Header();
        header.Children![0] = UInt(EbmlReadVersion, 2);
        Assert.Contains("needs EBML version 2", (await InvalidAsync(Write([header, new EbmlElement(Segment, TracksOf(AudioTrack()))]))).Message, StringComparison.Ordinal);

        header = Header();
        header.Children!.Add(UInt(0x42F2, 8)); // EBMLMaxIDLength
        Assert.Contains("allows 8-byte IDs", (await InvalidAsync(Write([header, new EbmlElement(Segment, TracksOf(AudioTrack()))]))).Message, StringComparison.Ordinal);

        var warnings = new List<string>();
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(Write([Header(readVersion: 5), new EbmlElement(Segment, TracksOf(AudioTrack()))])), new MediaReaderOptions { OnWarning = warnings.Add });
        Assert.Equal("Matroska: the file needs a Matroska version 5 reader (DocTypeReadVersion); this one knows version 4, and reads on", Assert.Single(warnings));
    }

    [Fact]
    public async Task A_file_without_a_segment_or_tracks_says_so()
    {
        byte[] headerOnly = Header().ToBytes();
        Assert.Equal($"Matroska: no Segment after the EBML header: the stream ends at offset {headerOnly.Length}", (await InvalidAsync(headerOnly)).Message);

        byte[] noTracks = Build([InfoOf(), ClusterOf(0, SimpleBlockOf(1, 0, true, [1]))]);
        int cluster = noTracks.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x1F, 0x43, 0xB6, 0x75]);
        Assert.Equal($"Matroska: no Tracks element before the first Cluster at offset {cluster}", (await InvalidAsync(noTracks, pipe: true)).Message);
        byte[] infoOnly = Build([InfoOf()]);
        Assert.Equal($"Matroska: no Tracks element before the end of the segment at offset {infoOnly.Length}", (await InvalidAsync(infoOnly)).Message);
        Assert.Equal("Matroska: no Tracks element before the end of the stream", (await InvalidAsync(Build([InfoOf()], unknownSize: true))).Message);
        Assert.Equal("Matroska: the Tracks element declares no track", (await InvalidAsync(Build([TracksOf()]))).Message);
    }

    [Fact]
    public async Task Something_else_where_the_segment_should_be_is_named()
    {
        byte[] bytes = Write([Header(), new EbmlElement(Info, Array.Empty<byte>())]);
        Assert.Equal($"Matroska: element 0x1549A966 at offset {Header().ToBytes().Length} is where the Segment (0x18538067) should be", (await InvalidAsync(bytes)).Message);
    }

    [Fact]
    public async Task A_stream_cut_inside_the_header_names_the_element_and_offset()
    {
        byte[] whole = MatroskaTestData.Bytes("standard.mkv");
        long tracks = SegmentOf(Sample("standard.mkv")).Child(Tracks).DataOffset;
        var e = await InvalidAsync(whole[..(int)(tracks + 50)], pipe: true);
        Assert.Equal($"Matroska: the stream ends at offset {tracks + 50}, inside the Tracks element at offset {tracks - 6} ({203 + 6} bytes)", e.Message);

        e = await InvalidAsync(whole[..(int)(tracks - 3)]);
        Assert.Equal($"Matroska: the stream ends at offset {tracks - 3}, inside the header of the element at offset {tracks - 6}", e.Message);
    }

    [Fact]
    public async Task Sizes_beyond_the_limits_are_refused_without_allocating_them()
    {
        // A Tracks element that claims 2^40 bytes in a 100-byte file, and an unknown-size one.
        byte[] huge = [.. Header().ToBytes(), .. IdBytes(Segment), .. VarInt(1000), .. IdBytes(Tracks), .. VarInt(1UL << 40, 8), .. new byte[100]];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = await InvalidAsync(huge);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024);
        Assert.Contains($"claims {1L << 40} bytes, more than the limit of {16 * 1024 * 1024}", e.Message, StringComparison.Ordinal);

        byte[] unknown = [.. Header().ToBytes(), .. IdBytes(Segment), 0xFF, .. IdBytes(Tracks), 0xFF, .. new byte[100]];
        Assert.Contains("has an unknown size, which only a Segment or a Cluster may have", (await InvalidAsync(unknown)).Message, StringComparison.Ordinal);

        byte[] codecPrivate = Build([TracksOf(AudioTrack(asc: new byte[(1024 * 1024) + 1]))]);
        Assert.Contains("is 1048577 bytes, more than the limit of 1048576", (await InvalidAsync(codecPrivate)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_track_entries_name_their_offset()
    {
        EbmlElement noNumber = new(TrackEntry, UInt(TrackType, 2), Text(CodecId, "A_AAC"));
        Assert.Contains("has no TrackNumber (or 0)", (await InvalidAsync(Build([TracksOf(noNumber)]))).Message, StringComparison.Ordinal);
        Assert.Contains("repeats TrackNumber 2", (await InvalidAsync(Build([TracksOf(AudioTrack(), AudioTrack())]))).Message, StringComparison.Ordinal);

        byte[] bytes = Build([TracksOf(new EbmlElement(TrackEntry, new byte[] { 0x42, 0x86, 0x85 }))]);
        Assert.Contains("claims 5 bytes, more than the 0 left in the TrackEntry", (await InvalidAsync(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_H264_track_needs_a_valid_avcC_and_an_AAC_track_a_valid_AudioSpecificConfig()
    {
        EbmlElement noPrivate = VideoTrack();
        noPrivate.Children!.RemoveAll(c => c.Id == CodecPrivate);
        Assert.Contains("track 1 (video): V_MPEG4/ISO/AVC has no CodecPrivate (the avcC decoder configuration record)", (await InvalidAsync(Build([TracksOf(noPrivate)]))).Message, StringComparison.Ordinal);
        Assert.Contains("track 1 (video): the avcC in the CodecPrivate at offset", (await InvalidAsync(Build([TracksOf(VideoTrack(avcC: [1, 2, 3]))]))).Message, StringComparison.Ordinal);
        Assert.Contains("track 2 (audio): the AudioSpecificConfig in the CodecPrivate at offset", (await InvalidAsync(Build([TracksOf(AudioTrack(asc: [0x17]))]))).Message, StringComparison.Ordinal);
        Assert.Contains("track 2 (audio): no AudioSpecificConfig can be built for A_AAC/MPEG4/LC", (await InvalidAsync(Build([TracksOf(AudioTrack(codecId: "A_AAC/MPEG4/LC", channels: 9, withCodecPrivate: false))]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_only_subtitles_has_no_track_to_read()
    {
        EbmlElement subtitles = new(TrackEntry, UInt(TrackNumber, 3), UInt(TrackType, 0x11), Text(CodecId, "S_TEXT/UTF8"));
        Assert.Equal("Matroska: no video or audio track among the 1 tracks (track 3 (subtitles) S_TEXT/UTF8)", (await InvalidAsync(Build([TracksOf(subtitles)]))).Message);
    }

    [Theory]
    [InlineData("V_VP8", "VP8 (V_VP8)")]
    [InlineData("V_MPEGI/ISO/VVC", "VVC (V_MPEGI/ISO/VVC)")]
    [InlineData("V_MPEG2", "MPEG-2 video (V_MPEG2)")]
    public async Task A_video_codec_RTMP_cannot_carry_is_refused_naming_codec_and_track(string codecId, string name)
    {
        EbmlElement video = VideoTrack();
        video.Child(CodecId).Data = System.Text.Encoding.ASCII.GetBytes(codecId);
        var e = await OpenFailsAsync<NotSupportedException>(Build([TracksOf(video)]), pipe: true);
        Assert.Equal($"Matroska: track 1 (video): {name} cannot be published over RTMP", e.Message);
    }

    [Theory]
    [InlineData("A_VORBIS", "Vorbis (A_VORBIS)")]
    [InlineData("A_MPEG/L2", "MP2 (A_MPEG/L2)")]
    [InlineData("A_DTS", "DTS (A_DTS)")]
    [InlineData("A_SOMETHING", "codec A_SOMETHING")]
    public async Task An_audio_codec_RTMP_cannot_carry_is_refused_naming_codec_and_track(string codecId, string name)
    {
        var e = await OpenFailsAsync<NotSupportedException>(Build([TracksOf(VideoTrack(), AudioTrack(number: 5, codecId: codecId))]));
        Assert.Equal($"Matroska: track 5 (audio): {name} cannot be published over RTMP", e.Message);
    }

    [Theory]
    [InlineData("V_MPEGH/ISO/HEVC", "video", "V_MPEGH/ISO/HEVC has no CodecPrivate (the hvcC decoder configuration record)")]
    [InlineData("A_OPUS", "audio", "A_OPUS has no CodecPrivate (the OpusHead)")]
    [InlineData("A_FLAC", "audio", "A_FLAC has no CodecPrivate (the FLAC stream header)")]
    public async Task A_codec_whose_header_is_its_CodecPrivate_needs_one(string codecId, string kind, string message)
    {
        EbmlElement track = kind == "video" ? VideoTrack() : AudioTrack(codecId: codecId);
        track.Children!.RemoveAll(c => c.Id == CodecPrivate);
        track.Child(CodecId).Data = System.Text.Encoding.ASCII.GetBytes(codecId);
        Assert.Contains(message, (await InvalidAsync(Build([TracksOf(track)]))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("V_MPEGH/ISO/HEVC", "video", "the hvcC in the CodecPrivate at offset")]
    [InlineData("V_AV1", "video", "the av1C in the CodecPrivate at offset")]
    [InlineData("V_VP9", "video", "the vpcC in the CodecPrivate at offset")]
    [InlineData("A_OPUS", "audio", "the OpusHead in the CodecPrivate at offset")]
    [InlineData("A_FLAC", "audio", "the FLAC stream header in the CodecPrivate at offset")]
    public async Task A_malformed_codec_header_is_named_with_its_offset(string codecId, string kind, string message)
    {
        EbmlElement track = kind == "video" ? VideoTrack(avcC: [1, 2, 3]) : AudioTrack(codecId: codecId, asc: [1, 2, 3]);
        track.Child(CodecId).Data = System.Text.Encoding.ASCII.GetBytes(codecId);
        Assert.Contains(message, (await InvalidAsync(Build([TracksOf(track)]))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL, 0UL, "its frames are zlib-compressed (ContentEncoding)")]
    [InlineData(0UL, 2UL, "its frames are LZO-compressed (ContentEncoding)")]
    [InlineData(1UL, 0UL, "its frames are encrypted (ContentEncoding)")]
    public async Task Compressed_or_encrypted_frames_are_refused_with_the_remedy(ulong type, ulong algorithm, string what)
    {
        EbmlElement video = VideoTrack();
        video.Children!.Add(ContentEncodingOf(1, type, algorithm, []));
        var e = await OpenFailsAsync<NotSupportedException>(Build([TracksOf(video, AudioTrack())]));
        Assert.Equal($"Matroska: track 1 (video): {what}, which RTMP cannot carry; remux it (ffmpeg -i IN -c copy OUT.mkv) to store them plainly", e.Message);
    }

    [Fact]
    public async Task A_compressed_subtitle_track_does_not_matter()
    {
        EbmlElement subtitles = new(TrackEntry, UInt(TrackNumber, 3), UInt(TrackType, 0x11), Text(CodecId, "S_TEXT/UTF8"), ContentEncodingOf(1, 0, 0, []));
        await using MatroskaReader reader = await MatroskaReader.OpenAsync(new MemoryStream(Build([TracksOf(VideoTrack(), AudioTrack(), subtitles)])));
        Assert.NotNull(reader.Video);
        Assert.NotNull(reader.Audio);
    }

    [Fact]
    public async Task A_zero_TimestampScale_is_refused()
    {
        Assert.Contains("the TimestampScale at offset", (await InvalidAsync(Build([InfoOf(scale: 0), TracksOf(AudioTrack())]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_bytes_after_an_EBML_ID_are_refused()
    {
        byte[] bytes = [0x1A, 0x45, 0xDF, 0xA3, .. System.Text.Encoding.ASCII.GetBytes("\0not really")];
        var e = await InvalidAsync(bytes);
        Assert.StartsWith("Matroska: the bytes at offset 0", e.Message, StringComparison.Ordinal);
    }
}
