using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>
/// Splits one column's rows into a short scalar head, a run of whole vectors that starts on a vector-aligned
/// address (so the kernels can use aligned non-temporal stores), and a short scalar tail. Columns of one matrix
/// have different alignments, so each channel gets its own head length (0..lanes-1).
/// </summary>
internal static class FcsAlignedRun
{
    /// <summary>Floats before <paramref name="column"/> reaches a <paramref name="lanes"/>×4-byte boundary.</summary>
    public static unsafe int Head(float* column, int lanes) => (int)((-(nint)column & ((lanes * 4) - 1)) >> 2);

    /// <summary>The vector rows [lo, hi) of block <paramref name="block"/> (a multiple of the block size) for a
    /// pinned column whose row 0 is at <paramref name="column"/>; <paramref name="events"/> rows may be read.</summary>
    public static unsafe (int Lo, int Hi) Block(float* column, int lanes, int block, int events)
    {
        var head = Head(column, lanes);
        var end = events <= head ? head : head + ((events - head) & ~(lanes - 1));
        var lo = block + head;
        return (lo, Math.Min(lo + FcsBlock.Events, end));
    }

    /// <summary>The head [0, head) and the start of the tail [tail, …) left to scalar code for one pinned column.</summary>
    public static unsafe (int Head, int Tail) Edges(float* column, int lanes, int events)
    {
        var head = Head(column, lanes);
        return events <= head ? (events, events) : (head, head + ((events - head) & ~(lanes - 1)));
    }
}

/// <summary>Pins every output column for the duration of a kernel call, so the per-column alignment used by the
/// vector run and by the scalar head/tail is the same even if a GC runs in between.</summary>
internal sealed unsafe class FcsPinnedColumns : IDisposable
{
    private readonly System.Runtime.InteropServices.GCHandle[] _handles;
    private readonly nint[] _rows;

    public FcsPinnedColumns(float[][] columns, int count, int firstRow)
    {
        _handles = new System.Runtime.InteropServices.GCHandle[count];
        _rows = new nint[count];
        for (var c = 0; c < count; c++)
        {
            _handles[c] = System.Runtime.InteropServices.GCHandle.Alloc(columns[c], System.Runtime.InteropServices.GCHandleType.Pinned);
            _rows[c] = _handles[c].AddrOfPinnedObject() + (firstRow * (nint)sizeof(float));
        }
    }

    /// <summary>Address of row <c>firstRow</c> of column <paramref name="channel"/>.</summary>
    public float* Row(int channel) => (float*)_rows[channel];

    public void Dispose()
    {
        foreach (var h in _handles)
        {
            if (h.IsAllocated)
            {
                h.Free();
            }
        }
    }
}

/// <summary>Block size shared by all kernels.</summary>
internal static class FcsBlock
{
    /// <summary>Events decoded per block: the block's bytes stay in L1 while each channel is gathered from it.</summary>
    public const int Events = 256;

    /// <summary>Output of one decode call above which the vector kernels store non-temporally (past the caches):
    /// a whole-file decode would evict what it wrote before anything reads it, whereas a small chunk is read
    /// again at once by whoever asked for it (gating's compensation and transforms) and should stay cached.</summary>
    public const long NonTemporalBytes = 512 << 10;

    /// <summary>Whether a call decoding <paramref name="events"/> rows of <paramref name="channels"/> columns stores non-temporally.</summary>
    public static bool NonTemporal(int events, int channels) => (long)events * channels * sizeof(float) > NonTemporalBytes;

    /// <summary>Stores one vector at an aligned address, past the caches or not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(float* address, Vector256<float> value, bool nonTemporal)
    {
        if (nonTemporal)
        {
            Avx.StoreAlignedNonTemporal(address, value);
        }
        else
        {
            Avx.StoreAligned(address, value);
        }
    }
}
