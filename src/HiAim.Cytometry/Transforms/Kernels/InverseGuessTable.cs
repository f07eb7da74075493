using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Solves a monotone scale function y(v) (logicle, hyperlog) from a per-transform table. With u = y − x1 and
/// B(u) the data value of scale value x1 + u, nodes x_i sit uniformly in the float bit pattern of v + S (S a
/// power of two): those bits are a cheap monotone stand-in for an asinh-like log2(1 + v/S), linear in v on
/// [0, S), then <see cref="NodesPerBinade"/> nodes per binade, so the nearest node is within 1/128 of v in
/// relative terms. Each node holds u_i = u(x_i) (as float hi + lo), u'(x_i) = 1/B' and u''(x_i)/2 =
/// −B''/(2B'³), all in double from the scalar twin. The kernels evaluate
/// u = u_i + Δ·(u' + Δ·u''/2), Δ = v − x_i: this is exactly one Halley step (Chebyshev form) from the
/// node, where the residual B(u_i) − v = x_i − v is known without evaluating a single exponential.
/// Index: i = (bits(v + S) − bits(S) + half) &gt;&gt; (23 − <see cref="SegmentBits"/>), clamped to the table.
/// </summary>
internal sealed class InverseGuessTable
{
    /// <summary>log2 of <see cref="NodesPerBinade"/>.</summary>
    public const int SegmentBits = 6;

    /// <summary>Table nodes per binade of v + S.</summary>
    public const int NodesPerBinade = 1 << SegmentBits;

    /// <summary>Right shift from float bits to node index.</summary>
    public const int Shift = 23 - SegmentBits;

    /// <param name="u">u(v) = y(v) − x1 for v ≥ 0, in double (the scalar twin).</param>
    /// <param name="derivatives">B'(u) and B''(u) (data per scale unit) at u, in double.</param>
    /// <param name="start">S: the scale below which u is nearly linear; rounded down to a power of two.</param>
    /// <param name="vMax">Largest v the table must cover.</param>
    public InverseGuessTable(Func<double, double> u, Func<double, (double First, double Second)> derivatives, double start, double vMax)
    {
        var exponent = Math.Clamp(Math.ILogB(Math.Max(start, 1e-30)), -100, 100);
        Start = MathF.ScaleB(1, exponent);
        StartBits = BitConverter.SingleToInt32Bits(Start);
        var last = (BitConverter.SingleToInt32Bits((float)vMax + Start) - StartBits + (1 << (Shift - 1))) >> Shift;
        MaxIndex = last + 1;
        Records = GC.AllocateUninitializedArray<float>(4 * (MaxIndex + 1), pinned: true);
        for (var i = 0; i <= MaxIndex; i++)
        {
            // The node exactly as the kernels form it, in float.
            var node = (double)(BitConverter.Int32BitsToSingle(StartBits + (i << Shift)) - Start);
            var ui = u(node);
            var (b1, b2) = derivatives(ui);
            var hi = (float)ui;
            Records[4 * i] = hi;
            Records[(4 * i) + 1] = (float)(ui - hi);
            Records[(4 * i) + 2] = (float)(1 / b1);
            Records[(4 * i) + 3] = (float)(-b2 / (2 * b1 * b1 * b1));
        }
    }

    /// <summary>S, a power of two.</summary>
    public float Start { get; }

    /// <summary>Float bits of S.</summary>
    public int StartBits { get; }

    /// <summary>Largest valid index.</summary>
    public int MaxIndex { get; }

    /// <summary>Per node: u hi, u lo, u', u''/2 (pinned, 16 bytes a node).</summary>
    public float[] Records { get; }

    /// <summary>Scalar form of the index the SIMD kernels compute (for tests and documentation).</summary>
    public int Index(float v)
    {
        var i = (BitConverter.SingleToInt32Bits(v + Start) - StartBits + (1 << (Shift - 1))) >> Shift;
        return Math.Clamp(i, 0, MaxIndex);
    }

