namespace Uplink.Codecs;

/// <summary>
/// Allocation-free enumerator over the NAL units of an Annex-B buffer; see <see cref="AnnexB.EnumerateNalUnits"/>.
/// </summary>
public ref struct NalUnitEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private bool _finished;

    internal NalUnitEnumerator(ReadOnlySpan<byte> data)
    {
        int first = data.IndexOf(AnnexB.StartCode);
        _finished = first < 0;
        _remaining = _finished ? default : data[(first + 3)..];
        Current = default;
    }

    /// <summary>The current NAL unit, starting with its NAL header byte.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Returns this enumerator, so that it works in <c>foreach</c>.</summary>
    public readonly NalUnitEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next non-empty NAL unit.</summary>
    public bool MoveNext()
    {
        while (!_finished)
        {
            ReadOnlySpan<byte> nal;
            int next = _remaining.IndexOf(AnnexB.StartCode);
            if (next < 0)
            {
                nal = _remaining;
                _remaining = default;
                _finished = true;
            }
            else
            {
                nal = _remaining[..next];
                _remaining = _remaining[(next + 3)..];
            }

            nal = nal.TrimEnd((byte)0);
            if (!nal.IsEmpty)
            {
                Current = nal;
                return true;
            }
        }

        return false;
    }
}
