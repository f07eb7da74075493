using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Uniform 2-byte unsigned integers, AVX-512: a dword gather of 16 events per channel (the upper two bytes
/// belong to the next field and are dropped), byte swap by shifts, mask, <c>vcvtdq2ps</c>.</summary>
internal sealed class FcsDecodeUniform2V512 : FcsDecodeKernel
{
    public override string Name => "Uniform2.V512";

    public override FcsDecodeShape Shape => FcsDecodeShape.Uniform2;

    public override KernelIsa Isa => KernelIsa.Avx512;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);

        // The dword read of the last field of an event runs 2 bytes past it: keep it inside the span.
        var safe = ((long)events * plan.Stride) + 2 <= data.Length ? events : Math.Max(0, events - 1);
        var vecEnd = safe & ~(16 - 1);
        if (plan.LittleEndian == BitConverter.IsLittleEndian)
        {
            Run<FlagOff>(data, plan, vecEnd, columns, firstRow);
        }
        else
        {
            Run<FlagOn>(data, plan, vecEnd, columns, firstRow);
        }

        FcsDecodeUniform2Scalar.DecodeRange(data, plan, vecEnd, events, columns, firstRow);
    }

    private static unsafe void Run<TSwap>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int end, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
    {
        var stride = plan.Stride;
        var masks = plan.Masks;
        var index = Vector512<int>.Indices * stride;
        var indexLo = index.GetLower();
        var indexHi = index.GetUpper();
        var step = (nint)stride * Vector512<int>.Count;
        var low = Vector512.Create(0xFF);
        var high = Vector512.Create(0xFF00);
        fixed (byte* p = data)
        {
            for (var b = 0; b < end; b += BlockEvents)
            {
                var n = Math.Min(BlockEvents, end - b);
                for (var c = 0; c < plan.Channels; c++)
                {
                    ref var dst = ref columns[c][firstRow + b];
                    var src = p + ((nint)b * stride) + (c * 2);
                    var mask = Vector512.Create((int)masks[c]);
                    for (var e = 0; e < n; e += 16, src += step)
                    {
                        var v = FcsGather.Gather16((int*)src, indexLo, indexHi);
                        if (TSwap.Value)
                        {
                            v = (Vector512.ShiftLeft(v, 8) & high) | (Vector512.ShiftRightLogical(v, 8) & low);
                        }

                        Vector512.ConvertToSingle(v & mask).StoreUnsafe(ref Unsafe.Add(ref dst, e));
                    }
                }
            }
        }
    }
}
