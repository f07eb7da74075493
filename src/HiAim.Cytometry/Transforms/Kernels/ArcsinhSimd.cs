using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Fused single-pass arcsinh on the vector width <typeparamref name="W"/>: |x|, scale, then either the odd
/// Taylor polynomial (small |u|, full relative accuracy near 0), ln(u + sqrt(u² + 1)) (FMA, Sqrt,
/// Add, own float LogCore) or ln|x| + ln(2·scale) (large |u|, no overflow), CopySign, and one FMA for gain and
/// offset. The inverse works in double (see InverseCore). The tail (fewer than one vector) goes to <see cref="ArcsinhScalar"/>.
/// </summary>
internal static class ArcsinhSimd<W, F, I, D>
    where W : struct, ISimdWidth<F, I, D>
    where F : unmanaged
    where I : unmanaged
    where D : unmanaged
{
    public static void Forward(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)W.Count)
        {
            var c = new Constants(k);
            var last = n - (nuint)W.Count;
            for (; i <= last; i += (nuint)W.Count)
            {
                W.Store(Invoke(W.Load(ref src, i), c), ref dst, i);
            }
        }

        if (i < n)
        {
            ArcsinhScalar.Forward(k, source[(int)i..], destination[(int)i..]);
        }
    }

    public static void Inverse(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)W.Count)
        {
            var c = new InverseConstants(k);
            var last = n - (nuint)W.Count;
            for (; i <= last; i += (nuint)W.Count)
            {
                var (lower, upper) = W.Widen(W.Load(ref src, i));
                W.Store(W.Narrow(InverseCore(lower, c), InverseCore(upper, c)), ref dst, i);
            }
        }

        if (i < n)
        {
            ArcsinhScalar.Inverse(k, source[(int)i..], destination[(int)i..]);
        }
    }

    // x = sinh((y − offset)/gain)/scale in double (y − offset cancels when A &gt; 0): odd polynomial
    // for |u| &lt; 0.5, (e^|u| − e^−|u|)·0.5/scale in the middle, e^(|u| + ln(0.5/scale)) above 20 so
    // that sinh cannot overflow before the result does; CopySign restores the sign.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static D InverseCore(D y, in InverseConstants c)
    {
        var u = W.Multiply(W.Subtract(y, c.Offset), c.InverseGain);
        var t = W.Abs(u);
        var e = W.Exp(t);
        var middle = W.Multiply(W.Subtract(e, W.Divide(W.Create(1.0), e)), c.HalfInverseScale);
        var big = W.Exp(W.Add(t, c.LogHalfInverseScale));
        var t2 = W.Multiply(t, t);
        var p = W.FusedMultiplyAdd(t2, W.Create(1.0 / 39916800), W.Create(1.0 / 362880));
        p = W.FusedMultiplyAdd(t2, p, W.Create(1.0 / 5040));
        p = W.FusedMultiplyAdd(t2, p, W.Create(1.0 / 120));
        p = W.FusedMultiplyAdd(t2, p, W.Create(1.0 / 6));
        var small = W.Multiply(W.FusedMultiplyAdd(W.Multiply(t, t2), p, t), c.InverseScale);
        var r = W.ConditionalSelect(W.LessThan(t, W.Create(0.5)), small, middle);
        r = W.ConditionalSelect(W.GreaterThan(t, W.Create(20.0)), big, r);
        return W.CopySign(r, u);
    }

    private readonly struct InverseConstants(ArcsinhCoefficients k)
    {
        public readonly D Offset = W.Create(k.Offset);
        public readonly D InverseGain = W.Create(1 / k.Gain);
        public readonly D InverseScale = W.Create(1 / k.Scale);
        public readonly D HalfInverseScale = W.Create(0.5 / k.Scale);
        public readonly D LogHalfInverseScale = W.Create(Math.Log(0.5 / k.Scale));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static F Invoke(F x, in Constants c)
    {
        var t = W.Abs(x);
        var u = W.Multiply(t, c.Scale);
        var big = W.GreaterThan(u, c.BigLimit);

        // Small |u|: odd polynomial u + u³·P(u²).
        var u2 = W.Multiply(u, u);
        var p = W.FusedMultiplyAdd(u2, W.Create(ArcsinhCoefficients.P11), W.Create(ArcsinhCoefficients.P9));
        p = W.FusedMultiplyAdd(u2, p, W.Create(ArcsinhCoefficients.P7));
        p = W.FusedMultiplyAdd(u2, p, W.Create(ArcsinhCoefficients.P5));
        p = W.FusedMultiplyAdd(u2, p, W.Create(ArcsinhCoefficients.P3));
        var series = W.FusedMultiplyAdd(W.Multiply(u, u2), p, u);

        // General |u|: ln(u + sqrt(u² + 1)); large |u|: ln|x| + ln(2·scale).
        // s ≥ 1 (or |x| > BigLimit/scale) is positive, normal and finite unless |x| is +∞ or NaN, which the
        // last select restores, so the special-free LogCore serves.
        var s = W.Add(u, W.Sqrt(W.FusedMultiplyAdd(u, u, W.Create(1f))));
        s = W.ConditionalSelect(big, t, s);
        var log = W.Add(ExpLogSimd<W, F, I, D>.LogCore(s), W.And(big, c.LogTwoScale));

        var r = W.ConditionalSelect(W.LessThan(u, c.SmallLimit), series, log);
        r = W.ConditionalSelect(W.Equals(t, W.Create(float.PositiveInfinity)), t, r);
        r = W.Or(r, W.And(x, W.Create(-0f))); // r ≥ 0: copy the sign of x
        r = W.FusedMultiplyAdd(r, c.Gain, c.Offset);
        return W.ConditionalSelect(W.Equals(x, x), r, x); // NaN stays NaN
    }

    private readonly struct Constants(ArcsinhCoefficients k)
    {
        public readonly F Scale = W.Create(k.ScaleF);
        public readonly F Gain = W.Create(k.GainF);
        public readonly F Offset = W.Create(k.OffsetF);
        public readonly F LogTwoScale = W.Create(k.LogTwoScaleF);
        public readonly F SmallLimit = W.Create(ArcsinhCoefficients.SmallLimit);
        public readonly F BigLimit = W.Create(ArcsinhCoefficients.BigLimit);
    }
}
