using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Hyperlog on <see cref="Vector256{T}"/> (8 floats). Forward, in u = y − x1 for |x|: a first guess gathered
/// from the transform's <see cref="InverseGuessTable"/>, then one Halley step (one-division Chebyshev form) on
/// EH(u) − |x| = A'·expm1(b·u) + c·u − |x| (no cancellation near data zero) with
/// <see cref="ExpLogV256.Expm1Core"/>; y = x1 ± u. |x| above <see cref="HyperlogCoefficients.BigX"/> takes
/// y = ln(|x|/a)/b (only computed when a lane needs it). Inverse (in double, widened from float): EH(y)
/// directly, or its Taylor series within w/4 of x1. Tails go to <see cref="HyperlogScalar"/>.
/// </summary>
internal static unsafe class HyperlogV256
{
    /// <summary>Halley steps after the table guess; the tests bound the resulting error against the scalar twin.</summary>
    public const int HalleySteps = 1;

    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector256<float>.Count)
        {
            var c = new Constants(k);
            fixed (float* table = k.GuessTable.Values)
            {
                var last = n - (nuint)Vector256<float>.Count;
                for (; i <= last; i += (nuint)Vector256<float>.Count)
                {
                    ForwardCore(Vector256.LoadUnsafe(ref src, i), c, table).StoreUnsafe(ref dst, i);
                }
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
            HyperlogScalar.Inverse(k, source[(int)i..], destination[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ForwardCore(Vector256<float> x, in Constants c, float* table)
    {
        var t = Vector256.Abs(x);
        var v = Vector256.MinNative(t, c.BigX);
        var u = TableGather.Gather(table, TableGather.Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex));

        // One Halley step: r = EH(u) − v, EH' = b·A'e^(bu) + c, EH'' = b²·A'e^(bu);
        // u −= q·(1 + q·EH''/(2EH')) with q = r/EH' (Chebyshev form of Halley: one division).
        var p = c.AShift * ExpLogV256.Expm1Core(c.B * u);
        var r = Vector256.FusedMultiplyAdd(c.C, u, p) - v;
        var ea = p + c.AShift;
        var d1 = Vector256.FusedMultiplyAdd(c.B, ea, c.C);
        var d2 = c.BSquared * ea;
        var inverse = Vector256<float>.One / d1;
        var q = r * inverse;
        var h = q * (d2 * inverse) * Vector256.Create(0.5f);
        u = Vector256.MaxNative(u - Vector256.FusedMultiplyAdd(q, h, q), Vector256<float>.Zero);

        var big = Vector256.GreaterThan(t, c.BigX);
        if (big != Vector256<float>.Zero)
        {
            var logT = (ExpLogV256.Log(t) - c.LogA) * c.InverseB;
            u = Vector256.ConditionalSelect(big, logT - c.X1, u);
        }

        var y = c.X1 + (u | (x & Vector256.Create(-0f))); // x1 + u, or x1 − u for negative x
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x); // NaN stays NaN
    }

    // The inverse runs in double: y − x1 must be formed exactly for the Taylor branch, which float
    // cannot do next to x1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> InverseCore(Vector256<double> y, in InverseConstants c, double[] taylor)
    {
        var negative = Vector256.LessThan(y, c.X1);
        var s = Vector256.ConditionalSelect(negative, c.TwoX1 - y, y);
        var ae = Vector256.Exp(Vector256.FusedMultiplyAdd(c.B, s, c.LogA));
        var direct = Vector256.FusedMultiplyAdd(c.C, s, ae) - c.F;

        var u = s - c.X1;
        var sum = Vector256.Create(taylor[HyperlogCoefficients.TaylorLength - 1]) * u;
        for (var i = HyperlogCoefficients.TaylorLength - 2; i >= 0; i--)
        {
            sum = (sum + Vector256.Create(taylor[i])) * u;
        }

        var value = Vector256.ConditionalSelect(Vector256.LessThan(s, c.XTaylor), sum, direct);
        return Vector256.ConditionalSelect(negative, -value, value);
    }

    private readonly struct InverseConstants(HyperlogCoefficients k)
    {
        public readonly Vector256<double> X1 = Vector256.Create(k.X1);
        public readonly Vector256<double> TwoX1 = Vector256.Create(2 * k.X1);
        public readonly Vector256<double> XTaylor = Vector256.Create(k.XTaylor);
        public readonly Vector256<double> B = Vector256.Create(k.B);
        public readonly Vector256<double> LogA = Vector256.Create(Math.Log(k.LowerA));
        public readonly Vector256<double> C = Vector256.Create(k.C);
        public readonly Vector256<double> F = Vector256.Create(k.F);
    }

    private readonly struct Constants(HyperlogCoefficients k)
    {
        public readonly Vector256<float> X1 = Vector256.Create(k.X1F);
        public readonly Vector256<float> B = Vector256.Create(k.BF);
        public readonly Vector256<float> BSquared = Vector256.Create(k.BSquaredF);
        public readonly Vector256<float> AShift = Vector256.Create(k.AShiftF);
        public readonly Vector256<float> C = Vector256.Create(k.CF);
        public readonly Vector256<float> LogA = Vector256.Create(k.LogAF);
        public readonly Vector256<float> InverseB = Vector256.Create(k.InverseBF);
        public readonly Vector256<float> BigX = Vector256.Create(k.BigXF);
        public readonly Vector256<float> Start = Vector256.Create(k.GuessTable.Start);
        public readonly Vector256<int> StartBitsMinusHalf = Vector256.Create(k.GuessTable.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly Vector256<int> MaxIndex = Vector256.Create(k.GuessTable.MaxIndex);
    }
}
