using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// First guess for solving a monotone scale function: u(v) = y(v) − x1 for data values v ≥ 0, tabulated at
/// nodes uniform in the float bit pattern of v + S (S a power of two). Those bits are a cheap monotone
/// stand-in for asinh-like log2(1 + v/S): linear in v on [0, S), then <see cref="NodesPerBinade"/> nodes per
/// binade, so the nearest node is within half a grid step of v in relative terms (1/128) and the tabulated u
/// is within about ln(1 + 1/128)/b of the root, close enough for one Halley step to reach float precision.
/// Index: i = (bits(v + S) − bits(S) + half) &gt;&gt; (23 − <see cref="SegmentBits"/>), clamped to the table.
/// The table is pinned (on the pinned object heap) so SIMD kernels can gather from it.
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
    /// <param name="start">S: the scale below which u is nearly linear; rounded down to a power of two.</param>
    /// <param name="vMax">Largest v the table must cover.</param>
    public InverseGuessTable(Func<double, double> u, double start, double vMax)
    {
        var exponent = Math.Clamp(Math.ILogB(Math.Max(start, 1e-30)), -100, 100);
        Start = MathF.ScaleB(1, exponent);
        StartBits = BitConverter.SingleToInt32Bits(Start);
        var last = (BitConverter.SingleToInt32Bits((float)vMax + Start) - StartBits + (1 << (Shift - 1))) >> Shift;
        MaxIndex = last + 1;
        Values = GC.AllocateUninitializedArray<float>(MaxIndex + 1, pinned: true);
        for (var i = 0; i <= MaxIndex; i++)
        {
            var node = (double)BitConverter.Int32BitsToSingle(StartBits + (i << Shift)) - Start;
            Values[i] = (float)u(node);
        }
    }

    /// <summary>S, a power of two.</summary>
    public float Start { get; }

    /// <summary>Float bits of S.</summary>
    public int StartBits { get; }

    /// <summary>Largest valid index.</summary>
    public int MaxIndex { get; }

    /// <summary>u at the nodes (pinned).</summary>
    public float[] Values { get; }

    /// <summary>Scalar form of the index the SIMD kernels compute (for tests and documentation).</summary>
    public int Index(float v)
    {
        var i = (BitConverter.SingleToInt32Bits(v + Start) - StartBits + (1 << (Shift - 1))) >> Shift;
        return Math.Clamp(i, 0, MaxIndex);
    }
}

/// <summary>Table gathers for the SIMD kernels (AVX2 gather where available, element by element otherwise).</summary>
internal static unsafe class TableGather
{
    /// <summary>Whether to use vgatherdps (slower than eight scalar loads on the Zen 3 VM measured here).</summary>
    public static readonly bool UseHardwareGather = Environment.GetEnvironmentVariable("HIAIM_HW_GATHER") == "1";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gather(float* table, Vector256<int> index)
    {
        if (UseHardwareGather && Avx2.IsSupported)
        {
            return Avx2.GatherVector256(table, index, 4);
        }

        return Vector256.Create(
            table[index.GetElement(0)], table[index.GetElement(1)], table[index.GetElement(2)], table[index.GetElement(3)],
            table[index.GetElement(4)], table[index.GetElement(5)], table[index.GetElement(6)], table[index.GetElement(7)]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gather(float* table, Vector512<int> index) =>
        Vector512.Create(Gather(table, index.GetLower()), Gather(table, index.GetUpper()));

    /// <summary>Node index of each lane (see <see cref="InverseGuessTable.Index(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Index(Vector256<float> v, Vector256<float> start, Vector256<int> startBitsMinusHalf, Vector256<int> maxIndex)
    {
        var i = Vector256.ShiftRightArithmetic((v + start).AsInt32() - startBitsMinusHalf, InverseGuessTable.Shift);
        return Vector256.Min(Vector256.Max(i, Vector256<int>.Zero), maxIndex);
    }

    /// <summary>Node index of each lane (see <see cref="InverseGuessTable.Index(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Index(Vector512<float> v, Vector512<float> start, Vector512<int> startBitsMinusHalf, Vector512<int> maxIndex)
    {
        var i = Vector512.ShiftRightArithmetic((v + start).AsInt32() - startBitsMinusHalf, InverseGuessTable.Shift);
        return Vector512.Min(Vector512.Max(i, Vector512<int>.Zero), maxIndex);
    }
}
