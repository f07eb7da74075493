using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Rectangle kernel, 8 floats per compare, 8 compares per 64-event word.</summary>
internal static class RectangleV256
{
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public static void Run(float[][] columns, float[] lo, float[] hi, ulong[] words, int count)
    {
        var dims = columns.Length;
        Span<Vector256<float>> los = stackalloc Vector256<float>[dims];
        Span<Vector256<float>> his = stackalloc Vector256<float>[dims];
        for (var d = 0; d < dims; d++)
        {
            los[d] = Vector256.Create(lo[d]);
            his[d] = Vector256.Create(hi[d]);
        }

        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            var bits = ulong.MaxValue;
            for (var d = 0; d < dims; d++)
            {
                ref var c = ref MemoryMarshal.GetArrayDataReference(columns[d]);
                ulong m = 0;
                for (var k = 0; k < 8; k++)
                {
                    m |= Mask(ref c, start + (nuint)(k * 8), los[d], his[d]) << (k * 8);
                }

                bits &= m;
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = RectangleScalar.Word(columns, lo, hi, full << 6, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(ref float column, nuint offset, Vector256<float> lo, Vector256<float> hi)
    {
        var x = Vector256.LoadUnsafe(ref column, offset);
        return Vector256.ExtractMostSignificantBits(Vector256.GreaterThanOrEqual(x, lo) & Vector256.LessThanOrEqual(x, hi));
    }
}
