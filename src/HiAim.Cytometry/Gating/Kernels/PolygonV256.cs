using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Polygon kernel: 8 events per vector, two vectors per pass over the edges (edge parameters
/// broadcast once for both), crossings accumulated by XOR. Same per-lane operations as
/// <see cref="PolygonScalar.Inside"/>. With at most 8 distinct vertex y values (most gates) each lane
/// first finds its y slab and tests only the edges spanning it, fetched per lane by a permute
/// (<see cref="PolygonEdges.SlabEdges"/>): an 8-vertex star costs 2 edge tests per event instead of 8.
/// Edges outside an event's y band never cross, so the crossing parity is the same.
/// </summary>
internal static class PolygonV256
{
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public static void Run(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count) =>
        Run(x, y, edges, words, count, slabs: Avx2.IsSupported && edges.SlabYs.Length > 0, lanes: Avx2.IsSupported && edges.LaneSlabEdges.Length > 0);

    /// <summary>Every edge for every event (no slab lookup): the path for polygons with many distinct y values.</summary>
    public static void RunEdges(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count) =>
        Run(x, y, edges, words, count, slabs: false, lanes: false);

    /// <summary>The cross-lane slab lookup even where the in-lane one applies (so tests cover both).</summary>
    public static void RunSlabs(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count) =>
        Run(x, y, edges, words, count, slabs: Avx2.IsSupported && edges.SlabYs.Length > 0, lanes: false);

    private static void Run(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count, bool slabs, bool lanes)
    {
        ref var xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref var yr = ref MemoryMarshal.GetArrayDataReference(y);
        var full = count >> 6;
        if (lanes)
        {
            for (var w = 0; w < full; w++)
            {
                var start = (nuint)(w << 6);
                ulong bits = 0;
                for (var k = 0; k < 4; k++)
                {
                    bits |= LanePair(ref xr, ref yr, start + (nuint)(k * 16), edges) << (k * 16);
                }

                words[w] = bits;
            }

            full = 0;
        }
        else if (slabs)
        {
            for (var w = 0; w < full; w++)
            {
                var start = (nuint)(w << 6);
                ulong bits = 0;
                for (var k = 0; k < 4; k++)
                {
                    bits |= SlabPair(ref xr, ref yr, start + (nuint)(k * 16), edges) << (k * 16);
                }

                words[w] = bits;
            }

            full = 0;
        }

        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            ulong bits = 0;
            for (var k = 0; k < 4; k++)
            {
                bits |= Pair(ref xr, ref yr, start + (nuint)(k * 16), edges) << (k * 16);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[count >> 6] = PolygonScalar.Word(x, y, edges, count & ~63, count);
        }
    }

    /// <summary>16 events starting at <paramref name="offset"/>: bit i set when event offset + i is inside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pair(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
    {
        var px0 = Vector256.LoadUnsafe(ref xr, offset);
        var py0 = Vector256.LoadUnsafe(ref yr, offset);
        var px1 = Vector256.LoadUnsafe(ref xr, offset + 8);
        var py1 = Vector256.LoadUnsafe(ref yr, offset + 8);
        var odd0 = Vector256<float>.Zero;
        var odd1 = Vector256<float>.Zero;
        ref var e = ref MemoryMarshal.GetArrayDataReference(edges.Packed);
        var n = edges.Count;
        for (var k = 0; k < n; k++)
        {
            ref var p = ref Unsafe.Add(ref e, k * PolygonEdges.Stride);
            var lo = Vector256.Create(p);
            var hi = Vector256.Create(Unsafe.Add(ref p, 1));
            var ax = Vector256.Create(Unsafe.Add(ref p, 2));
            var ay = Vector256.Create(Unsafe.Add(ref p, 3));
            var dx = Vector256.Create(Unsafe.Add(ref p, 4));
            var dy = Vector256.Create(Unsafe.Add(ref p, 5));
            var in0 = Vector256.GreaterThanOrEqual(py0, lo) & Vector256.LessThan(py0, hi);
            var in1 = Vector256.GreaterThanOrEqual(py1, lo) & Vector256.LessThan(py1, hi);
            var west0 = Vector256.GreaterThan(dx * (py0 - ay), (px0 - ax) * dy);
            var west1 = Vector256.GreaterThan(dx * (py1 - ay), (px1 - ax) * dy);
            odd0 ^= in0 & west0;
            odd1 ^= in1 & west1;
        }

        return (ulong)Vector256.ExtractMostSignificantBits(odd0) | ((ulong)Vector256.ExtractMostSignificantBits(odd1) << 8);
    }

    /// <summary>As <see cref="Pair"/>, testing each lane only against the edges of its y slab.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SlabPair(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
    {
        var px0 = Vector256.LoadUnsafe(ref xr, offset);
        var py0 = Vector256.LoadUnsafe(ref yr, offset);
        var px1 = Vector256.LoadUnsafe(ref xr, offset + 8);
        var py1 = Vector256.LoadUnsafe(ref yr, offset + 8);

        // Slab index = number of slab bounds ≤ y (a true compare is −1 as an integer). NaN and y below the
        // polygon give 0, y at or above its top gives the bound count (8 reads as 0 through the 3-bit permute
        // index): table entries that are all zero, never a crossing.
        var ys = edges.SlabYs;
        var slab0 = Vector256<int>.Zero;
        var slab1 = Vector256<int>.Zero;
        for (var i = 0; i < ys.Length; i++)
        {
            var bound = Vector256.Create(ys[i]);
            slab0 -= Vector256.GreaterThanOrEqual(py0, bound).AsInt32();
            slab1 -= Vector256.GreaterThanOrEqual(py1, bound).AsInt32();
        }

        var odd0 = Vector256<float>.Zero;
        var odd1 = Vector256<float>.Zero;
        ref var t = ref MemoryMarshal.GetArrayDataReference(edges.SlabEdges);
        var slots = edges.SlabSlots;
        for (var j = 0; j < slots; j++)
        {
            ref var e = ref Unsafe.Add(ref t, j * 32);
            var ax = Vector256.LoadUnsafe(ref e);
            var ay = Vector256.LoadUnsafe(ref e, 8);
            var dx = Vector256.LoadUnsafe(ref e, 16);
            var dy = Vector256.LoadUnsafe(ref e, 24);
            var west0 = Vector256.GreaterThan(
                Avx2.PermuteVar8x32(dx, slab0) * (py0 - Avx2.PermuteVar8x32(ay, slab0)),
                (px0 - Avx2.PermuteVar8x32(ax, slab0)) * Avx2.PermuteVar8x32(dy, slab0));
            var west1 = Vector256.GreaterThan(
                Avx2.PermuteVar8x32(dx, slab1) * (py1 - Avx2.PermuteVar8x32(ay, slab1)),
                (px1 - Avx2.PermuteVar8x32(ax, slab1)) * Avx2.PermuteVar8x32(dy, slab1));
            odd0 ^= west0;
            odd1 ^= west1;
        }

        return (ulong)Vector256.ExtractMostSignificantBits(odd0) | ((ulong)Vector256.ExtractMostSignificantBits(odd1) << 8);
    }

    /// <summary>
    /// As <see cref="SlabPair"/> for at most 4 slabs: the edge parameters are fetched by the in-lane
    /// permute (vpermilps, 2-bit index) from <see cref="PolygonEdges.LaneSlabEdges"/>, and lanes outside
    /// the polygon's y extent (or NaN) are cleared by one range mask instead of all-zero table entries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LanePair(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
    {
        var px0 = Vector256.LoadUnsafe(ref xr, offset);
        var py0 = Vector256.LoadUnsafe(ref yr, offset);
        var px1 = Vector256.LoadUnsafe(ref xr, offset + 8);
        var py1 = Vector256.LoadUnsafe(ref yr, offset + 8);
        var ys = edges.SlabYs;
        var bottom = Vector256.Create(ys[0]);
        var top = Vector256.Create(ys[^1]);
        var in0 = Vector256.GreaterThanOrEqual(py0, bottom) & Vector256.LessThan(py0, top);
        var in1 = Vector256.GreaterThanOrEqual(py1, bottom) & Vector256.LessThan(py1, top);
        var slab0 = Vector256<int>.Zero;
        var slab1 = Vector256<int>.Zero;
        for (var i = 1; i < ys.Length - 1; i++)
        {
            var bound = Vector256.Create(ys[i]);
            slab0 -= Vector256.GreaterThanOrEqual(py0, bound).AsInt32();
            slab1 -= Vector256.GreaterThanOrEqual(py1, bound).AsInt32();
        }

        var odd0 = Vector256<float>.Zero;
        var odd1 = Vector256<float>.Zero;
        ref var t = ref MemoryMarshal.GetArrayDataReference(edges.LaneSlabEdges);
        var slots = edges.SlabSlots;
        for (var j = 0; j < slots; j++)
        {
            ref var e = ref Unsafe.Add(ref t, j * 32);
            var ax = Vector256.LoadUnsafe(ref e);
            var ay = Vector256.LoadUnsafe(ref e, 8);
            var dx = Vector256.LoadUnsafe(ref e, 16);
            var dy = Vector256.LoadUnsafe(ref e, 24);
            var west0 = Vector256.GreaterThan(
                Avx.PermuteVar(dx, slab0) * (py0 - Avx.PermuteVar(ay, slab0)),
                (px0 - Avx.PermuteVar(ax, slab0)) * Avx.PermuteVar(dy, slab0));
            var west1 = Vector256.GreaterThan(
                Avx.PermuteVar(dx, slab1) * (py1 - Avx.PermuteVar(ay, slab1)),
                (px1 - Avx.PermuteVar(ax, slab1)) * Avx.PermuteVar(dy, slab1));
            odd0 ^= west0;
            odd1 ^= west1;
        }

        odd0 &= in0;
        odd1 &= in1;
        return (ulong)Vector256.ExtractMostSignificantBits(odd0) | ((ulong)Vector256.ExtractMostSignificantBits(odd1) << 8);
    }
}
