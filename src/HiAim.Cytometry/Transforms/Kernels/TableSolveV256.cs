using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// The forward of a table-solved scale (logicle, hyperlog) on <see cref="Vector256{T}"/> (8 floats): for
/// |x| up to BigX, the nearest <see cref="InverseGuessTable"/> node and one Halley step from it,
/// u = u_i + Δ·(u' + Δ·u''/2) with Δ = |x| − x_i (see the table); above BigX, u = ln(|x|/a)/b − x1 with
/// <see cref="ExpLogV256.Log(Vector256{float})"/>, computed only when a lane needs it. y = x1 ± u, NaN stays NaN.
/// </summary>
/// <remarks>
/// Kept as a separate Vector256 copy of <see cref="TableSolveSimd{W, F, I, D}"/> (which serves Vector512) because
/// it measured faster: BenchmarkDotNet short job, in process, 65,536 values, same machine and load, ns/value for the
/// V256 forward: with the generic body logicle 2.01 / 2.53 / 3.20 / 2.92 and hyperlog 2.76 / 3.32 / 3.01 / 3.94
/// (four runs), with this copy logicle 1.88 / 1.39 / 0.98 and hyperlog 1.12 / 1.40 / 1.44, the pre-merge code logicle
/// 1.00 / 1.14 / 1.44 / 2.05 and hyperlog 1.83 / 2.37 / 2.11 / 2.50; a Stopwatch loop over Transform.Apply with
/// AVX-512 off agreed (generic logicle 1.71 / 1.46, hyperlog 2.02 / 1.97; this copy 0.92 / 1.46 and 0.99 / 1.54;
/// before 0.90 / 0.91 and 0.97 / 0.97). See benchmarks/README.md, "Width-generic kernels". The Tier1 listing of
/// the generic instantiation matched this class's, so the cause is not understood; until it is, the copy stays.
/// </remarks>
internal static unsafe class TableSolveV256
{
    /// <summary>Runs the kernel over whole vectors and returns how many values it wrote (the caller does the tail).</summary>
    public static int Forward(InverseGuessTable guess, float x1, float logA, float inverseB, float bigX, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector256<float>.Count)
        {
            var c = new Constants(guess, x1, logA, inverseB, bigX);
            fixed (float* table = guess.Records)
            {
                var last = n - (nuint)Vector256<float>.Count;
                for (; i <= last; i += (nuint)Vector256<float>.Count)
                {
                    Core(Vector256.LoadUnsafe(ref src, i), c, table).StoreUnsafe(ref dst, i);
                }
            }
        }

        return (int)i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Core(Vector256<float> x, in Constants c, float* table)
    {
        var t = Vector256.Abs(x);
        var v = Vector256.MinNative(t, c.BigX);
        var index = TableGather.Index(v, c.Start, c.StartBitsMinusHalf, c.MaxIndex);
        var (hi, lo, slope, curvature) = TableGather.Records(table, index);
        var delta = v - TableGather.Node(index, c.StartBits, c.Start); // exact: v is within 1/128 of the node
        var u = hi + Vector256.FusedMultiplyAdd(delta, Vector256.FusedMultiplyAdd(delta, curvature, slope), lo);
        u = Vector256.MaxNative(u, Vector256<float>.Zero);

        var big = Vector256.GreaterThan(t, c.BigX);
        if (big != Vector256<float>.Zero)
        {
            var logT = (ExpLogV256.Log(t) - c.LogA) * c.InverseB;
            u = Vector256.ConditionalSelect(big, logT - c.X1, u);
        }

        var y = c.X1 + (u | (x & Vector256.Create(-0f))); // x1 + u, or x1 − u for negative x
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x); // NaN stays NaN
    }

    private readonly struct Constants(InverseGuessTable guess, float x1, float logA, float inverseB, float bigX)
    {
        public readonly Vector256<float> X1 = Vector256.Create(x1);
        public readonly Vector256<float> LogA = Vector256.Create(logA);
        public readonly Vector256<float> InverseB = Vector256.Create(inverseB);
        public readonly Vector256<float> BigX = Vector256.Create(bigX);
        public readonly Vector256<float> Start = Vector256.Create(guess.Start);
        public readonly Vector256<int> StartBits = Vector256.Create(guess.StartBits);
        public readonly Vector256<int> StartBitsMinusHalf = Vector256.Create(guess.StartBits - (1 << (InverseGuessTable.Shift - 1)));
        public readonly Vector256<int> MaxIndex = Vector256.Create(guess.MaxIndex);
    }
}
