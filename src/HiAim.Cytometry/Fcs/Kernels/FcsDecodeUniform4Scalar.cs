using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Uniform 4-byte fields (float32 or masked uint32, either byte order), scalar: the portable fallback
/// and the tail of the vector kernels.</summary>
internal sealed class FcsDecodeUniform4Scalar : FcsDecodeKernel
{
    public override string Name => "Uniform4.Scalar";

    public override FcsDecodeShape Shape => FcsDecodeShape.Uniform4;

    public override KernelIsa Isa => KernelIsa.Scalar;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        DecodeRange(data, plan, 0, events, columns, firstRow);
    }

    /// <summary>Decodes events [<paramref name="start"/>, <paramref name="end"/>); the caller has checked bounds.</summary>
    internal static void DecodeRange(ReadOnlySpan<byte> data, FcsDecodePlan plan, int start, int end, float[][] columns, int firstRow)
    {
        var swap = plan.LittleEndian != BitConverter.IsLittleEndian;
        if (plan.IsFloat)
        {
            if (swap)
            {
                Run<FlagOn, FlagOff>(data, plan, start, end, columns, firstRow);
            }
            else
            {
                Run<FlagOff, FlagOff>(data, plan, start, end, columns, firstRow);
            }
        }
        else if (swap)
        {
            Run<FlagOn, FlagOn>(data, plan, start, end, columns, firstRow);
        }
        else
        {
            Run<FlagOff, FlagOn>(data, plan, start, end, columns, firstRow);
        }
    }

    private static void Run<TSwap, TInt>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int start, int end, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
        where TInt : struct, IKernelFlag
    {
        ref var src = ref MemoryMarshal.GetReference(data);
        var stride = (nint)plan.Stride;
        var masks = plan.Masks;
        for (var b = start; b < end; b += BlockEvents)
        {
            var n = Math.Min(BlockEvents, end - b);
            for (var c = 0; c < plan.Channels; c++)
            {
                ref var dst = ref columns[c][firstRow + b];
                var at = (b * stride) + (c * 4);
                var mask = masks[c];
                for (var e = 0; e < n; e++, at += stride)
                {
                    var v = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, at));
                    if (TSwap.Value)
                    {
                        v = BinaryPrimitives.ReverseEndianness(v);
                    }

                    Unsafe.Add(ref dst, e) = TInt.Value ? (float)(v & mask) : BitConverter.UInt32BitsToSingle(v);
                }
            }
        }
    }

    /// <summary>One channel, events [<paramref name="start"/>, <paramref name="end"/>): the short heads and tails
    /// of the vector kernels' aligned column runs.</summary>
    internal static void DecodeChannel(ReadOnlySpan<byte> data, FcsDecodePlan plan, int channel, int start, int end, float[] column, int firstRow)
    {
        var swap = plan.LittleEndian != BitConverter.IsLittleEndian;
        var mask = plan.Masks[channel];
        for (var e = start; e < end; e++)
        {
            var v = MemoryMarshal.Read<uint>(data[(int)((e * (long)plan.Stride) + (channel * 4))..]);
            v = swap ? BinaryPrimitives.ReverseEndianness(v) : v;
            column[firstRow + e] = plan.IsFloat ? BitConverter.UInt32BitsToSingle(v) : (float)(v & mask);
        }
    }
}
