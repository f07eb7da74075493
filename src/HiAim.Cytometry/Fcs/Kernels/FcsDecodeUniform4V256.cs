using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Uniform 4-byte fields, AVX2: <c>vpgatherdd</c> of 8 events per channel, <c>vpshufb</c> byte swap.</summary>
internal sealed class FcsDecodeUniform4V256 : FcsDecodeKernel
{
    public override string Name => "Uniform4.V256";

    public override FcsDecodeShape Shape => FcsDecodeShape.Uniform4;

    public override KernelIsa Isa => KernelIsa.Avx2;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        if (events == 0)
        {
            return;
        }

        var swap = plan.LittleEndian != BitConverter.IsLittleEndian;
        if (plan.IsFloat)
        {
            if (swap)
            {
                Run<FlagOn, FlagOff>(data, plan, events, columns, firstRow);
            }
            else
            {
                Run<FlagOff, FlagOff>(data, plan, events, columns, firstRow);
            }
        }
        else if (swap)
        {
            Run<FlagOn, FlagOn>(data, plan, events, columns, firstRow);
        }
        else
        {
            Run<FlagOff, FlagOn>(data, plan, events, columns, firstRow);
        }
    }

    private static unsafe void Run<TSwap, TInt>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
        where TInt : struct, IKernelFlag
    {
        var stride = plan.Stride;
        var masks = plan.Masks;
        var index = Vector256<int>.Indices * stride;
        var step = (nint)stride * Vector256<int>.Count;
        var swapBytes = Vector256.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        var nonTemporal = FcsBlock.NonTemporal(events, plan.Channels);
        using var pinned = new FcsPinnedColumns(columns, plan.Channels, firstRow);
        fixed (byte* p = data)
        {
            for (var b = 0; b < events; b += BlockEvents)
            {
                for (var c = 0; c < plan.Channels; c++)
                {
                    var col = pinned.Row(c);
                    // Each column gets 32-byte aligned non-temporal stores: no read-for-ownership of the output.
                    var (lo, hi) = FcsAlignedRun.Block(col, 8, b, events);
                    var src = p + ((nint)lo * stride) + (c * 4);
                    var mask = Vector256.Create(masks[c]);
                    for (var e = lo; e < hi; e += 8, src += step)
                    {
                        var v = Avx2.GatherVector256((int*)src, index, 1).AsUInt32();
                        if (TSwap.Value)
                        {
                            v = Avx2.Shuffle(v.AsByte(), swapBytes).AsUInt32();
                        }

                        var f = TInt.Value ? Vector256.ConvertToSingle(v & mask) : v.AsSingle();
                        FcsBlock.Store(col + e, f, nonTemporal);
                    }
                }
            }
        }

        Sse.StoreFence();
        for (var c = 0; c < plan.Channels; c++)
        {
            var (head, tail) = FcsAlignedRun.Edges(pinned.Row(c), 8, events);
            FcsDecodeUniform4Scalar.DecodeChannel(data, plan, c, 0, head, columns[c], firstRow);
            FcsDecodeUniform4Scalar.DecodeChannel(data, plan, c, tail, events, columns[c], firstRow);
        }
    }
}
