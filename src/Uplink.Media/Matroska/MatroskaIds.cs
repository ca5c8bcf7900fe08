namespace Uplink.Media.Matroska;

/// <summary>The EBML and Matroska element IDs the reader looks at (RFC 8794, RFC 9559), length markers included.</summary>
internal static class MatroskaIds
{
    // EBML header
    public const uint Ebml = 0x1A45DFA3;
    public const uint EbmlReadVersion = 0x42F7;
    public const uint EbmlMaxIdLength = 0x42F2;
    public const uint EbmlMaxSizeLength = 0x42F3;
    public const uint DocType = 0x4282;
    public const uint DocTypeReadVersion = 0x4285;

    // Global elements, allowed anywhere
    public const uint Void = 0xEC;
    public const uint Crc32 = 0xBF;

    // Top level and the Segment's children (level 1)
    public const uint Segment = 0x18538067;
    public const uint SeekHead = 0x114D9B74;
    public const uint Info = 0x1549A966;
    public const uint Tracks = 0x1654AE6B;
    public const uint Cluster = 0x1F43B675;
    public const uint Cues = 0x1C53BB6B;
    public const uint Attachments = 0x1941A469;
    public const uint Chapters = 0x1043A770;
    public const uint Tags = 0x1254C367;

    // Info
    public const uint TimestampScale = 0x2AD7B1;
    public const uint Duration = 0x4489;

    // Tracks
    public const uint TrackEntry = 0xAE;
    public const uint TrackNumber = 0xD7;
    public const uint TrackType = 0x83;
    public const uint FlagEnabled = 0xB9;
    public const uint FlagDefault = 0x88;
    public const uint FlagForced = 0x55AA;
    public const uint DefaultDuration = 0x23E383;
    public const uint Name = 0x536E;
    public const uint Language = 0x22B59C;
    public const uint CodecId = 0x86;
    public const uint CodecPrivate = 0x63A2;
    public const uint CodecDelay = 0x56AA;
    public const uint SeekPreRoll = 0x56BB;
    public const uint Video = 0xE0;
    public const uint PixelWidth = 0xB0;
    public const uint PixelHeight = 0xBA;
    public const uint Audio = 0xE1;
    public const uint SamplingFrequency = 0xB5;
    public const uint OutputSamplingFrequency = 0x78B5;
    public const uint Channels = 0x9F;
    public const uint BitDepth = 0x6264;
    public const uint ContentEncodings = 0x6D80;
    public const uint ContentEncoding = 0x6240;
    public const uint ContentEncodingOrder = 0x5031;
    public const uint ContentEncodingScope = 0x5032;
    public const uint ContentEncodingType = 0x5033;
    public const uint ContentCompression = 0x5034;
    public const uint ContentCompAlgo = 0x4254;
    public const uint ContentCompSettings = 0x4255;
    public const uint ContentEncryption = 0x5035;

    // Cluster
    public const uint Timestamp = 0xE7;
    public const uint SimpleBlock = 0xA3;
    public const uint BlockGroup = 0xA0;
    public const uint Block = 0xA1;
    public const uint BlockDuration = 0x9B;
    public const uint ReferenceBlock = 0xFB;
    public const uint SilentTracks = 0x5854;
    public const uint Position = 0xA7;
    public const uint PrevSize = 0xAB;
    public const uint EncryptedBlock = 0xAF;

    /// <summary>True for the Segment's children: where an unknown-size Cluster ends.</summary>
    public static bool IsSegmentChild(uint id) => id is SeekHead or Info or Tracks or Cluster or Cues or Attachments or Chapters or Tags;

    /// <summary>True for the elements a Cluster may hold (the global Void and CRC-32 included).</summary>
    public static bool IsClusterChild(uint id) =>
        id is Timestamp or SimpleBlock or BlockGroup or SilentTracks or Position or PrevSize or EncryptedBlock or Void or Crc32;
}
