using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Packed unsigned integers of one width up to 25 bits, AVX2: 8 events of a channel per dword gather
/// (per-lane byte offsets), byte swap for big-endian bit order, per-lane variable shift, mask, convert.</summary>
internal sealed class FcsDecodePackedV256 : FcsDecodeKernel
{
    public override string Name => "Packed.V256";

    public override FcsDecodeShape Shape => FcsDecodeShape.Packed;

    public override KernelIsa Isa => KernelIsa.Avx2;

    /// <summary>A field plus its bit shift (up to 7) must fit in the 32 bits of one gathered dword.</summary>
    public override bool CanDecode(FcsDecodePlan plan) => plan.Shape == FcsDecodeShape.Packed && plan.Bits <= 25 && plan.BitsPerEvent * 8 < int.MaxValue;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        if (events == 0)
        {
            return;
        }

        if (plan.LittleEndian)
        {
            Run<FlagOn>(data, plan, events, columns, firstRow);
        }
        else
        {
            Run<FlagOff>(data, plan, events, columns, firstRow);
        }
    }

    private static unsafe void Run<TLittle>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
        where TLittle : struct, IKernelFlag
    {
        // Each dword read may run up to 3 bytes past its field: keep all of them inside the span.
        var safe = events;
        while (safe > 0 && ((((safe - 1) * plan.BitsPerEvent) + ((long)(plan.Channels - 1) * plan.Bits)) >> 3) + 4 > data.Length)
        {
            safe--;
        }

        var bitsPerEvent = plan.BitsPerEvent;
        var w = plan.Bits;
        var masks = plan.Masks;
        var laneBits = Vector256<int>.Indices * (int)bitsPerEvent;
        var step = (nint)bitsPerEvent; // 8 events are a whole number of bytes
        var swapBytes = Vector256.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
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
                    if (lo >= hi)
                    {
                        continue;
                    }

                    var startBit = (lo * bitsPerEvent) + ((long)c * w);
                    var bits = laneBits + Vector256.Create((int)(startBit & 7));
                    var index = Vector256.ShiftRightLogical(bits, 3);
                    var shift = (bits & Vector256.Create(7)).AsUInt32();
                    if (!TLittle.Value)
                    {
                        shift = Vector256.Create((uint)(32 - w)) - shift;
                    }

                    var mask = Vector256.Create(masks[c]);
                    var src = p + (nint)(startBit >> 3);
                    for (var e = lo; e < hi; e += 8, src += step)
                    {
                        var d = Avx2.GatherVector256((int*)src, index, 1).AsUInt32();
                        if (!TLittle.Value)
                        {
                            d = Avx2.Shuffle(d.AsByte(), swapBytes).AsUInt32();
                        }

                        var v = Avx2.ShiftRightLogicalVariable(d, shift) & mask;
                        FcsBlock.Store(col + e, Vector256.ConvertToSingle(v.AsInt32()), nonTemporal);
                    }
                }
            }
        }

        Sse.StoreFence();
        for (var c = 0; c < plan.Channels; c++)
        {
            var (head, tail) = FcsAlignedRun.Edges(pinned.Row(c), 8, safe);
            FcsDecodePackedScalar.DecodeChannel(data, plan, c, 0, head, columns[c], firstRow);
            FcsDecodePackedScalar.DecodeChannel(data, plan, c, tail, events, columns[c], firstRow);
        }
    }
}
