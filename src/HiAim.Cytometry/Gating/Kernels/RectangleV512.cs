using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Rectangle kernel, 16 floats per compare, 4 compares per 64-event word.</summary>
internal static class RectangleV512
{
    public static void Run(float[][] columns, float[] lo, float[] hi, ulong[] words, int count)
    {
        var dims = columns.Length;
        Span<Vector512<float>> los = stackalloc Vector512<float>[dims];
        Span<Vector512<float>> his = stackalloc Vector512<float>[dims];
        for (var d = 0; d < dims; d++)
        {
            los[d] = Vector512.Create(lo[d]);
            his[d] = Vector512.Create(hi[d]);
        }

        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            var bits = ulong.MaxValue;
            for (var d = 0; d < dims; d++)
            {
                ref var c = ref MemoryMarshal.GetArrayDataReference(columns[d]);
                bits &= Mask(ref c, start, los[d], his[d])
                    | (Mask(ref c, start + 16, los[d], his[d]) << 16)
                    | (Mask(ref c, start + 32, los[d], his[d]) << 32)
                    | (Mask(ref c, start + 48, los[d], his[d]) << 48);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = RectangleScalar.Word(columns, lo, hi, full << 6, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(ref float column, nuint offset, Vector512<float> lo, Vector512<float> hi)
    {
        var x = Vector512.LoadUnsafe(ref column, offset);
        return Vector512.ExtractMostSignificantBits(Vector512.GreaterThanOrEqual(x, lo) & Vector512.LessThanOrEqual(x, hi));
    }
}
