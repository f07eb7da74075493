using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Uniform 2-byte unsigned integers, AVX2: a dword gather of 8 events per channel (the upper two bytes
/// belong to the next field and are dropped), byte swap by shifts, mask, <c>vcvtdq2ps</c>.</summary>
internal sealed class FcsDecodeUniform2V256 : FcsDecodeKernel
{
    public override string Name => "Uniform2.V256";

    public override FcsDecodeShape Shape => FcsDecodeShape.Uniform2;

    public override KernelIsa Isa => KernelIsa.Avx2;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        if (events == 0)
        {
            return;
        }

        if (plan.LittleEndian == BitConverter.IsLittleEndian)
        {
            Run<FlagOff>(data, plan, events, columns, firstRow);
        }
        else
        {
            Run<FlagOn>(data, plan, events, columns, firstRow);
        }
    }

    private static unsafe void Run<TSwap>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
    {
        // The dword read of the last field of an event runs 2 bytes past it: keep it inside the span.
        var safe = ((long)events * plan.Stride) + 2 <= data.Length ? events : events - 1;
        var stride = plan.Stride;
        var masks = plan.Masks;
        var index = Vector256<int>.Indices * stride;
        var step = (nint)stride * Vector256<int>.Count;
        var low = Vector256.Create(0xFF);
        var high = Vector256.Create(0xFF00);
        var nonTemporal = FcsBlock.NonTemporal(events, plan.Channels);
        using var pinned = new FcsPinnedColumns(columns, plan.Channels, firstRow);
        fixed (byte* p = data)
        {
            for (var b = 0; b < safe; b += BlockEvents)
            {
                for (var c = 0; c < plan.Channels; c++)
                {
                    var col = pinned.Row(c);
                    var (lo, hi) = FcsAlignedRun.Block(col, 8, b, safe);
                    var src = p + ((nint)lo * stride) + (c * 2);
                    var mask = Vector256.Create((int)masks[c]);
                    for (var e = lo; e < hi; e += 8, src += step)
                    {
                        var v = Avx2.GatherVector256((int*)src, index, 1);
                        if (TSwap.Value)
                        {
                            v = (Vector256.ShiftLeft(v, 8) & high) | (Vector256.ShiftRightLogical(v, 8) & low);
                        }

                        FcsBlock.Store(col + e, Vector256.ConvertToSingle(v & mask), nonTemporal);
                    }
                }
            }
        }

        Sse.StoreFence();
        for (var c = 0; c < plan.Channels; c++)
        {
            var (head, tail) = FcsAlignedRun.Edges(pinned.Row(c), 8, safe);
            FcsDecodeUniform2Scalar.DecodeChannel(data, plan, c, 0, head, columns[c], firstRow);
            FcsDecodeUniform2Scalar.DecodeChannel(data, plan, c, tail, events, columns[c], firstRow);
        }
    }
}
