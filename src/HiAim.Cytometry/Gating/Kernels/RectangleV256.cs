using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Rectangle kernel, 8 floats per compare. With AVX2, the compare masks of 32 events are packed into one byte
/// mask (two saturating packs and a dword permute, one <c>vpmovmskb</c>) instead of 4 float movemasks shifted
/// into place; an open bound (−∞ or +∞) skips its compare, which NaN would fail anyway (both open: x = x).
/// </summary>
internal static class RectangleV256
{
    public static void Run(float[][] columns, float[] lo, float[] hi, ulong[] words, int count)
    {
        var dims = columns.Length;
        Span<Vector256<float>> los = stackalloc Vector256<float>[dims];
        Span<Vector256<float>> his = stackalloc Vector256<float>[dims];
        Span<int> kinds = stackalloc int[dims];
        for (var d = 0; d < dims; d++)
        {
            los[d] = Vector256.Create(lo[d]);
            his[d] = Vector256.Create(hi[d]);
            kinds[d] = (float.IsNegativeInfinity(lo[d]) ? 0 : 1) | (float.IsPositiveInfinity(hi[d]) ? 0 : 2);
        }

        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            var start = (nuint)(w << 6);
            var bits = ulong.MaxValue;
            for (var d = 0; d < dims; d++)
            {
                ref var c = ref MemoryMarshal.GetArrayDataReference(columns[d]);
                bits &= Avx2.IsSupported
                    ? Word(ref c, start, los[d], his[d], kinds[d])
                    : WordPortable(ref c, start, los[d], his[d]);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = RectangleScalar.Word(columns, lo, hi, full << 6, count);
        }
    }

    /// <summary>64 events from <paramref name="start"/>: two packed 32-event byte masks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(ref float column, nuint start, Vector256<float> lo, Vector256<float> hi, int kind) => kind switch
    {
        3 => Pack32(ref column, start, lo, hi, new Both()) | ((ulong)Pack32(ref column, start + 32, lo, hi, new Both()) << 32),
        1 => Pack32(ref column, start, lo, hi, new LowOnly()) | ((ulong)Pack32(ref column, start + 32, lo, hi, new LowOnly()) << 32),
        2 => Pack32(ref column, start, lo, hi, new HighOnly()) | ((ulong)Pack32(ref column, start + 32, lo, hi, new HighOnly()) << 32),
        _ => Pack32(ref column, start, lo, hi, new Neither()) | ((ulong)Pack32(ref column, start + 32, lo, hi, new Neither()) << 32),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Pack32<TTest>(ref float column, nuint start, Vector256<float> lo, Vector256<float> hi, TTest test)
        where TTest : struct, IRangeTest
    {
        var m0 = test.In(Vector256.LoadUnsafe(ref column, start), lo, hi).AsInt32();
        var m1 = test.In(Vector256.LoadUnsafe(ref column, start + 8), lo, hi).AsInt32();
        var m2 = test.In(Vector256.LoadUnsafe(ref column, start + 16), lo, hi).AsInt32();
        var m3 = test.In(Vector256.LoadUnsafe(ref column, start + 24), lo, hi).AsInt32();

        // Per 128-bit lane the packs interleave halves: dwords [m0a m1a m2a m3a | m0b m1b m2b m3b] (a = events
        // 0-3 of a vector, b = 4-7); the permute puts each vector's halves back together, in event order.
        var bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(m0, m1), Avx2.PackSignedSaturate(m2, m3));
        var ordered = Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7));
        return (uint)Avx2.MoveMask(ordered.AsByte());
    }

    /// <summary>Without AVX2 (a Vector256 that is accelerated some other way): one float movemask per 8 events.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WordPortable(ref float column, nuint start, Vector256<float> lo, Vector256<float> hi)
    {
        ulong m = 0;
        for (var k = 0; k < 8; k++)
        {
            m |= new Both().In(Vector256.LoadUnsafe(ref column, start + (nuint)(k * 8)), lo, hi).ExtractMostSignificantBits() << (k * 8);
        }

        return m;
    }

    /// <summary>The range test per lane: all ones when in.</summary>
    private interface IRangeTest
    {
        Vector256<float> In(Vector256<float> x, Vector256<float> lo, Vector256<float> hi);
    }

    private readonly struct Both : IRangeTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> In(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) =>
            Vector256.GreaterThanOrEqual(x, lo) & Vector256.LessThanOrEqual(x, hi);
    }

    private readonly struct LowOnly : IRangeTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> In(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) => Vector256.GreaterThanOrEqual(x, lo);
    }

    private readonly struct HighOnly : IRangeTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> In(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) => Vector256.LessThanOrEqual(x, hi);
    }

    private readonly struct Neither : IRangeTest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> In(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) => Vector256.Equals(x, x);
    }
}
