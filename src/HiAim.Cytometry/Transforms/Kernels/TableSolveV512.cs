using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// The forward of a table-solved scale (logicle, hyperlog) on <see cref="Vector512{T}"/> (16 floats): for
/// |x| up to BigX, the nearest <see cref="InverseGuessTable"/> node and one Halley step from it,
/// u = u_i + Δ·(u' + Δ·u''/2) with Δ = |x| − x_i (see the table); above BigX, u = ln(|x|/a)/b − x1 with
/// <see cref="ExpLogV512.Log(Vector512{float})"/>, computed only when a lane needs it. y = x1 ± u, NaN stays NaN.
/// </summary>
internal static unsafe class TableSolveV512
{
    /// <summary>Runs the kernel over whole vectors and returns how many values it wrote (the caller does the tail).</summary>
    public static int Forward(InverseGuessTable guess, float x1, float logA, float inverseB, float bigX, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector512<float>.Count)
        {
            var c = new Constants(guess, x1, logA, inverseB, bigX);
            fixed (float* table = guess.Records)
            {
                var last = n - (nuint)Vector512<float>.Count;
                for (; i <= last; i += (nuint)Vector512<float>.Count)
                {
                    Core(Vector512.LoadUnsafe(ref src, i), c, table).StoreUnsafe(ref dst, i);
                }
            }
        }

        return (int)i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Core(Vector512<float> x, in Constants c, float* table)
    {
        var t = Vector512.Abs(x);
        var v = Vector512.MinNative(t, c.BigX);
        var index = TableGather.Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex);
        var (hi, lo, slope, curvature) = TableGather.Records(table, index);
        var delta = v - TableGather.Node(index, c.StartBits, c.Start); // exact: v is within 1/128 of the node
        var u = hi + Vector512.FusedMultiplyAdd(delta, Vector512.FusedMultiplyAdd(delta, curvature, slope), lo);
        u = Vector512.MaxNative(u, Vector512<float>.Zero);

        var big = Vector512.GreaterThan(t, c.BigX);
        if (big != Vector512<float>.Zero)
        {
            var logT = (ExpLogV512.Log(t) - c.LogA) * c.InverseB;
            u = Vector512.ConditionalSelect(big, logT - c.X1, u);
        }

        var y = c.X1 + (u | (x & Vector512.Create(-0f))); // x1 + u, or x1 − u for negative x
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x); // NaN stays NaN
    }

    private readonly struct Constants(InverseGuessTable guess, float x1, float logA, float inverseB, float bigX)
    {
        public readonly Vector512<float> X1 = Vector512.Create(x1);
        public readonly Vector512<float> LogA = Vector512.Create(logA);
        public readonly Vector512<float> InverseB = Vector512.Create(inverseB);
        public readonly Vector512<float> BigX = Vector512.Create(bigX);
        public readonly Vector512<float> Start = Vector512.Create(guess.Start);
        public readonly Vector512<int> StartBits = Vector512.Create(guess.StartBits);
        public readonly Vector512<int> StartBitsMinusHalf = Vector512.Create(guess.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly Vector512<int> MaxIndex = Vector512.Create(guess.MaxIndex);
    }
}
