using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Logicle on <see cref="Vector256{T}"/> (8 floats). Forward, in u = y − x1 for |x|: a first guess gathered
/// from the transform's <see cref="InverseGuessTable"/> (nearest node in the bits of |x| + S), then one
/// Halley step (in its one-division Chebyshev form) on B(u) − |x| = A'·expm1(b·u) − C'·expm1(−d·u) − |x|,
/// which has no cancellation near data zero, with <see cref="ExpLogV256.Expm1Core"/>; y = x1 ± u.
/// |x| above <see cref="LogicleCoefficients.BigX"/> takes y = ln(|x|/a)/b (only computed when a lane needs it).
/// Inverse (in double, widened from float): B(y) directly, or its Taylor series within w/4 of x1.
/// Tails go to <see cref="LogicleScalar"/>.
/// </summary>
internal static unsafe class LogicleV256
{
    /// <summary>Halley steps after the table guess; the tests bound the resulting error against the scalar twin.</summary>
    public const int HalleySteps = 1;

    public static void Forward(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
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
    private static Vector256<float> ForwardCore(Vector256<float> x, in Constants c, float* table)
    {
        var t = Vector256.Abs(x);
        var v = Vector256.MinNative(t, c.BigX);
        var u = TableGather.Gather(table, TableGather.Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex));

        // One Halley step: r = B(u) − v, B' = b·A'e^(bu) + d·C'e^(−du), B'' = b²·A'e^(bu) − d²·C'e^(−du);
        // u −= q·(1 + q·B''/(2B')) with q = r/B' (Chebyshev form of Halley: one division, no B'² overflow).
        var p = c.AShift * ExpLogV256.Expm1Core(c.B * u);
        var m = c.CShift * ExpLogV256.Expm1Core(c.MinusD * u); // ≤ 0
        var r = (p - m) - v;
        var ea = p + c.AShift;
        var ec = m + c.CShift;
        var d1 = Vector256.FusedMultiplyAdd(c.B, ea, c.D * ec);
        var d2 = Vector256.FusedMultiplyAdd(c.BSquared, ea, -(c.DSquared * ec));
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
        public readonly Vector256<float> B = Vector256.Create(k.BF);
        public readonly Vector256<float> D = Vector256.Create(k.DF);
        public readonly Vector256<float> MinusD = Vector256.Create(-k.DF);
        public readonly Vector256<float> BSquared = Vector256.Create(k.BSquaredF);
        public readonly Vector256<float> DSquared = Vector256.Create(k.DSquaredF);
        public readonly Vector256<float> AShift = Vector256.Create(k.AShiftF);
        public readonly Vector256<float> CShift = Vector256.Create(k.CShiftF);
        public readonly Vector256<float> LogA = Vector256.Create(k.LogAF);
        public readonly Vector256<float> InverseB = Vector256.Create(k.InverseBF);
        public readonly Vector256<float> BigX = Vector256.Create(k.BigXF);
        public readonly Vector256<float> Start = Vector256.Create(k.GuessTable.Start);
        public readonly Vector256<int> StartBitsMinusHalf = Vector256.Create(k.GuessTable.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly Vector256<int> MaxIndex = Vector256.Create(k.GuessTable.MaxIndex);
    }
}
