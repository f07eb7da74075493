using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Hyperlog on <see cref="Vector512{T}"/>. Forward: <see cref="TableSolveV512"/> (nearest node of the transform's
/// <see cref="InverseGuessTable"/> plus one Halley step from it, no exponentials; ln only above BigX).
/// Inverse (in double, widened from float): the closed form directly, or its Taylor series within w/4 of x1.
/// Tails go to <see cref="HyperlogScalar"/>.
/// </summary>
internal static class HyperlogV512
{
    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        var done = TableSolveV512.Forward(k.GuessTable, k.X1F, k.LogAF, k.InverseBF, k.BigXF, source, destination);
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
}
