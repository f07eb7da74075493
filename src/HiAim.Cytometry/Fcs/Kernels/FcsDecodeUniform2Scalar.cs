using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Uniform 2-byte unsigned integers (either byte order, per-channel mask), scalar: the portable fallback
/// and the tail of the vector kernels.</summary>
internal sealed class FcsDecodeUniform2Scalar : FcsDecodeKernel
{
    public override string Name => "Uniform2.Scalar";

    public override FcsDecodeShape Shape => FcsDecodeShape.Uniform2;

    public override KernelIsa Isa => KernelIsa.Scalar;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        DecodeRange(data, plan, 0, events, columns, firstRow);
    }

    /// <summary>Decodes events [<paramref name="start"/>, <paramref name="end"/>); the caller has checked bounds.</summary>
    internal static void DecodeRange(ReadOnlySpan<byte> data, FcsDecodePlan plan, int start, int end, float[][] columns, int firstRow)
    {
        if (plan.LittleEndian != BitConverter.IsLittleEndian)
        {
            Run<FlagOn>(data, plan, start, end, columns, firstRow);
        }
        else
        {
            Run<FlagOff>(data, plan, start, end, columns, firstRow);
        }
    }

    private static void Run<TSwap>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int start, int end, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
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
                var at = (b * stride) + (c * 2);
                var mask = masks[c];
                for (var e = 0; e < n; e++, at += stride)
                {
                    var v = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref src, at));
                    if (TSwap.Value)
                    {
                        v = BinaryPrimitives.ReverseEndianness(v);
                    }

                    Unsafe.Add(ref dst, e) = (int)(v & mask);
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
            var v = MemoryMarshal.Read<ushort>(data[(int)((e * (long)plan.Stride) + (channel * 2))..]);
            v = swap ? BinaryPrimitives.ReverseEndianness(v) : v;
            column[firstRow + e] = (int)(v & mask);
        }
    }
}
