using System.Runtime.CompilerServices;
using static HiAim.Cytometry.Transforms.Kernels.ExpLogCoefficients;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Scalar twin of the float32 exp, expm1 and log kernels: the same operations, in the same order and
/// with the same fused multiply-adds as <see cref="ExpLogV256"/> and <see cref="ExpLogV512"/>, one float
/// at a time (so the SIMD variants must match it bit for bit). Specials: exp(NaN) = NaN, exp(+∞) = +∞,
/// exp(−∞) = 0, overflow to +∞ above ln(float.MaxValue), gradual underflow through the subnormals;
/// expm1 likewise with −1 for large negative x; log(NaN) = NaN, log(x &lt; 0) = NaN, log(±0) = −∞,
/// log(+∞) = +∞, subnormal arguments exact.
/// </summary>
internal static class ExpLogScalar
{
    /// <summary>e^x, within about 1 ulp over the whole float range.</summary>
    public static float Exp(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        var c = Math.Min(Math.Max(x, ExpLow), ExpHigh);
        var (n, em) = Reduce(c);

        // 2^n as 2^n1 · 2^n2 (n1 = n >> 1) so both factors are normal for n in [−150, 129]; the second
        // multiply rounds once into the subnormals or overflows to +∞.
        var n1 = n >> 1;
        var s1 = Pow2(n1);
        var s2 = Pow2(n - n1);
        return MathF.FusedMultiplyAdd(s1, em, s1) * s2;
    }

    /// <summary>e^x − 1, within about 1 ulp over the whole float range (no cancellation near 0).</summary>
    public static float Expm1(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        if (x > Expm1Split)
        {
            return Exp(x) - 1;
        }

        return Expm1Core(Math.Max(x, Expm1Low));
    }

    /// <summary>expm1 for x in [−88, 88] (not NaN): 2^n·em + (2^n − 1), one rounding for |n| ≤ 24.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Expm1Core(float x)
    {
        var (n, em) = Reduce(x);
        var t = Pow2(n);
        return MathF.FusedMultiplyAdd(t, em, t - 1);
    }

    /// <summary>e^x for x in [−87, 88] (normal results, not NaN): (1 + em)·2^n with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ExpCore(float x)
    {
        var (n, em) = Reduce(x);
        var t = Pow2(n);
        return MathF.FusedMultiplyAdd(t, em, t);
    }

    /// <summary>Natural logarithm, within about 1 ulp over the whole float range.</summary>
    public static float Log(float x)
    {
        if (float.IsNaN(x) || x == float.PositiveInfinity)
        {
            return x;
        }

        if (x < 0)
        {
            return float.NaN;
        }

        if (x == 0)
        {
            return float.NegativeInfinity;
        }

        var subnormal = x < MinNormal;
        return LogCore(subnormal ? x * TwoTo23 : x, subnormal ? -23 : 0);
    }

    /// <summary>ln x + kOffset·ln 2 for positive, normal, finite x (kOffset = −23 undoes a 2^23 pre-scaling).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LogCore(float x, int kOffset = 0)
    {
        var bits = BitConverter.SingleToInt32Bits(x);
        var tmp = bits - SqrtHalfBits;
        var k = (float)((tmp >> 23) + kOffset);
        var f = BitConverter.Int32BitsToSingle(bits - (tmp & unchecked((int)0xFF800000))) - 1;
        var p = MathF.FusedMultiplyAdd(R8, f, R7);
        p = MathF.FusedMultiplyAdd(p, f, R6);
        p = MathF.FusedMultiplyAdd(p, f, R5);
        p = MathF.FusedMultiplyAdd(p, f, R4);
        p = MathF.FusedMultiplyAdd(p, f, R3);
        p = MathF.FusedMultiplyAdd(p, f, R2);
        p = MathF.FusedMultiplyAdd(p, f, R1);
        p = MathF.FusedMultiplyAdd(p, f, R0);
        var f2 = f * f;
        var log1p = MathF.FusedMultiplyAdd(f2, MathF.FusedMultiplyAdd(f, p, -0.5f), f);
        return MathF.FusedMultiplyAdd(k, Ln2Hi, MathF.FusedMultiplyAdd(k, Ln2Lo, log1p));
    }

    /// <summary>x = n·ln2 + r, |r| ≤ ln2/2 (Cody–Waite); returns n and em = expm1(r).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int N, float Em) Reduce(float x)
    {
        var kf = MathF.FusedMultiplyAdd(x, Log2E, RoundMagic);
        var n = BitConverter.SingleToInt32Bits(kf) - BitConverter.SingleToInt32Bits(RoundMagic);
        var nf = kf - RoundMagic;
        var r = MathF.FusedMultiplyAdd(nf, -Ln2Hi, x);
        r = MathF.FusedMultiplyAdd(nf, -Ln2Lo, r);
        var q = MathF.FusedMultiplyAdd(Q5, r, Q4);
        q = MathF.FusedMultiplyAdd(q, r, Q3);
        q = MathF.FusedMultiplyAdd(q, r, Q2);
        q = MathF.FusedMultiplyAdd(q, r, Q1);
        q = MathF.FusedMultiplyAdd(q, r, Q0);
        return (n, MathF.FusedMultiplyAdd(r * r, q, r));
    }

    /// <summary>2^n for n in [−127, 127] (n = −127 gives +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Pow2(int n) => BitConverter.Int32BitsToSingle((n + 127) << 23);

    public static void Exp(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = Exp(source[i]);
        }
    }

    public static void Expm1(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = Expm1(source[i]);
        }
    }

    public static void Log(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = Log(source[i]);
        }
    }
}
