using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Hyperlog on <see cref="Vector512{T}"/> (16 floats). Forward: first guess (linear below EH(x0), else
/// ln(x/a)/b), then <see cref="HalleySteps"/> fixed Halley steps on EH(y) − |x| in float;
/// |x| above <see cref="HyperlogCoefficients.BigX"/> takes y = ln(|x|/a)/b directly. Inverse (in double, widened
/// from float): EH(y) directly, or its Taylor series within w/4 of x1. Tails go to <see cref="HyperlogScalar"/>.
/// </summary>
internal static class HyperlogV512
{
    /// <summary>Fixed number of Halley steps; the tests bound the resulting error against the scalar twin.</summary>
    public const int HalleySteps = 2;

    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
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
                ForwardCore(Vector512.LoadUnsafe(ref src, i), c).StoreUnsafe(ref dst, i);
            }
        }

        if (i < n)
        {
            HyperlogScalar.Forward(k, source[(int)i..], destination[(int)i..]);
        }
    }

    public static void Inverse(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector512<float>.Count)
        {
            var c = new InverseConstants(k);
            var taylor = k.Taylor;
            var last = n - (nuint)Vector512<float>.Count;
            for (; i <= last; i += (nuint)Vector512<float>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref src, i));
                Vector512.Narrow(InverseCore(lower, c, taylor), InverseCore(upper, c, taylor)).StoreUnsafe(ref dst, i);
            }
        }

        if (i < n)
        {
            HyperlogScalar.Inverse(k, source[(int)i..], destination[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ForwardCore(Vector512<float> x, in Constants c)
    {
        var t = Vector512.Abs(x);
        var v = Vector512.Min(t, c.BigX);

        // The root lies in [x1, x1 + v/B'(x1)] (B is convex above x1); start from the smaller of
        // the tangent and the pure-log estimate, never below x1. One Log serves the guess and the
        // large-|x| result.
        var logT = (Vector512.Log(t) - c.LogA) * c.InverseB;
        var y = Vector512.Min(Vector512.FusedMultiplyAdd(v, c.LinearSlope, c.X1), Vector512.Min(logT, c.YBig));
        y = Vector512.Max(y, c.X1);
        for (var step = 0; step < HalleySteps; step++)
        {
            var ae = Vector512.Exp(Vector512.FusedMultiplyAdd(c.B, y, c.LogA));
            var r = Vector512.FusedMultiplyAdd(c.C, y, ae) - (c.F + v);
            var d1 = Vector512.FusedMultiplyAdd(c.B, ae, c.C);
            var d2 = c.BSquared * ae;
            var twoD1 = d1 + d1;
            y -= (r * twoD1) / Vector512.FusedMultiplyAdd(twoD1, d1, -(r * d2));
        }

        y = Vector512.ConditionalSelect(Vector512.GreaterThan(t, c.BigX), logT, y);
        y = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), c.TwoX1 - y, y);
        y = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<float>.Zero), c.X1, y);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x); // NaN stays NaN
    }

    // The inverse runs in double: y − x1 must be formed exactly for the Taylor branch, which float
    // cannot do next to x1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> InverseCore(Vector512<double> y, in InverseConstants c, double[] taylor)
    {
        var negative = Vector512.LessThan(y, c.X1);
        var s = Vector512.ConditionalSelect(negative, c.TwoX1 - y, y);
        var ae = Vector512.Exp(Vector512.FusedMultiplyAdd(c.B, s, c.LogA));
        var direct = Vector512.FusedMultiplyAdd(c.C, s, ae) - c.F;

        var u = s - c.X1;
        var sum = Vector512.Create(taylor[HyperlogCoefficients.TaylorLength - 1]) * u;
        for (var i = HyperlogCoefficients.TaylorLength - 2; i >= 0; i--)
        {
            sum = (sum + Vector512.Create(taylor[i])) * u;
        }

        var value = Vector512.ConditionalSelect(Vector512.LessThan(s, c.XTaylor), sum, direct);
        return Vector512.ConditionalSelect(negative, -value, value);
    }

    private readonly struct InverseConstants(HyperlogCoefficients k)
    {
        public readonly Vector512<double> X1 = Vector512.Create(k.X1);
        public readonly Vector512<double> TwoX1 = Vector512.Create(2 * k.X1);
        public readonly Vector512<double> XTaylor = Vector512.Create(k.XTaylor);
        public readonly Vector512<double> B = Vector512.Create(k.B);
        public readonly Vector512<double> LogA = Vector512.Create(Math.Log(k.LowerA));
        public readonly Vector512<double> C = Vector512.Create(k.C);
        public readonly Vector512<double> F = Vector512.Create(k.F);
    }

    private readonly struct Constants(HyperlogCoefficients k)
    {
        public readonly Vector512<float> X1 = Vector512.Create(k.X1F);
        public readonly Vector512<float> TwoX1 = Vector512.Create(k.TwoX1F);
        public readonly Vector512<float> XTaylor = Vector512.Create(k.XTaylorF);
        public readonly Vector512<float> B = Vector512.Create(k.BF);
        public readonly Vector512<float> BSquared = Vector512.Create(k.BSquaredF);
        public readonly Vector512<float> LogA = Vector512.Create(k.LogAF);
        public readonly Vector512<float> C = Vector512.Create(k.CF);
        public readonly Vector512<float> F = Vector512.Create(k.FF);
        public readonly Vector512<float> InverseB = Vector512.Create(k.InverseBF);
        public readonly Vector512<float> Knee = Vector512.Create(k.KneeF);
        public readonly Vector512<float> LinearSlope = Vector512.Create(k.LinearSlopeF);
        public readonly Vector512<float> BigX = Vector512.Create(k.BigXF);
        public readonly Vector512<float> YBig = Vector512.Create(k.YBigF);
    }
}
