using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Polygon kernel: 16 events per vector, two vectors per pass over the edges (edge parameters
/// broadcast once for both), crossings accumulated by XOR. Same per-lane operations as
/// <see cref="PolygonScalar.Inside"/>.
/// </summary>
internal static class PolygonV512
{
    public static void Run(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count)
    {
        ref var xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref var yr = ref MemoryMarshal.GetArrayDataReference(y);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            ulong bits = 0;
            for (var k = 0; k < 2; k++)
            {
                bits |= Pair(ref xr, ref yr, start + (nuint)(k * 32), edges) << (k * 32);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = PolygonScalar.Word(x, y, edges, full << 6, count);
        }
    }

    /// <summary>32 events starting at <paramref name="offset"/>: bit i set when event offset + i is inside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pair(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
    {
        var px0 = Vector512.LoadUnsafe(ref xr, offset);
        var py0 = Vector512.LoadUnsafe(ref yr, offset);
        var px1 = Vector512.LoadUnsafe(ref xr, offset + 16);
        var py1 = Vector512.LoadUnsafe(ref yr, offset + 16);
        var odd0 = Vector512<float>.Zero;
        var odd1 = Vector512<float>.Zero;
        ref var e = ref MemoryMarshal.GetArrayDataReference(edges.Packed);
        var n = edges.Count;
        for (var k = 0; k < n; k++)
        {
            ref var p = ref Unsafe.Add(ref e, k * PolygonEdges.Stride);
            var lo = Vector512.Create(p);
            var hi = Vector512.Create(Unsafe.Add(ref p, 1));
            var ax = Vector512.Create(Unsafe.Add(ref p, 2));
            var ay = Vector512.Create(Unsafe.Add(ref p, 3));
            var dx = Vector512.Create(Unsafe.Add(ref p, 4));
            var dy = Vector512.Create(Unsafe.Add(ref p, 5));
            var in0 = Vector512.GreaterThanOrEqual(py0, lo) & Vector512.LessThan(py0, hi);
            var in1 = Vector512.GreaterThanOrEqual(py1, lo) & Vector512.LessThan(py1, hi);
            var west0 = Vector512.GreaterThan(dx * (py0 - ay), (px0 - ax) * dy);
            var west1 = Vector512.GreaterThan(dx * (py1 - ay), (px1 - ax) * dy);
            odd0 ^= in0 & west0;
            odd1 ^= in1 & west1;
        }

        return (ulong)Vector512.ExtractMostSignificantBits(odd0) | ((ulong)Vector512.ExtractMostSignificantBits(odd1) << 16);
    }
}
