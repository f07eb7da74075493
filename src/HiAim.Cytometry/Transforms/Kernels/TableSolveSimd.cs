using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// The forward of a table-solved scale (logicle, hyperlog) on the vector width <typeparamref name="W"/>: for
/// |x| up to BigX, the nearest <see cref="InverseGuessTable"/> node and one Halley step from it,
/// u = u_i + Δ·(u' + Δ·u''/2) with Δ = |x| − x_i (see the table); above BigX, u = ln(|x|/a)/b − x1 with
/// <see cref="ExpLogSimd{W, F, I, D}.Log(F)"/>, computed only when a lane needs it. y = x1 ± u, NaN stays NaN.
/// </summary>
internal static unsafe class TableSolveSimd<W, F, I, D>
    where W : struct, ISimdWidth<F, I, D>
    where F : unmanaged
    where I : unmanaged
    where D : unmanaged
{
    /// <summary>Runs the kernel over whole vectors and returns how many values it wrote (the caller does the tail).</summary>
    public static int Forward(InverseGuessTable guess, float x1, float logA, float inverseB, float bigX, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)W.Count)
        {
            var c = new Constants(guess, x1, logA, inverseB, bigX);
            fixed (float* table = guess.Records)
            {
                var last = n - (nuint)W.Count;
                for (; i <= last; i += (nuint)W.Count)
                {
                    W.Store(Core(W.Load(ref src, i), c, table), ref dst, i);
                }
            }
        }

        return (int)i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static F Core(F x, in Constants c, float* table)
    {
        var t = W.Abs(x);
        var v = W.MinNative(t, c.BigX);
        var index = Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex);
        var (hi, lo, slope, curvature) = W.Records(table, index);
        var delta = W.Subtract(v, Node(index, c.StartBits, c.Start)); // exact: v is within 1/128 of the node
        var u = W.Add(hi, W.FusedMultiplyAdd(delta, W.FusedMultiplyAdd(delta, curvature, slope), lo));
        u = W.MaxNative(u, W.Create(0f));

        var big = W.GreaterThan(t, c.BigX);
        if (W.AnyBitSet(big))
        {
            var logT = W.Multiply(W.Subtract(ExpLogSimd<W, F, I, D>.Log(t), c.LogA), c.InverseB);
            u = W.ConditionalSelect(big, W.Subtract(logT, c.X1), u);
        }

        var y = W.Add(c.X1, W.Or(u, W.And(x, W.Create(-0f)))); // x1 + u, or x1 − u for negative x
        return W.ConditionalSelect(W.Equals(x, x), y, x); // NaN stays NaN
    }

    /// <summary>Node index of each lane (see <see cref="InverseGuessTable.Index(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static I Index(F v, F start, I startBitsMinusHalf, I maxIndex)
    {
        var i = W.ShiftRightArithmetic(W.Subtract(W.AsInt32(W.Add(v, start)), startBitsMinusHalf), InverseGuessTable.Shift);
        return W.Min(W.Max(i, W.Create(0)), maxIndex);
    }

    /// <summary>Node values x_i of each lane's index, in float exactly as the table was built.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static F Node(I index, I startBits, F start) => W.Subtract(W.AsSingle(W.Add(W.ShiftLeft(index, InverseGuessTable.Shift), startBits)), start);

    private readonly struct Constants(InverseGuessTable guess, float x1, float logA, float inverseB, float bigX)
    {
        public readonly F X1 = W.Create(x1);
        public readonly F LogA = W.Create(logA);
        public readonly F InverseB = W.Create(inverseB);
        public readonly F BigX = W.Create(bigX);
        public readonly F Start = W.Create(guess.Start);
        public readonly I StartBits = W.Create(guess.StartBits);
        public readonly I StartBitsMinusHalf = W.Create(guess.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly I MaxIndex = W.Create(guess.MaxIndex);
    }
}
