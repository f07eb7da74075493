namespace HiAim.Cytometry.Events;

/// <summary>
/// Float columns (and population bitset words) reused across the samples of a batch, one pool per worker
/// thread: a fresh column of 100,000 events is a large-object allocation whose first touch page-faults, and
/// a cohort run would otherwise allocate (and fault in) hundreds of them; each population's bitset is
/// another 12.5 KB. <see cref="Rent"/> and <see cref="RentWords"/> hand out an array of exactly the requested
/// length with undefined contents; <see cref="Reset"/> makes every array handed out since the last reset
/// available again, so whatever still refers to them (an <see cref="EventMatrix"/>, a gating result's cached
/// dimensions and population members) must be finished with by then. Not thread-safe.
/// </summary>
internal sealed class ColumnPool
{
    private readonly Shelf<float> _columns = new();
    private readonly Shelf<ulong> _words = new();

    /// <summary>A column of <paramref name="length"/> floats, contents undefined.</summary>
    public float[] Rent(int length) => _columns.Rent(length);

    /// <summary>An array of <paramref name="length"/> bitset words, contents undefined.</summary>
    public ulong[] RentWords(int length) => _words.Rent(length);

    /// <summary>Takes back every rented array; arrays not rented since the previous reset are dropped (a
    /// batch whose event counts vary keeps only the last sample's set).</summary>
    public void Reset()
    {
        _columns.Reset();
        _words.Reset();
    }

    /// <summary>The arrays of one element type: [0, inUse) are rented, the rest free.</summary>
    private sealed class Shelf<T>
    {
        private readonly List<T[]> _arrays = [];
        private int _inUse;

        public T[] Rent(int length)
        {
            for (var i = _inUse; i < _arrays.Count; i++)
            {
                if (_arrays[i].Length == length)
                {
                    (_arrays[i], _arrays[_inUse]) = (_arrays[_inUse], _arrays[i]);
                    return _arrays[_inUse++];
                }
            }

            var array = GC.AllocateUninitializedArray<T>(length);
            _arrays.Insert(_inUse++, array);
            return array;
        }

        public void Reset()
        {
            _arrays.RemoveRange(_inUse, _arrays.Count - _inUse);
            _inUse = 0;
        }
    }
}
