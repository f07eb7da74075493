using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Logicle on <see cref="Vector512{T}"/> (16 floats). Forward, in u = y − x1 for |x|: a first guess gathered
/// from the transform's <see cref="InverseGuessTable"/> (nearest node in the bits of |x| + S), then one
/// Halley step (in its one-division Chebyshev form) on B(u) − |x| = A'·expm1(b·u) − C'·expm1(−d·u) − |x|,
/// which has no cancellation near data zero, with <see cref="ExpLogV512.Expm1Core"/>; y = x1 ± u.
/// |x| above <see cref="LogicleCoefficients.BigX"/> takes y = ln(|x|/a)/b (only computed when a lane needs it).
/// Inverse (in double, widened from float): B(y) directly, or its Taylor series within w/4 of x1.
/// Tails go to <see cref="LogicleScalar"/>.
/// </summary>
internal static unsafe class LogicleV512
{
    /// <summary>Halley steps after the table guess; the tests bound the resulting error against the scalar twin.</summary>
    public const int HalleySteps = 1;

    public static void Forward(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
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
            LogicleScalar.Forward(k, source[(int)i..], destination[(int)i..]);
        }
    }

    public static void Inverse(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
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
            LogicleScalar.Inverse(k, source[(int)i..], destination[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ForwardCore(Vector512<float> x, in Constants c, float* table)
    {
        var t = Vector512.Abs(x);
        var v = Vector512.MinNative(t, c.BigX);
        var u = TableGather.Gather(table, TableGather.Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex));

        // One Halley step: r = B(u) − v, B' = b·A'e^(bu) + d·C'e^(−du), B'' = b²·A'e^(bu) − d²·C'e^(−du);
        // u −= q·(1 + q·B''/(2B')) with q = r/B' (Chebyshev form of Halley: one division, no B'² overflow).
        var p = c.AShift * ExpLogV512.Expm1Core(c.B * u);
        var m = c.CShift * ExpLogV512.Expm1Core(c.MinusD * u); // ≤ 0
        var r = (p - m) - v;
        var ea = p + c.AShift;
        var ec = m + c.CShift;
        var d1 = Vector512.FusedMultiplyAdd(c.B, ea, c.D * ec);
        var d2 = Vector512.FusedMultiplyAdd(c.BSquared, ea, -(c.DSquared * ec));
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

    // The inverse runs in double: B(y) = a·e^(b·y) + f − c·e^(−d·y) cancels heavily just above the
    // Taylor region, and y − x1 must be formed exactly, which float cannot do.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> InverseCore(Vector512<double> y, in InverseConstants c, double[] taylor)
    {
        var negative = Vector512.LessThan(y, c.X1);
        var s = Vector512.ConditionalSelect(negative, c.TwoX1 - y, y);
        var ae = Vector512.Exp(Vector512.FusedMultiplyAdd(c.B, s, c.LogA));
        var ce = Vector512.Exp(Vector512.FusedMultiplyAdd(c.MinusD, s, c.LogC));
        var direct = (ae + c.F) - ce;

        var u = s - c.X1;
        var sum = Vector512.Create(taylor[LogicleCoefficients.TaylorLength - 1]) * u;
        for (var i = LogicleCoefficients.TaylorLength - 2; i >= 2; i--)
        {
            sum = (sum + Vector512.Create(taylor[i])) * u;
        }

        var series = Vector512.FusedMultiplyAdd(sum, u, Vector512.Create(taylor[0])) * u;
        var value = Vector512.ConditionalSelect(Vector512.LessThan(s, c.XTaylor), series, direct);
        return Vector512.ConditionalSelect(negative, -value, value);
    }

    private readonly struct InverseConstants(LogicleCoefficients k)
    {
        public readonly Vector512<double> X1 = Vector512.Create(k.X1);
        public readonly Vector512<double> TwoX1 = Vector512.Create(2 * k.X1);
        public readonly Vector512<double> XTaylor = Vector512.Create(k.XTaylor);
        public readonly Vector512<double> B = Vector512.Create(k.B);
        public readonly Vector512<double> MinusD = Vector512.Create(-k.D);
        public readonly Vector512<double> LogA = Vector512.Create(Math.Log(k.LowerA));
        public readonly Vector512<double> LogC = Vector512.Create(Math.Log(k.C));
        public readonly Vector512<double> F = Vector512.Create(k.F);
    }

    private readonly struct Constants(LogicleCoefficients k)
    {
        public readonly Vector512<float> X1 = Vector512.Create(k.X1F);
        public readonly Vector512<float> B = Vector512.Create(k.BF);
        public readonly Vector512<float> D = Vector512.Create(k.DF);
        public readonly Vector512<float> MinusD = Vector512.Create(-k.DF);
        public readonly Vector512<float> BSquared = Vector512.Create(k.BSquaredF);
        public readonly Vector512<float> DSquared = Vector512.Create(k.DSquaredF);
        public readonly Vector512<float> AShift = Vector512.Create(k.AShiftF);
        public readonly Vector512<float> CShift = Vector512.Create(k.CShiftF);
        public readonly Vector512<float> LogA = Vector512.Create(k.LogAF);
        public readonly Vector512<float> InverseB = Vector512.Create(k.InverseBF);
        public readonly Vector512<float> BigX = Vector512.Create(k.BigXF);
        public readonly Vector512<float> Start = Vector512.Create(k.GuessTable.Start);
        public readonly Vector512<int> StartBitsMinusHalf = Vector512.Create(k.GuessTable.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly Vector512<int> MaxIndex = Vector512.Create(k.GuessTable.MaxIndex);
    }
}
