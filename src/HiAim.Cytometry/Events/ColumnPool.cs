namespace HiAim.Cytometry.Events;

/// <summary>
/// Float columns reused across the samples of a batch, one pool per worker thread: a fresh column of
/// 100,000 events is a large-object allocation whose first touch page-faults, and a cohort run would
/// otherwise allocate (and fault in) hundreds of them. <see cref="Rent"/> hands out a column of exactly the
/// requested length with undefined contents; <see cref="Reset"/> makes every column handed out since the
/// last reset available again, so whatever still refers to them (an <see cref="EventMatrix"/>, a gating
/// result's cached dimensions) must be finished with by then. Not thread-safe.
/// </summary>
internal sealed class ColumnPool
{
    private readonly List<float[]> _columns = [];
    private int _inUse;

    /// <summary>A column of <paramref name="length"/> floats, contents undefined.</summary>
    public float[] Rent(int length)
    {
        for (var i = _inUse; i < _columns.Count; i++)
        {
            if (_columns[i].Length == length)
            {
                (_columns[i], _columns[_inUse]) = (_columns[_inUse], _columns[i]);
                return _columns[_inUse++];
            }
        }

        var column = GC.AllocateUninitializedArray<float>(length);
        _columns.Insert(_inUse++, column);
        return column;
    }

    /// <summary>Takes back every rented column; columns not rented since the previous reset are dropped (a
    /// batch whose event counts vary keeps only the last sample's set).</summary>
    public void Reset()
    {
        _columns.RemoveRange(_inUse, _columns.Count - _inUse);
        _inUse = 0;
    }
}
