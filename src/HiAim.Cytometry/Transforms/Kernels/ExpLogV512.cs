using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static HiAim.Cytometry.Transforms.Kernels.ExpLogCoefficients;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Float32 exp, expm1 and log on <see cref="Vector512{T}"/>: the operations of <see cref="ExpLogScalar"/>
/// lane by lane (Cody–Waite reduction, minimax polynomials, FMA), branch-free, with the same specials.
/// The <c>Core</c> forms skip the special-value handling for callers that know their argument range.
/// </summary>
internal static class ExpLogV512
{
    /// <summary>e^x (see <see cref="ExpLogScalar.Exp(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var c = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        var n = Reduce(c, out var em);
        var n1 = Vector512.ShiftRightArithmetic(n, 1);
        var s1 = Pow2(n1);
        var s2 = Pow2(n - n1);
        var r = Vector512.FusedMultiplyAdd(s1, em, s1) * s2;
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x);
    }

    /// <summary>e^x − 1 (see <see cref="ExpLogScalar.Expm1(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Expm1(Vector512<float> x)
    {
        var big = Vector512.GreaterThan(x, Vector512.Create(Expm1Split));
        var r = Expm1Core(Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(Expm1Low)), Vector512.Create(Expm1Split)));
        if (big != Vector512<float>.Zero)
        {
            r = Vector512.ConditionalSelect(big, Exp(x) - Vector512<float>.One, r);
        }

        return Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x);
    }

    /// <summary>expm1 for x in [−88, 88] (see <see cref="ExpLogScalar.Expm1Core(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Expm1Core(Vector512<float> x)
    {
        var n = Reduce(x, out var em);
        var t = Pow2(n);
        return Vector512.FusedMultiplyAdd(t, em, t - Vector512<float>.One);
    }

    /// <summary>e^x for x in [−87, 88] (see <see cref="ExpLogScalar.ExpCore(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpCore(Vector512<float> x)
    {
        var n = Reduce(x, out var em);
        var t = Pow2(n);
        return Vector512.FusedMultiplyAdd(t, em, t);
    }

    /// <summary>ln x (see <see cref="ExpLogScalar.Log(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> x)
    {
        var subnormal = Vector512.LessThan(x, Vector512.Create(MinNormal));
        var scaled = Vector512.ConditionalSelect(subnormal, x * Vector512.Create(TwoTo23), x);
        var r = LogCore(scaled, subnormal.AsInt32() & Vector512.Create(-23));

        // +∞ and NaN give themselves; negatives NaN; ±0 −∞ (the compare order keeps NaN inputs NaN).
        r = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512.Create(float.PositiveInfinity)) | ~Vector512.Equals(x, x), x, r);
        r = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512.Create(float.NaN), r);
        return Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<float>.Zero), Vector512.Create(float.NegativeInfinity), r);
    }

    /// <summary>ln x + kOffset·ln 2 for positive, normal, finite x (see <see cref="ExpLogScalar.LogCore(float, int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LogCore(Vector512<float> x, Vector512<int> kOffset)
    {
        var bits = x.AsInt32();
        var tmp = bits - Vector512.Create(SqrtHalfBits);
        var k = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(tmp, 23) + kOffset);
        var f = (bits - (tmp & Vector512.Create(unchecked((int)0xFF800000)))).AsSingle() - Vector512<float>.One;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(R8), f, Vector512.Create(R7));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R6));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R5));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R4));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R3));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R2));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R1));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(R0));
        var f2 = f * f;
        var log1p = Vector512.FusedMultiplyAdd(f2, Vector512.FusedMultiplyAdd(f, p, Vector512.Create(-0.5f)), f);
        return Vector512.FusedMultiplyAdd(k, Vector512.Create(Ln2Hi), Vector512.FusedMultiplyAdd(k, Vector512.Create(Ln2Lo), log1p));
    }

    /// <summary>ln x for positive, normal, finite x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LogCore(Vector512<float> x) => LogCore(x, Vector512<int>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Reduce(Vector512<float> x, out Vector512<float> em)
    {
        var kf = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
        var n = kf.AsInt32() - Vector512.Create(RoundMagic).AsInt32();
        var nf = kf - Vector512.Create(RoundMagic);
        var r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-Ln2Lo), r);
        var q = Vector512.FusedMultiplyAdd(Vector512.Create(Q5), r, Vector512.Create(Q4));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(Q3));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(Q2));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(Q1));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(Q0));
        em = Vector512.FusedMultiplyAdd(r * r, q, r);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pow2(Vector512<int> n) => Vector512.ShiftLeft(n + Vector512.Create(127), 23).AsSingle();

    public static void Exp(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
        {
            Exp(Vector512.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }

        ExpLogScalar.Exp(source[(int)i..], destination[(int)i..]);
    }

    public static void Expm1(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
        {
            Expm1(Vector512.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }

        ExpLogScalar.Expm1(source[(int)i..], destination[(int)i..]);
    }

    public static void Log(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
        {
            Log(Vector512.LoadUnsafe(ref src, i)).StoreUnsafe(ref dst, i);
        }

        ExpLogScalar.Log(source[(int)i..], destination[(int)i..]);
    }
}
