using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Uplink.Server;

/// <summary>
/// Writes one publish to an FLV file: the header (its audio/video flags patched at the end from what arrived),
/// then every message as a tag with its timestamp rebased so the first audio or video tag is at 0, each followed by its
/// PreviousTagSize. Allocation-free per tag.
/// </summary>
internal sealed class FlvRecorder : IDisposable
{
    public const byte AudioTag = 8;
    public const byte VideoTag = 9;
    public const byte ScriptTag = 18;

    private const int TagHeaderSize = 11;
    private const byte FlagAudio = 0x04;
    private const byte FlagVideo = 0x01;

    private readonly FileStream _file;
    private bool _hasBase;
    private uint _base;
    private byte _flags;
    private bool _disposed;

    public FlvRecorder(FileStream file, string path)
    {
        _file = file;
        Path = path;
        ReadOnlySpan<byte> header = [(byte)'F', (byte)'L', (byte)'V', 1, FlagAudio | FlagVideo, 0, 0, 0, 9, 0, 0, 0, 0];
        _file.Write(header);
    }

    /// <summary>A recorder for a new publish in <c>DIRECTORY/APP/STREAM-TIMESTAMP.flv</c>, or null (logged) when the file cannot be made.</summary>
    public static FlvRecorder? TryCreate(string directory, string app, string stream, DateTimeOffset started, ILogger logger, long connectionId)
    {
        try
        {
            FileStream file = RecordingPaths.CreateNew(directory, app, stream, started, out string path);
            return new FlvRecorder(file, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            ServerLog.RecordingFailed(logger, connectionId, ex.Message);
            return null;
        }
    }

    /// <summary>Closes and deletes the file: the publish it was made for never started.</summary>
    public void Discard()
    {
        try
        {
            Dispose();
            File.Delete(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: an empty recording left behind is harmless.
        }
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Tags written.</summary>
    public long TagCount { get; private set; }

    /// <summary>Appends one tag; <paramref name="timestamp"/> is the RTMP timestamp, rebased against the first tag's.</summary>
    public void Write(byte tagType, uint timestamp, ReadOnlySpan<byte> body)
    {
        // The first audio or video tag sets the base; script data before it (onMetaData) is written at 0.
        if (!_hasBase && tagType != ScriptTag)
        {
            _hasBase = true;
            _base = timestamp;
        }

        int rebased = _hasBase ? (int)(timestamp - _base) : 0;
        uint ts = rebased < 0 ? 0 : (uint)rebased;
        Span<byte> header = stackalloc byte[TagHeaderSize];
        header[0] = tagType;
        header[1] = (byte)(body.Length >> 16);
        header[2] = (byte)(body.Length >> 8);
        header[3] = (byte)body.Length;
        header[4] = (byte)(ts >> 16);
        header[5] = (byte)(ts >> 8);
        header[6] = (byte)ts;
        header[7] = (byte)(ts >> 24);
        header[8] = 0;
        header[9] = 0;
        header[10] = 0;
        _file.Write(header);
        _file.Write(body);
        Span<byte> previous = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(previous, (uint)(TagHeaderSize + body.Length));
        _file.Write(previous);
        TagCount++;
        _flags |= tagType switch
        {
            AudioTag => FlagAudio,
            VideoTag => FlagVideo,
            _ => 0,
        };
    }

    /// <summary>Patches the header flags from what arrived and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_flags != 0)
            {
                _file.Flush();
                _file.Position = 4;
                _file.WriteByte(_flags);
            }
        }
        finally
        {
            _file.Dispose();
        }
    }
}
