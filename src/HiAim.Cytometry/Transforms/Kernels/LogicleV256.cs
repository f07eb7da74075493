using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Logicle on <see cref="Vector256{T}"/> (8 floats). Forward: first guess (linear below f, else
/// ln(x/a)/b), then <see cref="HalleySteps"/> fixed Halley steps on B(y) − |x| in float with
/// a·e^(b·y) and c·e^(−d·y) written as single Exp calls; |x| above <see cref="LogicleCoefficients.BigX"/>
/// takes y = ln(|x|/a)/b directly. Inverse (in double, widened from float): B(y) directly, or its Taylor series within w/4 of x1.
/// Tails go to <see cref="LogicleScalar"/>.
/// </summary>
internal static class LogicleV256
{
    /// <summary>Fixed number of Halley steps; the tests bound the resulting error against the scalar twin.</summary>
    public const int HalleySteps = 2;

    public static void Forward(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
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
                ForwardCore(Vector256.LoadUnsafe(ref src, i), c).StoreUnsafe(ref dst, i);
            }
        }

        if (i < n)
        {
            LogicleScalar.Forward(k, source[(int)i..], destination[(int)i..]);
        }
    }

    public static void Inverse(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector256<float>.Count)
        {
            var c = new InverseConstants(k);
            var taylor = k.Taylor;
            var last = n - (nuint)Vector256<float>.Count;
            for (; i <= last; i += (nuint)Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                Vector256.Narrow(InverseCore(lower, c, taylor), InverseCore(upper, c, taylor)).StoreUnsafe(ref dst, i);
            }
        }

        if (i < n)
        {
            LogicleScalar.Inverse(k, source[(int)i..], destination[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ForwardCore(Vector256<float> x, in Constants c)
    {
        var t = Vector256.Abs(x);
        var v = Vector256.Min(t, c.BigX);

        // The root lies in [x1, x1 + v/B'(x1)] (B is convex above x1); start from the smaller of
        // the tangent and the pure-log estimate, never below x1. One Log serves the guess and the
        // large-|x| result.
        var logT = (Vector256.Log(t) - c.LogA) * c.InverseB;
        var y = Vector256.Min(Vector256.FusedMultiplyAdd(v, c.InverseSlope, c.X1), Vector256.Min(logT, c.YBig));
        y = Vector256.Max(y, c.X1);
        for (var step = 0; step < HalleySteps; step++)
        {
            var ae = Vector256.Exp(Vector256.FusedMultiplyAdd(c.B, y, c.LogA));
            var ce = Vector256.Exp(Vector256.FusedMultiplyAdd(-c.D, y, c.LogC));
            var r = (ae + c.F) - (ce + v);
            var d1 = Vector256.FusedMultiplyAdd(c.B, ae, c.D * ce);
            var d2 = Vector256.FusedMultiplyAdd(c.BSquared, ae, -(c.DSquared * ce));
            // Halley: y -= r / (d1 · (1 − r·d2 / (2·d1²))) = 2·r·d1 / (2·d1² − r·d2)
            var twoD1 = d1 + d1;
            y -= (r * twoD1) / Vector256.FusedMultiplyAdd(twoD1, d1, -(r * d2));
        }

        y = Vector256.ConditionalSelect(Vector256.GreaterThan(t, c.BigX), logT, y);
        y = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), c.TwoX1 - y, y);
        y = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), c.X1, y);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x); // NaN stays NaN
    }

    // The inverse runs in double: B(y) = a·e^(b·y) + f − c·e^(−d·y) cancels heavily just above the
    // Taylor region, and y − x1 must be formed exactly, which float cannot do.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> InverseCore(Vector256<double> y, in InverseConstants c, double[] taylor)
    {
        var negative = Vector256.LessThan(y, c.X1);
        var s = Vector256.ConditionalSelect(negative, c.TwoX1 - y, y);
        var ae = Vector256.Exp(Vector256.FusedMultiplyAdd(c.B, s, c.LogA));
        var ce = Vector256.Exp(Vector256.FusedMultiplyAdd(c.MinusD, s, c.LogC));
        var direct = (ae + c.F) - ce;

        var u = s - c.X1;
        var sum = Vector256.Create(taylor[LogicleCoefficients.TaylorLength - 1]) * u;
        for (var i = LogicleCoefficients.TaylorLength - 2; i >= 2; i--)
        {
            sum = (sum + Vector256.Create(taylor[i])) * u;
        }

        var series = Vector256.FusedMultiplyAdd(sum, u, Vector256.Create(taylor[0])) * u;
        var value = Vector256.ConditionalSelect(Vector256.LessThan(s, c.XTaylor), series, direct);
        return Vector256.ConditionalSelect(negative, -value, value);
    }

    private readonly struct InverseConstants(LogicleCoefficients k)
    {
        public readonly Vector256<double> X1 = Vector256.Create(k.X1);
        public readonly Vector256<double> TwoX1 = Vector256.Create(2 * k.X1);
        public readonly Vector256<double> XTaylor = Vector256.Create(k.XTaylor);
        public readonly Vector256<double> B = Vector256.Create(k.B);
        public readonly Vector256<double> MinusD = Vector256.Create(-k.D);
        public readonly Vector256<double> LogA = Vector256.Create(Math.Log(k.LowerA));
        public readonly Vector256<double> LogC = Vector256.Create(Math.Log(k.C));
        public readonly Vector256<double> F = Vector256.Create(k.F);
    }

    private readonly struct Constants(LogicleCoefficients k)
    {
        public readonly Vector256<float> X1 = Vector256.Create(k.X1F);
        public readonly Vector256<float> TwoX1 = Vector256.Create(k.TwoX1F);
        public readonly Vector256<float> XTaylor = Vector256.Create(k.XTaylorF);
        public readonly Vector256<float> B = Vector256.Create(k.BF);
        public readonly Vector256<float> D = Vector256.Create(k.DF);
        public readonly Vector256<float> BSquared = Vector256.Create(k.BSquaredF);
        public readonly Vector256<float> DSquared = Vector256.Create(k.DSquaredF);
        public readonly Vector256<float> LogA = Vector256.Create(k.LogAF);
        public readonly Vector256<float> LogC = Vector256.Create(k.LogCF);
        public readonly Vector256<float> F = Vector256.Create(k.FF);
        public readonly Vector256<float> InverseB = Vector256.Create(k.InverseBF);
        public readonly Vector256<float> InverseSlope = Vector256.Create(k.InverseSlopeF);
        public readonly Vector256<float> BigX = Vector256.Create(k.BigXF);
        public readonly Vector256<float> YBig = Vector256.Create(k.YBigF);
    }
}
