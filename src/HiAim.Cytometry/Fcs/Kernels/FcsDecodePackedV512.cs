using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Packed unsigned integers of one width up to 25 bits, AVX-512: 16 events of a channel per dword gather
/// (per-lane byte offsets), byte swap for big-endian bit order, per-lane variable shift, mask, convert.</summary>
internal sealed class FcsDecodePackedV512 : FcsDecodeKernel
{
    public override string Name => "Packed.V512";

    public override FcsDecodeShape Shape => FcsDecodeShape.Packed;

    public override KernelIsa Isa => KernelIsa.Avx512;

    /// <summary>A field plus its bit shift (up to 7) must fit in the 32 bits of one gathered dword.</summary>
    public override bool CanDecode(FcsDecodePlan plan) => plan.Shape == FcsDecodeShape.Packed && plan.Bits <= 25 && plan.BitsPerEvent * 16 < int.MaxValue;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);

        // Each dword read may run up to 3 bytes past its field: keep all of them inside the span.
        var safe = events;
        while (safe > 0 && ((((safe - 1) * plan.BitsPerEvent) + ((long)(plan.Channels - 1) * plan.Bits)) >> 3) + 4 > data.Length)
        {
            safe--;
        }

        var vecEnd = safe & ~(16 - 1);
        if (plan.LittleEndian)
        {
            Run<FlagOn>(data, plan, vecEnd, columns, firstRow);
        }
        else
        {
            Run<FlagOff>(data, plan, vecEnd, columns, firstRow);
        }

        FcsDecodePackedScalar.DecodeRange(data, plan, vecEnd, events, columns, firstRow);
    }

    private static unsafe void Run<TLittle>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int end, float[][] columns, int firstRow)
        where TLittle : struct, IKernelFlag
    {
        var bitsPerEvent = plan.BitsPerEvent;
        var w = plan.Bits;
        var masks = plan.Masks;
        var laneBits = Vector512<int>.Indices * (int)bitsPerEvent;
        var step = (nint)(bitsPerEvent * 16 / 8);
        var swapBytes = Vector512.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        fixed (byte* p = data)
        {
            for (var b = 0; b < end; b += BlockEvents)
            {
                var n = Math.Min(BlockEvents, end - b);
                var block = p + (nint)(b * bitsPerEvent / 8);
                for (var c = 0; c < plan.Channels; c++)
                {
                    ref var dst = ref columns[c][firstRow + b];
                    var bits = laneBits + Vector512.Create(c * w);
                    var index = Vector512.ShiftRightLogical(bits, 3);
                    var indexLo = index.GetLower();
                    var indexHi = index.GetUpper();
                    var shift = (bits & Vector512.Create(7)).AsUInt32();
                    if (!TLittle.Value)
                    {
                        shift = Vector512.Create((uint)(32 - w)) - shift;
                    }

                    var mask = Vector512.Create(masks[c]);
                    var src = block;
                    for (var e = 0; e < n; e += 16, src += step)
                    {
                        var d = FcsGather.Gather16((int*)src, indexLo, indexHi).AsUInt32();
                        if (!TLittle.Value)
                        {
                            d = FcsGather.SwapBytes(d, swapBytes);
                        }

                        var v = FcsGather.ShiftRightLogicalVariable(d, shift) & mask;
                        Vector512.ConvertToSingle(v.AsInt32()).StoreUnsafe(ref Unsafe.Add(ref dst, e));
                    }
                }
            }
        }
    }
}
