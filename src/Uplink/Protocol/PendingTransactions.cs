namespace Uplink.Protocol;

/// <summary>Commands sent with a transaction id, waiting for their <c>_result</c> or <c>_error</c>. Ids start at 1 and
/// never repeat on a connection; 0 means "no reply expected".</summary>
internal sealed class PendingTransactions<TReply>
{
    private readonly Dictionary<double, TaskCompletionSource<TReply>> _pending = [];
    private double _next = 1;

    /// <summary>Opens a transaction: its id, and the task its reply completes.</summary>
    public double Begin(out Task<TReply> reply)
    {
        var tcs = new TaskCompletionSource<TReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        reply = tcs.Task;
        lock (_pending)
        {
            double id = _next++;
            _pending[id] = tcs;
            return id;
        }
    }

    /// <summary>Completes a transaction; false for an id that is not open (unknown, or already answered).</summary>
    public bool TryComplete(double id, TReply reply)
    {
        TaskCompletionSource<TReply>? tcs;
        lock (_pending)
        {
            if (!_pending.Remove(id, out tcs))
            {
                return false;
            }
        }

        return tcs.TrySetResult(reply);
    }

    /// <summary>Fails every open transaction with <paramref name="error"/>.</summary>
    public void FailAll(Exception error)
    {
        lock (_pending)
        {
            foreach (TaskCompletionSource<TReply> tcs in _pending.Values)
            {
                tcs.TrySetException(error);
            }

            _pending.Clear();
        }
    }
}