    /// <summary>Scalar form of the kernels' evaluation for v in [0, vMax] (for tests).</summary>
    public float Solve(float v)
    {
        var i = Index(v);
        var node = BitConverter.Int32BitsToSingle(StartBits + (i << Shift)) - Start;
        var delta = v - node;
        var r = Records.AsSpan(4 * i, 4);
        return r[0] + MathF.FusedMultiplyAdd(delta, MathF.FusedMultiplyAdd(delta, r[3], r[2]), r[1]);
    }
}

/// <summary>
/// Record loads for the SIMD kernels: one 16-byte load per lane and a 4×4 transpose (per 128-bit half), which
/// measured faster here than four vgatherdps (microcoded and slow on the Zen 3 VM used) or scalar loads.
/// </summary>
internal static unsafe class TableGather
{
    /// <summary>Loads the 4-float records at <paramref name="index"/> and returns field k of each lane in vector k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> F0, Vector256<float> F1, Vector256<float> F2, Vector256<float> F3) Records(float* table, Vector256<int> index)
    {
        var (a0, a1, a2, a3) = Transpose(
            Vector128.Load(table + (4 * index.GetElement(0))), Vector128.Load(table + (4 * index.GetElement(1))),
            Vector128.Load(table + (4 * index.GetElement(2))), Vector128.Load(table + (4 * index.GetElement(3))));
        var (b0, b1, b2, b3) = Transpose(
            Vector128.Load(table + (4 * index.GetElement(4))), Vector128.Load(table + (4 * index.GetElement(5))),
            Vector128.Load(table + (4 * index.GetElement(6))), Vector128.Load(table + (4 * index.GetElement(7))));
        return (Vector256.Create(a0, b0), Vector256.Create(a1, b1), Vector256.Create(a2, b2), Vector256.Create(a3, b3));
    }

    /// <summary>Loads the 4-float records at <paramref name="index"/> (16 lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> F0, Vector512<float> F1, Vector512<float> F2, Vector512<float> F3) Records(float* table, Vector512<int> index)
    {
        var (a0, a1, a2, a3) = Records(table, index.GetLower());
        var (b0, b1, b2, b3) = Records(table, index.GetUpper());
        return (Vector512.Create(a0, b0), Vector512.Create(a1, b1), Vector512.Create(a2, b2), Vector512.Create(a3, b3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Transpose(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3)
    {
        if (Sse.IsSupported)
        {
            var t0 = Sse.UnpackLow(r0, r1);   // r0.0 r1.0 r0.1 r1.1
            var t1 = Sse.UnpackLow(r2, r3);   // r2.0 r3.0 r2.1 r3.1
            var t2 = Sse.UnpackHigh(r0, r1);  // r0.2 r1.2 r0.3 r1.3
            var t3 = Sse.UnpackHigh(r2, r3);  // r2.2 r3.2 r2.3 r3.3
            return (Sse.MoveLowToHigh(t0, t1), Sse.MoveHighToLow(t1, t0), Sse.MoveLowToHigh(t2, t3), Sse.MoveHighToLow(t3, t2));
        }

        return (
            Vector128.Create(r0[0], r1[0], r2[0], r3[0]), Vector128.Create(r0[1], r1[1], r2[1], r3[1]),
            Vector128.Create(r0[2], r1[2], r2[2], r3[2]), Vector128.Create(r0[3], r1[3], r2[3], r3[3]));
    }

    /// <summary>Node index of each lane (see <see cref="InverseGuessTable.Index(float)"/>), for <see cref="TableSolveV256"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Index(Vector256<float> v, Vector256<float> start, Vector256<int> startBitsMinusHalf, Vector256<int> maxIndex)
    {
        var i = Vector256.ShiftRightArithmetic((v + start).AsInt32() - startBitsMinusHalf, InverseGuessTable.Shift);
        return Vector256.Min(Vector256.Max(i, Vector256<int>.Zero), maxIndex);
    }

    /// <summary>Node values x_i of each lane's index, in float exactly as the table was built, for <see cref="TableSolveV256"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Node(Vector256<int> index, Vector256<int> startBits, Vector256<float> start) =>
        (Vector256.ShiftLeft(index, InverseGuessTable.Shift) + startBits).AsSingle() - start;
}
