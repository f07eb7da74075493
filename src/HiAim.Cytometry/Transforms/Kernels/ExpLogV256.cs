using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static HiAim.Cytometry.Transforms.Kernels.ExpLogCoefficients;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Float32 exp, expm1 and log on <see cref="Vector256{T}"/>: the operations of <see cref="ExpLogScalar"/>
/// lane by lane (Cody–Waite reduction, minimax polynomials, FMA), branch-free, with the same specials.
/// The <c>Core</c> forms skip the special-value handling for callers that know their argument range.
/// </summary>
internal static class ExpLogV256
{
    /// <summary>e^x (see <see cref="ExpLogScalar.Exp(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var c = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        var n = Reduce(c, out var em);
        var n1 = Vector256.ShiftRightArithmetic(n, 1);
        var s1 = Pow2(n1);
        var s2 = Pow2(n - n1);
        var r = Vector256.FusedMultiplyAdd(s1, em, s1) * s2;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x);
    }

    /// <summary>e^x − 1 (see <see cref="ExpLogScalar.Expm1(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Expm1(Vector256<float> x)
    {
        var big = Vector256.GreaterThan(x, Vector256.Create(Expm1Split));
        var r = Expm1Core(Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(Expm1Low)), Vector256.Create(Expm1Split)));
        if (big != Vector256<float>.Zero)
        {
            r = Vector256.ConditionalSelect(big, Exp(x) - Vector256<float>.One, r);
        }

        return Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x);
    }

    /// <summary>expm1 for x in [−88, 88] (see <see cref="ExpLogScalar.Expm1Core(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Expm1Core(Vector256<float> x)
    {
        var n = Reduce(x, out var em);
        var t = Pow2(n);
        return Vector256.FusedMultiplyAdd(t, em, t - Vector256<float>.One);
    }

    /// <summary>e^x for x in [−87, 88] (see <see cref="ExpLogScalar.ExpCore(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpCore(Vector256<float> x)
    {
        var n = Reduce(x, out var em);
        var t = Pow2(n);
        return Vector256.FusedMultiplyAdd(t, em, t);
    }

    /// <summary>ln x (see <see cref="ExpLogScalar.Log(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        var subnormal = Vector256.LessThan(x, Vector256.Create(MinNormal));
        var scaled = Vector256.ConditionalSelect(subnormal, x * Vector256.Create(TwoTo23), x);
        var r = LogCore(scaled, subnormal.AsInt32() & Vector256.Create(-23));

        // +∞ and NaN give themselves; negatives NaN; ±0 −∞ (the compare order keeps NaN inputs NaN).
        r = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(float.PositiveInfinity)) | ~Vector256.Equals(x, x), x, r);
        r = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(float.NaN), r);
        return Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), Vector256.Create(float.NegativeInfinity), r);
    }

    /// <summary>ln x + kOffset·ln 2 for positive, normal, finite x (see <see cref="ExpLogScalar.LogCore(float, int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LogCore(Vector256<float> x, Vector256<int> kOffset)
    {
        var bits = x.AsInt32();
        var tmp = bits - Vector256.Create(SqrtHalfBits);
        var k = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(tmp, 23) + kOffset);
        var f = (bits - (tmp & Vector256.Create(unchecked((int)0xFF800000)))).AsSingle() - Vector256<float>.One;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(R8), f, Vector256.Create(R7));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R6));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R5));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R4));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R3));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R2));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R1));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(R0));
        var f2 = f * f;
        var log1p = Vector256.FusedMultiplyAdd(f2, Vector256.FusedMultiplyAdd(f, p, Vector256.Create(-0.5f)), f);
        return Vector256.FusedMultiplyAdd(k, Vector256.Create(Ln2Hi), Vector256.FusedMultiplyAdd(k, Vector256.Create(Ln2Lo), log1p));
    }

    /// <summary>ln x for positive, normal, finite x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LogCore(Vector256<float> x) => LogCore(x, Vector256<int>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Reduce(Vector256<float> x, out Vector256<float> em)
    {
        var kf = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        var n = kf.AsInt32() - Vector256.Create(RoundMagic).AsInt32();
        var nf = kf - Vector256.Create(RoundMagic);
        var r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-Ln2Lo), r);
        var q = Vector256.FusedMultiplyAdd(Vector256.Create(Q5), r, Vector256.Create(Q4));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(Q3));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(Q2));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(Q1));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(Q0));
        em = Vector256.FusedMultiplyAdd(r * r, q, r);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pow2(Vector256<int> n) => Vector256.ShiftLeft(n + Vector256.Create(127), 23).AsSingle();

    public static void Exp(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
        {
            Exp(Vector256.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }

        ExpLogScalar.Exp(source[(int)i..], destination[(int)i..]);
    }

    public static void Expm1(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
        {
            Expm1(Vector256.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }

        ExpLogScalar.Expm1(source[(int)i..], destination[(int)i..]);
    }

    public static void Log(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
        {
            Log(Vector256.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }

        ExpLogScalar.Log(source[(int)i..], destination[(int)i..]);
    }
}
