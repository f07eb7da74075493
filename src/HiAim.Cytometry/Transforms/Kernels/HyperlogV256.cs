using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Hyperlog on <see cref="Vector256{T}"/>. Forward: <see cref="TableSolveV256"/> (nearest node of the transform's
/// <see cref="InverseGuessTable"/> plus one Halley step from it, no exponentials; ln only above BigX).
/// Inverse (in double, widened from float): the closed form directly, or its Taylor series within w/4 of x1.
/// Tails go to <see cref="HyperlogScalar"/>.
/// </summary>
internal static class HyperlogV256
{
    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        var done = TableSolveV256.Forward(k.GuessTable, k.X1F, k.LogAF, k.InverseBF, k.BigXF, source, destination);
        if (done < source.Length)
        {
            HyperlogScalar.Forward(k, source[done..], destination[done..]);
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
}
