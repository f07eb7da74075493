using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Uniform 4-byte fields, AVX-512: one <c>vpgatherdd</c> pulls 16 events of a channel out of an
/// L1-resident block, <c>vpshufb</c> swaps byte order, <c>vcvtudq2ps</c> converts masked integers.</summary>
internal sealed class FcsDecodeUniform4V512 : FcsDecodeKernel
{
    public override string Name => "Uniform4.V512";

    public override FcsDecodeShape Shape => FcsDecodeShape.Uniform4;

    public override KernelIsa Isa => KernelIsa.Avx512;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        var vecEnd = events & ~15;
        var swap = plan.LittleEndian != BitConverter.IsLittleEndian;
        if (plan.IsFloat)
        {
            if (swap)
            {
                Run<FlagOn, FlagOff>(data, plan, vecEnd, columns, firstRow);
            }
            else
            {
                Run<FlagOff, FlagOff>(data, plan, vecEnd, columns, firstRow);
            }
        }
        else if (swap)
        {
            Run<FlagOn, FlagOn>(data, plan, vecEnd, columns, firstRow);
        }
        else
        {
            Run<FlagOff, FlagOn>(data, plan, vecEnd, columns, firstRow);
        }

        FcsDecodeUniform4Scalar.DecodeRange(data, plan, vecEnd, events, columns, firstRow);
    }

    private static unsafe void Run<TSwap, TInt>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int end, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
        where TInt : struct, IKernelFlag
    {
        var stride = plan.Stride;
        var masks = plan.Masks;
        var index = Vector512<int>.Indices * stride;
        var indexLo = index.GetLower();
        var indexHi = index.GetUpper();
        var step = (nint)stride * Vector512<int>.Count;
        var swapBytes = Vector512.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        fixed (byte* p = data)
        {
            for (var b = 0; b < end; b += BlockEvents)
            {
                var n = Math.Min(BlockEvents, end - b);
                for (var c = 0; c < plan.Channels; c++)
                {
                    ref var dst = ref columns[c][firstRow + b];
                    var src = p + ((nint)b * stride) + (c * 4);
                    var mask = Vector512.Create(masks[c]);
                    for (var e = 0; e < n; e += 16, src += step)
                    {
                        var v = FcsGather.Gather16((int*)src, indexLo, indexHi).AsUInt32();
                        if (TSwap.Value)
                        {
                            v = FcsGather.SwapBytes(v, swapBytes);
                        }

                        var f = TInt.Value ? Vector512.ConvertToSingle(v & mask) : v.AsSingle();
                        f.StoreUnsafe(ref Unsafe.Add(ref dst, e));
                    }
                }
            }
        }
    }
}
