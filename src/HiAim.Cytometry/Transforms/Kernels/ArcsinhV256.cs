using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Fused single-pass arcsinh on <see cref="Vector256{T}"/> (8 floats): |x|, scale, then either the odd
/// Taylor polynomial (small |u|, full relative accuracy near 0), ln(u + sqrt(u² + 1)) (FMA, Sqrt,
/// Add, own float LogCore) or ln|x| + ln(2·scale) (large |u|, no overflow), CopySign, and one FMA for gain and
/// offset. The inverse works in double (see InverseCore). The tail (fewer than 8 values) goes to <see cref="ArcsinhScalar"/>.
/// </summary>
internal static class ArcsinhV256
{
    public static void Forward(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector256<float>.Count)
        {
            var c = new Constants(k);
            var last = n - (nuint)Vector256<float>.Count;
            for (; i <= last; i += (nuint)Vector256<float>.Count)
            {
                Invoke(Vector256.LoadUnsafe(ref src, i), c).StoreUnsafe(ref dst, i);
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
        if (n >= (nuint)Vector256<float>.Count)
        {
            var c = new InverseConstants(k);
            var last = n - (nuint)Vector256<float>.Count;
            for (; i <= last; i += (nuint)Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                Vector256.Narrow(InverseCore(lower, c), InverseCore(upper, c)).StoreUnsafe(ref dst, i);
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
    private static Vector256<double> InverseCore(Vector256<double> y, in InverseConstants c)
    {
        var u = (y - c.Offset) * c.InverseGain;
        var t = Vector256.Abs(u);
        var e = Vector256.Exp(t);
        var middle = (e - (Vector256<double>.One / e)) * c.HalfInverseScale;
        var big = Vector256.Exp(t + c.LogHalfInverseScale);
        var t2 = t * t;
        var p = Vector256.FusedMultiplyAdd(t2, Vector256.Create(1.0 / 39916800), Vector256.Create(1.0 / 362880));
        p = Vector256.FusedMultiplyAdd(t2, p, Vector256.Create(1.0 / 5040));
        p = Vector256.FusedMultiplyAdd(t2, p, Vector256.Create(1.0 / 120));
        p = Vector256.FusedMultiplyAdd(t2, p, Vector256.Create(1.0 / 6));
        var small = Vector256.FusedMultiplyAdd(t * t2, p, t) * c.InverseScale;
        var r = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256.Create(0.5)), small, middle);
        r = Vector256.ConditionalSelect(Vector256.GreaterThan(t, Vector256.Create(20.0)), big, r);
        return Vector256.CopySign(r, u);
    }

    private readonly struct InverseConstants(ArcsinhCoefficients k)
    {
        public readonly Vector256<double> Offset = Vector256.Create(k.Offset);
        public readonly Vector256<double> InverseGain = Vector256.Create(1 / k.Gain);
        public readonly Vector256<double> InverseScale = Vector256.Create(1 / k.Scale);
        public readonly Vector256<double> HalfInverseScale = Vector256.Create(0.5 / k.Scale);
        public readonly Vector256<double> LogHalfInverseScale = Vector256.Create(Math.Log(0.5 / k.Scale));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Invoke(Vector256<float> x, in Constants c)
    {
        var t = Vector256.Abs(x);
        var u = t * c.Scale;
        var big = Vector256.GreaterThan(u, c.BigLimit);

        // Small |u|: odd polynomial u + u³·P(u²).
        var u2 = u * u;
        var p = Vector256.FusedMultiplyAdd(u2, Vector256.Create(ArcsinhCoefficients.P11), Vector256.Create(ArcsinhCoefficients.P9));
        p = Vector256.FusedMultiplyAdd(u2, p, Vector256.Create(ArcsinhCoefficients.P7));
        p = Vector256.FusedMultiplyAdd(u2, p, Vector256.Create(ArcsinhCoefficients.P5));
        p = Vector256.FusedMultiplyAdd(u2, p, Vector256.Create(ArcsinhCoefficients.P3));
        var series = Vector256.FusedMultiplyAdd(u * u2, p, u);

        // General |u|: ln(u + sqrt(u² + 1)); large |u|: ln|x| + ln(2·scale).
        // s ≥ 1 (or |x| > BigLimit/scale) is positive, normal and finite unless |x| is +∞ or NaN, which the
        // last select restores, so the special-free LogCore serves.
        var s = u + Vector256.Sqrt(Vector256.FusedMultiplyAdd(u, u, Vector256<float>.One));
        s = Vector256.ConditionalSelect(big, t, s);
        var log = ExpLogV256.LogCore(s) + (big & c.LogTwoScale);

        var r = Vector256.ConditionalSelect(Vector256.LessThan(u, c.SmallLimit), series, log);
        r = Vector256.ConditionalSelect(Vector256.Equals(t, Vector256.Create(float.PositiveInfinity)), t, r);
        r = r | (x & Vector256.Create(-0f)); // r ≥ 0: copy the sign of x
        r = Vector256.FusedMultiplyAdd(r, c.Gain, c.Offset);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x); // NaN stays NaN
    }

    private readonly struct Constants(ArcsinhCoefficients k)
    {
        public readonly Vector256<float> Scale = Vector256.Create(k.ScaleF);
        public readonly Vector256<float> Gain = Vector256.Create(k.GainF);
        public readonly Vector256<float> Offset = Vector256.Create(k.OffsetF);
        public readonly Vector256<float> LogTwoScale = Vector256.Create(k.LogTwoScaleF);
        public readonly Vector256<float> SmallLimit = Vector256.Create(ArcsinhCoefficients.SmallLimit);
        public readonly Vector256<float> BigLimit = Vector256.Create(ArcsinhCoefficients.BigLimit);
    }
}
