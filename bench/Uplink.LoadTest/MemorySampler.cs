using System.Diagnostics;

namespace Uplink.LoadTest;

/// <summary>Keeps the highest working set, private memory and managed heap seen at each <see cref="Sample"/>.</summary>
internal sealed class MemorySampler
{
    private readonly Process _process = Process.GetCurrentProcess();

    public long PeakWorkingSet { get; private set; }

    public long PeakPrivate { get; private set; }

    public long PeakManagedHeap { get; private set; }

    /// <summary>The working set and managed heap after a full collection: the baseline before the writers exist.</summary>
    public (long WorkingSet, long ManagedHeap) Baseline()
    {
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        _process.Refresh();
        return (_process.WorkingSet64, heap);
    }

    public void Sample()
    {
        _process.Refresh();
        PeakWorkingSet = Math.Max(PeakWorkingSet, _process.WorkingSet64);
        PeakPrivate = Math.Max(PeakPrivate, _process.PrivateMemorySize64);
        PeakManagedHeap = Math.Max(PeakManagedHeap, GC.GetTotalMemory(forceFullCollection: false));
    }

    public TimeSpan TotalProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }
}
