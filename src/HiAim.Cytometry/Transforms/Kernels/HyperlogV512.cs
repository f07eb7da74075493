using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Hyperlog on <see cref="Vector512{T}"/> (16 floats). Forward, in u = y − x1 for |x|: a first guess gathered
/// from the transform's <see cref="InverseGuessTable"/>, then one Halley step (one-division Chebyshev form) on
/// EH(u) − |x| = A'·expm1(b·u) + c·u − |x| (no cancellation near data zero) with
/// <see cref="ExpLogV512.Expm1Core"/>; y = x1 ± u. |x| above <see cref="HyperlogCoefficients.BigX"/> takes
/// y = ln(|x|/a)/b (only computed when a lane needs it). Inverse (in double, widened from float): EH(y)
/// directly, or its Taylor series within w/4 of x1. Tails go to <see cref="HyperlogScalar"/>.
/// </summary>
internal static unsafe class HyperlogV512
{
    /// <summary>Halley steps after the table guess; the tests bound the resulting error against the scalar twin.</summary>
    public const int HalleySteps = 1;

    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector512<float>.Count)
        {
            var c = new Constants(k);
            fixed (float* table = k.GuessTable.Values)
            {
                var last = n - (nuint)Vector512<float>.Count;
                for (; i <= last; i += (nuint)Vector512<float>.Count)
                {
                    ForwardCore(Vector512.LoadUnsafe(ref src, i), c, table).StoreUnsafe(ref dst, i);
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
    private static Vector512<float> ForwardCore(Vector512<float> x, in Constants c, float* table)
    {
        var t = Vector512.Abs(x);
        var v = Vector512.MinNative(t, c.BigX);
        var u = TableGather.Gather(table, TableGather.Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex));

        // One Halley step: r = EH(u) − v, EH' = b·A'e^(bu) + c, EH'' = b²·A'e^(bu);
        // u −= q·(1 + q·EH''/(2EH')) with q = r/EH' (Chebyshev form of Halley: one division).
        var p = c.AShift * ExpLogV512.Expm1Core(c.B * u);
        var r = Vector512.FusedMultiplyAdd(c.C, u, p) - v;
        var ea = p + c.AShift;
        var d1 = Vector512.FusedMultiplyAdd(c.B, ea, c.C);
        var d2 = c.BSquared * ea;
        var inverse = Vector512<float>.One / d1;
        var q = r * inverse;
        var h = q * (d2 * inverse) * Vector512.Create(0.5f);
        u = Vector512.MaxNative(u - Vector512.FusedMultiplyAdd(q, h, q), Vector512<float>.Zero);

        var big = Vector512.GreaterThan(t, c.BigX);
        if (big != Vector512<float>.Zero)
        {
            var logT = (ExpLogV512.Log(t) - c.LogA) * c.InverseB;
            u = Vector512.ConditionalSelect(big, logT - c.X1, u);
        }

        var y = c.X1 + (u | (x & Vector512.Create(-0f))); // x1 + u, or x1 − u for negative x
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
        public readonly Vector512<float> B = Vector512.Create(k.BF);
        public readonly Vector512<float> BSquared = Vector512.Create(k.BSquaredF);
        public readonly Vector512<float> AShift = Vector512.Create(k.AShiftF);
        public readonly Vector512<float> C = Vector512.Create(k.CF);
        public readonly Vector512<float> LogA = Vector512.Create(k.LogAF);
        public readonly Vector512<float> InverseB = Vector512.Create(k.InverseBF);
        public readonly Vector512<float> BigX = Vector512.Create(k.BigXF);
        public readonly Vector512<float> Start = Vector512.Create(k.GuessTable.Start);
        public readonly Vector512<int> StartBitsMinusHalf = Vector512.Create(k.GuessTable.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly Vector512<int> MaxIndex = Vector512.Create(k.GuessTable.MaxIndex);
    }
}
