using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

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
        if (lanes)
        {
            Words<InLaneSlabs>(x, y, edges, words, count);
        }
        else if (slabs)
        {
            Words<CrossLaneSlabs>(x, y, edges, words, count);
        }
        else
        {
            Words<EveryEdge>(x, y, edges, words, count);
        }
    }

    /// <summary>Whole 64-event words by <typeparamref name="TPair"/>, 16 events at a time; the last partial word by the scalar twin.</summary>
    private static void Words<TPair>(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count)
        where TPair : struct, IPairTest
    {
        ref var xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref var yr = ref MemoryMarshal.GetArrayDataReference(y);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            ulong bits = 0;
            for (var k = 0; k < 4; k++)
            {
                bits |= TPair.Test(ref xr, ref yr, start + (nuint)(k * 16), edges) << (k * 16);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = PolygonScalar.Word(x, y, edges, count & ~63, count);
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

    /// <summary>
    /// As <see cref="Pair"/>, testing each lane only against the edges of its y slab. Cross-lane
    /// (<typeparamref name="TInLane"/> off): slab index = number of slab bounds ≤ y, edges fetched from
    /// <see cref="PolygonEdges.SlabEdges"/> by <c>vpermps</c>; NaN and y below the polygon give 0, y at or above its
    /// top gives the bound count (8 reads as 0 through the 3-bit index): all-zero entries, never a crossing.
    /// In-lane (at most 4 slabs): only the interior bounds are counted, the edges come from
    /// <see cref="PolygonEdges.LaneSlabEdges"/> by the in-lane <c>vpermilps</c> (2-bit index), and lanes outside
    /// the polygon's y extent (or NaN) are cleared by one range mask instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SlabPair<TInLane>(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
        where TInLane : struct, IKernelFlag
    {
        var px0 = Vector256.LoadUnsafe(ref xr, offset);
        var py0 = Vector256.LoadUnsafe(ref yr, offset);
        var px1 = Vector256.LoadUnsafe(ref xr, offset + 8);
        var py1 = Vector256.LoadUnsafe(ref yr, offset + 8);
        var ys = edges.SlabYs;
        var in0 = Vector256<float>.AllBitsSet;
        var in1 = Vector256<float>.AllBitsSet;
        var first = 0;
        var last = ys.Length;
        if (TInLane.Value)
        {
            var bottom = Vector256.Create(ys[0]);
            var top = Vector256.Create(ys[^1]);
            in0 = Vector256.GreaterThanOrEqual(py0, bottom) & Vector256.LessThan(py0, top);
            in1 = Vector256.GreaterThanOrEqual(py1, bottom) & Vector256.LessThan(py1, top);
            first = 1;
            last = ys.Length - 1;
        }

        var slab0 = Vector256<int>.Zero;
        var slab1 = Vector256<int>.Zero;
        for (var i = first; i < last; i++)
        {
            var bound = Vector256.Create(ys[i]);
            slab0 -= Vector256.GreaterThanOrEqual(py0, bound).AsInt32(); // a true compare is −1
            slab1 -= Vector256.GreaterThanOrEqual(py1, bound).AsInt32();
        }

        var odd0 = Vector256<float>.Zero;
        var odd1 = Vector256<float>.Zero;
        ref var t = ref MemoryMarshal.GetArrayDataReference(TInLane.Value ? edges.LaneSlabEdges : edges.SlabEdges);
        var slots = edges.SlabSlots;
        for (var j = 0; j < slots; j++)
        {
            ref var e = ref Unsafe.Add(ref t, j * 32);
            var ax = Vector256.LoadUnsafe(ref e);
            var ay = Vector256.LoadUnsafe(ref e, 8);
            var dx = Vector256.LoadUnsafe(ref e, 16);
            var dy = Vector256.LoadUnsafe(ref e, 24);
            var west0 = Vector256.GreaterThan(
                Fetch<TInLane>(dx, slab0) * (py0 - Fetch<TInLane>(ay, slab0)),
                (px0 - Fetch<TInLane>(ax, slab0)) * Fetch<TInLane>(dy, slab0));
            var west1 = Vector256.GreaterThan(
                Fetch<TInLane>(dx, slab1) * (py1 - Fetch<TInLane>(ay, slab1)),
                (px1 - Fetch<TInLane>(ax, slab1)) * Fetch<TInLane>(dy, slab1));
            odd0 ^= west0;
            odd1 ^= west1;
        }

        if (TInLane.Value)
        {
            odd0 &= in0;
            odd1 &= in1;
        }

        return (ulong)Vector256.ExtractMostSignificantBits(odd0) | ((ulong)Vector256.ExtractMostSignificantBits(odd1) << 8);
    }

    /// <summary>Each lane's entry of a slab table row: in-lane <c>vpermilps</c> or cross-lane <c>vpermps</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fetch<TInLane>(Vector256<float> row, Vector256<int> slab)
        where TInLane : struct, IKernelFlag =>
        TInLane.Value ? Avx.PermuteVar(row, slab) : Avx2.PermuteVar8x32(row, slab);

    /// <summary>16 events' inside bits, one way of testing them.</summary>
    private interface IPairTest
    {
        static abstract ulong Test(ref float xr, ref float yr, nuint offset, PolygonEdges edges);
    }

    private readonly struct EveryEdge : IPairTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Test(ref float xr, ref float yr, nuint offset, PolygonEdges edges) => Pair(ref xr, ref yr, offset, edges);
    }

    private readonly struct CrossLaneSlabs : IPairTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Test(ref float xr, ref float yr, nuint offset, PolygonEdges edges) => SlabPair<FlagOff>(ref xr, ref yr, offset, edges);
    }

    private readonly struct InLaneSlabs : IPairTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Test(ref float xr, ref float yr, nuint offset, PolygonEdges edges) => SlabPair<FlagOn>(ref xr, ref yr, offset, edges);
    }
}
