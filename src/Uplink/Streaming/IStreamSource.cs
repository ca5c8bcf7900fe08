using Uplink.Buffers;

namespace Uplink.Streaming;

/// <summary>
/// The stream as its destinations see it: what they are sent comes through <see cref="IMessageSink"/>; this says what a
/// new connection starts with (onMetaData, each track's sequence header and descriptors) and how many tracks there may
/// be. The writer's <see cref="MediaStream"/> makes its messages from frames; the relay's stream takes them as received.
/// </summary>
internal interface IStreamSource
{
    /// <summary>Video track ids are below this.</summary>
    int VideoTrackCount { get; }

    /// <summary>Audio track ids are below this.</summary>
    int AudioTrackCount { get; }

    /// <summary>Whether tracks after the first may come (each video track then resumes on its own keyframe).</summary>
    bool IsMultitrack { get; }

    /// <summary>Video frames the stream took.</summary>
    long VideoFramesAccepted { get; }

    /// <summary>Audio frames the stream took.</summary>
    long AudioFramesAccepted { get; }

    /// <summary>Hands the destinations what may leave now (with <paramref name="drain"/>: everything). Under the writer's lock.</summary>
    void Flush(bool drain);

    /// <summary>Writes the start of the stream as it stands now: onMetaData, then each track's sequence header and descriptors.</summary>
    /// <param name="sink">Where each part goes.</param>
    /// <param name="allTracks">False for a server that takes the default tracks only.</param>
    /// <param name="scratch">A buffer the parts may be built in (each part is handed over before the next is built).</param>
    void WriteStart(IStreamStartSink sink, bool allTracks, PooledBufferWriter scratch);
}

/// <summary>Takes the parts of a stream's start (see <see cref="IStreamSource.WriteStart"/>).</summary>
internal interface IStreamStartSink
{
    /// <summary>The onMetaData message body.</summary>
    void Metadata(ReadOnlySpan<byte> body);

    /// <summary>A track's sequence header, or (<paramref name="descriptor"/>) its colorInfo / MultichannelConfig.</summary>
    void Configuration(bool video, byte track, ReadOnlySpan<byte> body, bool descriptor);
}
