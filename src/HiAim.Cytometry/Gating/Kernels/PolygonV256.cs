using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Polygon kernel: 8 events per vector, every edge broadcast, crossings accumulated by XOR.</summary>
internal static class PolygonV256
{
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public static void Run(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count)
    {
        ref var xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref var yr = ref MemoryMarshal.GetArrayDataReference(y);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            ulong bits = 0;
            for (var k = 0; k < 8; k++)
            {
                bits |= Block(ref xr, ref yr, start + (nuint)(k * 8), edges) << (k * 8);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = PolygonScalar.Word(x, y, edges, full << 6, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Block(ref float xr, ref float yr, nuint offset, PolygonEdges edges)
    {
        var px = Vector256.LoadUnsafe(ref xr, offset);
        var py = Vector256.LoadUnsafe(ref yr, offset);
        var odd = Vector256<float>.Zero;
        var lo = edges.Lo;
        var hi = edges.Hi;
        var ax = edges.Ax;
        var ay = edges.Ay;
        var dx = edges.Dx;
        var dy = edges.Dy;
        for (var k = 0; k < lo.Length; k++)
        {
            var inY = Vector256.GreaterThanOrEqual(py, Vector256.Create(lo[k])) & Vector256.LessThan(py, Vector256.Create(hi[k]));
            var west = Vector256.GreaterThan(Vector256.Create(dx[k]) * (py - Vector256.Create(ay[k])), (px - Vector256.Create(ax[k])) * Vector256.Create(dy[k]));
            odd ^= inY & west;
        }

        return Vector256.ExtractMostSignificantBits(odd);
    }
}
