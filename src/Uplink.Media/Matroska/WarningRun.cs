namespace Uplink.Media.Matroska;

/// <summary>
/// Tracks a run of like problems frame after frame (timestamps gone wild after damage): the first is warned at once, the
/// rest counted and warned as one line when the run ends, so a damaged file does not flood the warnings.
/// </summary>
internal struct WarningRun
{
    private bool _inRun;
    private int _more;

    /// <summary>Notes one more problem; true when it starts a run (then the caller warns about it).</summary>
    public bool Add()
    {
        if (_inRun)
        {
            _more++;
            return false;
        }

        _inRun = true;
        return true;
    }

    /// <summary>Ends the run; returns how many problems after its first went unreported.</summary>
    public int End()
    {
        int more = _more;
        _inRun = false;
        _more = 0;
        return more;
    }
}
