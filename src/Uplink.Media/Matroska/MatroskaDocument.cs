namespace Uplink.Media.Matroska;

/// <summary>The EBML header's verdict: a Matroska or WebM document the reader can read.</summary>
/// <param name="DocType">"matroska" or "webm".</param>
/// <param name="DocTypeReadVersion">The Matroska version a reader must understand.</param>
internal sealed record MatroskaDocument(string DocType, ulong DocTypeReadVersion)
{
    /// <summary>The newest Matroska version (RFC 9559) whose elements this reader knows.</summary>
    public const ulong KnownVersion = 4;

    /// <summary>"WebM" or "Matroska": the format name the reader reports.</summary>
    public string FormatName => DocType == "webm" ? "WebM" : "Matroska";

    /// <summary>Checks the EBML header's children (the header element's data at <paramref name="offset"/>).</summary>
    /// <exception cref="InvalidDataException">Not Matroska or WebM, or EBML features the reader does not decode.</exception>
    public static MatroskaDocument Parse(ReadOnlySpan<byte> data, long offset, Action<string>? onWarning)
    {
        string? docType = null;
        ulong docTypeReadVersion = 1;
        var children = new EbmlChildren(data, offset, "EBML header");
        while (children.MoveNext(out uint id, out ReadOnlySpan<byte> payload, out long at))
        {
            switch (id)
            {
                case MatroskaIds.EbmlReadVersion when Ebml.ReadUnsigned(payload) > 1:
                    throw MatroskaErrors.Invalid($"the EBML header at offset {at} needs EBML version {Ebml.ReadUnsigned(payload)} to be read; only version 1 exists");
                case MatroskaIds.EbmlMaxIdLength when Ebml.ReadUnsigned(payload) > 4:
                case MatroskaIds.EbmlMaxSizeLength when Ebml.ReadUnsigned(payload) > 8:
                    throw MatroskaErrors.Invalid($"the EBML header at offset {at} allows {Ebml.ReadUnsigned(payload)}-byte {(id == MatroskaIds.EbmlMaxIdLength ? "IDs" : "sizes")}, longer than Matroska's 4 and 8");
                case MatroskaIds.DocType:
                    docType = Ebml.ReadString(payload);
                    break;
                case MatroskaIds.DocTypeReadVersion:
                    docTypeReadVersion = Ebml.ReadUnsigned(payload);
                    break;
            }
        }

        if (docType is not ("matroska" or "webm"))
        {
            throw MatroskaErrors.Invalid(docType is null
                ? $"the EBML header at offset {offset} names no DocType; expected \"matroska\" or \"webm\""
                : $"the EBML document at offset {offset} is a \"{docType}\", not Matroska or WebM");
        }

        if (docTypeReadVersion > KnownVersion)
        {
            // Like FFmpeg: newer versions add elements, which are skipped, so reading usually works.
            onWarning?.Invoke($"Matroska: the file needs a Matroska version {docTypeReadVersion} reader (DocTypeReadVersion); this one knows version {KnownVersion}, and reads on");
        }

        return new MatroskaDocument(docType, docTypeReadVersion);
    }
}
