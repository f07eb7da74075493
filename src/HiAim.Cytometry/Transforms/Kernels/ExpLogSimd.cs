using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Kernels;
using static HiAim.Cytometry.Transforms.Kernels.ExpLogCoefficients;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Float32 exp, expm1 and log on the vector width <typeparamref name="W"/> (Vector256 or Vector512): the operations of <see cref="ExpLogScalar"/>
/// lane by lane (Cody–Waite reduction, minimax polynomials, FMA), branch-free, with the same specials.
/// The <c>Core</c> forms skip the special-value handling for callers that know their argument range.
/// </summary>
internal static class ExpLogSimd<W, F, I, D>
    where W : struct, ISimdWidth<F, I, D>
    where F : unmanaged
    where I : unmanaged
    where D : unmanaged
{
    /// <summary>e^x (see <see cref="ExpLogScalar.Exp(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F Exp(F x)
    {
        var c = W.MinNative(W.MaxNative(x, W.Create(ExpLow)), W.Create(ExpHigh));
        var n = Reduce(c, out var em);
        var n1 = W.ShiftRightArithmetic(n, 1);
        var s1 = Pow2(n1);
        var s2 = Pow2(W.Subtract(n, n1));
        var r = W.Multiply(W.FusedMultiplyAdd(s1, em, s1), s2);
        return W.ConditionalSelect(W.Equals(x, x), r, x);
    }

    /// <summary>e^x − 1 (see <see cref="ExpLogScalar.Expm1(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F Expm1(F x)
    {
        var big = W.GreaterThan(x, W.Create(Expm1Split));
        var r = Expm1Core(W.MinNative(W.MaxNative(x, W.Create(Expm1Low)), W.Create(Expm1Split)));
        if (W.AnyBitSet(big))
        {
            r = W.ConditionalSelect(big, W.Subtract(Exp(x), W.Create(1f)), r);
        }

        return W.ConditionalSelect(W.Equals(x, x), r, x);
    }

    /// <summary>expm1 for x in [−88, 88] (see <see cref="ExpLogScalar.Expm1Core(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F Expm1Core(F x)
    {
        var n = Reduce(x, out var em);
        var t = Pow2(n);
        return W.FusedMultiplyAdd(t, em, W.Subtract(t, W.Create(1f)));
    }

    /// <summary>e^x for x in [−87, 88] (see <see cref="ExpLogScalar.ExpCore(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F ExpCore(F x)
    {
        var n = Reduce(x, out var em);
        var t = Pow2(n);
        return W.FusedMultiplyAdd(t, em, t);
    }

    /// <summary>ln x (see <see cref="ExpLogScalar.Log(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F Log(F x)
    {
        var subnormal = W.LessThan(x, W.Create(MinNormal));
        var scaled = W.ConditionalSelect(subnormal, W.Multiply(x, W.Create(TwoTo23)), x);
        var r = LogCore(scaled, W.And(W.AsInt32(subnormal), W.Create(-23)));

        // +∞ and NaN give themselves; negatives NaN; ±0 −∞ (the compare order keeps NaN inputs NaN).
        r = W.ConditionalSelect(W.Or(W.Equals(x, W.Create(float.PositiveInfinity)), W.Not(W.Equals(x, x))), x, r);
        r = W.ConditionalSelect(W.LessThan(x, W.Create(0f)), W.Create(float.NaN), r);
        return W.ConditionalSelect(W.Equals(x, W.Create(0f)), W.Create(float.NegativeInfinity), r);
    }

    /// <summary>ln x + kOffset·ln 2 for positive, normal, finite x (see <see cref="ExpLogScalar.LogCore(float, int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F LogCore(F x, I kOffset)
    {
        var bits = W.AsInt32(x);
        var tmp = W.Subtract(bits, W.Create(SqrtHalfBits));
        var k = W.ConvertToSingle(W.Add(W.ShiftRightArithmetic(tmp, 23), kOffset));
        var f = W.Subtract(W.AsSingle(W.Subtract(bits, W.And(tmp, W.Create(unchecked((int)0xFF800000))))), W.Create(1f));
        var p = W.FusedMultiplyAdd(W.Create(R8), f, W.Create(R7));
        p = W.FusedMultiplyAdd(p, f, W.Create(R6));
        p = W.FusedMultiplyAdd(p, f, W.Create(R5));
        p = W.FusedMultiplyAdd(p, f, W.Create(R4));
        p = W.FusedMultiplyAdd(p, f, W.Create(R3));
        p = W.FusedMultiplyAdd(p, f, W.Create(R2));
        p = W.FusedMultiplyAdd(p, f, W.Create(R1));
        p = W.FusedMultiplyAdd(p, f, W.Create(R0));
        var f2 = W.Multiply(f, f);
        var log1p = W.FusedMultiplyAdd(f2, W.FusedMultiplyAdd(f, p, W.Create(-0.5f)), f);
        return W.FusedMultiplyAdd(k, W.Create(Ln2Hi), W.FusedMultiplyAdd(k, W.Create(Ln2Lo), log1p));
    }

    /// <summary>ln x for positive, normal, finite x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F LogCore(F x) => LogCore(x, W.Create(0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static I Reduce(F x, out F em)
    {
        var kf = W.FusedMultiplyAdd(x, W.Create(Log2E), W.Create(RoundMagic));
        var n = W.Subtract(W.AsInt32(kf), W.AsInt32(W.Create(RoundMagic)));
        var nf = W.Subtract(kf, W.Create(RoundMagic));
        var r = W.FusedMultiplyAdd(nf, W.Create(-Ln2Hi), x);
        r = W.FusedMultiplyAdd(nf, W.Create(-Ln2Lo), r);
        var q = W.FusedMultiplyAdd(W.Create(Q5), r, W.Create(Q4));
        q = W.FusedMultiplyAdd(q, r, W.Create(Q3));
        q = W.FusedMultiplyAdd(q, r, W.Create(Q2));
        q = W.FusedMultiplyAdd(q, r, W.Create(Q1));
        q = W.FusedMultiplyAdd(q, r, W.Create(Q0));
        em = W.FusedMultiplyAdd(W.Multiply(r, r), q, r);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static F Pow2(I n) => W.AsSingle(W.ShiftLeft(W.Add(n, W.Create(127)), 23));

    public static void Exp(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)W.Count <= n; i += (nuint)W.Count)
        {
            W.Store(Exp(W.Load(ref src, i)), ref dst, i);
        }

        ExpLogScalar.Exp(source[(int)i..], destination[(int)i..]);
    }

    public static void Expm1(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)W.Count <= n; i += (nuint)W.Count)
        {
            W.Store(Expm1(W.Load(ref src, i)), ref dst, i);
        }

        ExpLogScalar.Expm1(source[(int)i..], destination[(int)i..]);
    }

    public static void Log(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        for (; i + (nuint)W.Count <= n; i += (nuint)W.Count)
        {
            W.Store(Log(W.Load(ref src, i)), ref dst, i);
        }

        ExpLogScalar.Log(source[(int)i..], destination[(int)i..]);
    }
}
