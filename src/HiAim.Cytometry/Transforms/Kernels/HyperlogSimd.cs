using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Hyperlog on the vector width <typeparamref name="W"/>. Forward: <see cref="TableSolveSimd{W, F, I, D}"/> (nearest node of the transform's
/// <see cref="InverseGuessTable"/> plus one Halley step from it, no exponentials; ln only above BigX).
/// Inverse (in double, widened from float): the closed form directly, or its Taylor series within w/4 of x1.
/// Tails go to <see cref="HyperlogScalar"/>.
/// </summary>
internal static class HyperlogSimd<W, F, I, D>
    where W : struct, ISimdWidth<F, I, D>
    where F : unmanaged
    where I : unmanaged
    where D : unmanaged
{
    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        // Vector256: the hand-written TableSolveV256 (measured faster than the generic body there; see that file).
        var done = W.Count == Vector256<float>.Count
            ? TableSolveV256.Forward(k.GuessTable, k.X1F, k.LogAF, k.InverseBF, k.BigXF, source, destination)
            : TableSolveSimd<W, F, I, D>.Forward(k.GuessTable, k.X1F, k.LogAF, k.InverseBF, k.BigXF, source, destination);
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
        if (n >= (nuint)W.Count)
        {
            var c = new InverseConstants(k);
            var taylor = k.Taylor;
            var last = n - (nuint)W.Count;
            for (; i <= last; i += (nuint)W.Count)
            {
                var (lower, upper) = W.Widen(W.Load(ref src, i));
                W.Store(W.Narrow(InverseCore(lower, c, taylor), InverseCore(upper, c, taylor)), ref dst, i);
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
    private static D InverseCore(D y, in InverseConstants c, double[] taylor)
    {
        var negative = W.LessThan(y, c.X1);
        var s = W.ConditionalSelect(negative, W.Subtract(c.TwoX1, y), y);
        var ae = W.Exp(W.FusedMultiplyAdd(c.B, s, c.LogA));
        var direct = W.Subtract(W.FusedMultiplyAdd(c.C, s, ae), c.F);

        var u = W.Subtract(s, c.X1);
        var sum = W.Multiply(W.Create(taylor[HyperlogCoefficients.TaylorLength - 1]), u);
        for (var i = HyperlogCoefficients.TaylorLength - 2; i >= 0; i--)
        {
            sum = W.Multiply(W.Add(sum, W.Create(taylor[i])), u);
        }

        var value = W.ConditionalSelect(W.LessThan(s, c.XTaylor), sum, direct);
        return W.ConditionalSelect(negative, W.Negate(value), value);
    }

    private readonly struct InverseConstants(HyperlogCoefficients k)
    {
        public readonly D X1 = W.Create(k.X1);
        public readonly D TwoX1 = W.Create(2 * k.X1);
        public readonly D XTaylor = W.Create(k.XTaylor);
        public readonly D B = W.Create(k.B);
        public readonly D LogA = W.Create(Math.Log(k.LowerA));
        public readonly D C = W.Create(k.C);
        public readonly D F = W.Create(k.F);
    }
}
