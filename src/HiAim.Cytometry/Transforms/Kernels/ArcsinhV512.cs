using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Fused single-pass arcsinh on <see cref="Vector512{T}"/> (16 floats): |x|, scale, then either the odd
/// Taylor polynomial (small |u|, full relative accuracy near 0), ln(u + sqrt(u² + 1)) (FMA, Sqrt,
/// Add, own float LogCore) or ln|x| + ln(2·scale) (large |u|, no overflow), CopySign, and one FMA for gain and
/// offset. The inverse works in double (see InverseCore). The tail (fewer than 16 values) goes to <see cref="ArcsinhScalar"/>.
/// </summary>
internal static class ArcsinhV512
{
    public static void Forward(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector512<float>.Count)
        {
            var c = new Constants(k);
            var last = n - (nuint)Vector512<float>.Count;
            for (; i <= last; i += (nuint)Vector512<float>.Count)
            {
                Invoke(Vector512.LoadUnsafe(ref src, i), c).StoreUnsafe(ref dst, i);
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
        if (n >= (nuint)Vector512<float>.Count)
        {
            var c = new InverseConstants(k);
            var last = n - (nuint)Vector512<float>.Count;
            for (; i <= last; i += (nuint)Vector512<float>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref src, i));
                Vector512.Narrow(InverseCore(lower, c), InverseCore(upper, c)).StoreUnsafe(ref dst, i);
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
    private static Vector512<double> InverseCore(Vector512<double> y, in InverseConstants c)
    {
        var u = (y - c.Offset) * c.InverseGain;
        var t = Vector512.Abs(u);
        var e = Vector512.Exp(t);
        var middle = (e - (Vector512<double>.One / e)) * c.HalfInverseScale;
        var big = Vector512.Exp(t + c.LogHalfInverseScale);
        var t2 = t * t;
        var p = Vector512.FusedMultiplyAdd(t2, Vector512.Create(1.0 / 39916800), Vector512.Create(1.0 / 362880));
        p = Vector512.FusedMultiplyAdd(t2, p, Vector512.Create(1.0 / 5040));
        p = Vector512.FusedMultiplyAdd(t2, p, Vector512.Create(1.0 / 120));
        p = Vector512.FusedMultiplyAdd(t2, p, Vector512.Create(1.0 / 6));
        var small = Vector512.FusedMultiplyAdd(t * t2, p, t) * c.InverseScale;
        var r = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512.Create(0.5)), small, middle);
        r = Vector512.ConditionalSelect(Vector512.GreaterThan(t, Vector512.Create(20.0)), big, r);
        return Vector512.CopySign(r, u);
    }

    private readonly struct InverseConstants(ArcsinhCoefficients k)
    {
        public readonly Vector512<double> Offset = Vector512.Create(k.Offset);
        public readonly Vector512<double> InverseGain = Vector512.Create(1 / k.Gain);
        public readonly Vector512<double> InverseScale = Vector512.Create(1 / k.Scale);
        public readonly Vector512<double> HalfInverseScale = Vector512.Create(0.5 / k.Scale);
        public readonly Vector512<double> LogHalfInverseScale = Vector512.Create(Math.Log(0.5 / k.Scale));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Invoke(Vector512<float> x, in Constants c)
    {
        var t = Vector512.Abs(x);
        var u = t * c.Scale;
        var big = Vector512.GreaterThan(u, c.BigLimit);

        // Small |u|: odd polynomial u + u³·P(u²).
        var u2 = u * u;
        var p = Vector512.FusedMultiplyAdd(u2, Vector512.Create(ArcsinhCoefficients.P11), Vector512.Create(ArcsinhCoefficients.P9));
        p = Vector512.FusedMultiplyAdd(u2, p, Vector512.Create(ArcsinhCoefficients.P7));
        p = Vector512.FusedMultiplyAdd(u2, p, Vector512.Create(ArcsinhCoefficients.P5));
        p = Vector512.FusedMultiplyAdd(u2, p, Vector512.Create(ArcsinhCoefficients.P3));
        var series = Vector512.FusedMultiplyAdd(u * u2, p, u);

        // General |u|: ln(u + sqrt(u² + 1)); large |u|: ln|x| + ln(2·scale).
        // s ≥ 1 (or |x| > BigLimit/scale) is positive, normal and finite unless |x| is +∞ or NaN, which the
        // last select restores, so the special-free LogCore serves.
        var s = u + Vector512.Sqrt(Vector512.FusedMultiplyAdd(u, u, Vector512<float>.One));
        s = Vector512.ConditionalSelect(big, t, s);
        var log = ExpLogV512.LogCore(s) + (big & c.LogTwoScale);

        var r = Vector512.ConditionalSelect(Vector512.LessThan(u, c.SmallLimit), series, log);
        r = Vector512.ConditionalSelect(Vector512.Equals(t, Vector512.Create(float.PositiveInfinity)), t, r);
        r = r | (x & Vector512.Create(-0f)); // r ≥ 0: copy the sign of x
        r = Vector512.FusedMultiplyAdd(r, c.Gain, c.Offset);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x); // NaN stays NaN
    }

    private readonly struct Constants(ArcsinhCoefficients k)
    {
        public readonly Vector512<float> Scale = Vector512.Create(k.ScaleF);
        public readonly Vector512<float> Gain = Vector512.Create(k.GainF);
        public readonly Vector512<float> Offset = Vector512.Create(k.OffsetF);
        public readonly Vector512<float> LogTwoScale = Vector512.Create(k.LogTwoScaleF);
        public readonly Vector512<float> SmallLimit = Vector512.Create(ArcsinhCoefficients.SmallLimit);
        public readonly Vector512<float> BigLimit = Vector512.Create(ArcsinhCoefficients.BigLimit);
    }
}
