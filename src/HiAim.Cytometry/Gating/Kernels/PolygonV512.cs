using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Polygon kernel: 16 events per vector, every edge broadcast, crossings accumulated by XOR.</summary>
internal static class PolygonV512
{
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    public static void Run(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count)
    {
        ref var xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref var yr = ref MemoryMarshal.GetArrayDataReference(y);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            words[w] = Block(ref xr, ref yr, start, edges)
                | (Block(ref xr, ref yr, start + 16, edges) << 16)
                | (Block(ref xr, ref yr, start + 32, edges) << 32)
                | (Block(ref xr, ref yr, start + 48, edges) << 48);
        }

        if ((count & 63) != 0)
        {
            words[full] = PolygonScalar.Word(x, y, edges, full << 6, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Block(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
    {
        var px = Vector512.LoadUnsafe(ref xr, offset);
        var py = Vector512.LoadUnsafe(ref yr, offset);
        var odd = Vector512<float>.Zero;
        var lo = edges.Lo;
        var hi = edges.Hi;
        var ax = edges.Ax;
        var ay = edges.Ay;
        var dx = edges.Dx;
        var dy = edges.Dy;
        for (var k = 0; k < lo.Length; k++)
        {
            var inY = Vector512.GreaterThanOrEqual(py, Vector512.Create(lo[k])) & Vector512.LessThan(py, Vector512.Create(hi[k]));
            var west = Vector512.GreaterThan(Vector512.Create(dx[k]) * (py - Vector512.Create(ay[k])), (px - Vector512.Create(ax[k])) * Vector512.Create(dy[k]));
            odd ^= inY & west;
        }

        return Vector512.ExtractMostSignificantBits(odd);
    }
}
