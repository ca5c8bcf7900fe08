using System.Runtime.CompilerServices;

namespace Uplink.Media;

/// <summary>Reading frames with <c>await foreach</c>.</summary>
public static class MediaReaderExtensions
{
    /// <summary>
    /// The reader's frames in decode order, for <c>await foreach</c>. Each frame's <see cref="MediaFrame.Data"/> belongs to
    /// the reader and is valid until the loop moves on: use it in the loop body (the writer copies what it keeps), or copy it.
    /// </summary>
    public static async IAsyncEnumerable<MediaFrame> ReadAllAsync(this IMediaReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
