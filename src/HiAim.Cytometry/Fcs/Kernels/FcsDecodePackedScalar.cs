using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>Packed unsigned integers of one width (1..32 bits, either bit order, per-channel mask), scalar: one
/// 8-byte read per field. The portable fallback and the tail of the vector kernels.</summary>
internal sealed class FcsDecodePackedScalar : FcsDecodeKernel
{
    public override string Name => "Packed.Scalar";

    public override FcsDecodeShape Shape => FcsDecodeShape.Packed;

    public override KernelIsa Isa => KernelIsa.Scalar;

    public override bool CanDecode(FcsDecodePlan plan) => plan.Shape == FcsDecodeShape.Packed && plan.Bits <= 32;

    public override void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        FcsKernelGuard.Check(data, plan, events, columns, firstRow);
        DecodeRange(data, plan, 0, events, columns, firstRow);
    }

    /// <summary>Decodes events [<paramref name="start"/>, <paramref name="end"/>); the caller has checked bounds.</summary>
    internal static void DecodeRange(ReadOnlySpan<byte> data, FcsDecodePlan plan, int start, int end, float[][] columns, int firstRow)
    {
        if (plan.LittleEndian)
        {
            Run<FlagOn>(data, plan, start, end, columns, firstRow);
        }
        else
        {
            Run<FlagOff>(data, plan, start, end, columns, firstRow);
        }
    }

    private static void Run<TLittle>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int start, int end, float[][] columns, int firstRow)
        where TLittle : struct, IKernelFlag
    {
        ref var src = ref MemoryMarshal.GetReference(data);
        long length = data.Length;
        var bitsPerEvent = plan.BitsPerEvent;
        var w = plan.Bits;
        var masks = plan.Masks;
        for (var b = start; b < end; b += BlockEvents)
        {
            var n = Math.Min(BlockEvents, end - b);
            for (var c = 0; c < plan.Channels; c++)
            {
                ref var dst = ref columns[c][firstRow + b];
                var bit = (b * bitsPerEvent) + ((long)c * w);
                var mask = masks[c];
                for (var e = 0; e < n; e++, bit += bitsPerEvent)
                {
                    var at = bit >> 3;
                    var shift = (int)(bit & 7);
                    var word = at + 8 <= length ? Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, (nint)at)) : ReadTail(data, (int)at);
                    if (BitConverter.IsLittleEndian != TLittle.Value)
                    {
                        word = BinaryPrimitives.ReverseEndianness(word);
                    }

                    var v = TLittle.Value ? (uint)(word >> shift) : (uint)(word >> (64 - shift - w));
                    Unsafe.Add(ref dst, e) = v & mask;
                }
            }
        }
    }

    /// <summary>The last bytes of the span, zero-padded to 8, in memory order.</summary>
    private static ulong ReadTail(ReadOnlySpan<byte> data, int at)
    {
        Span<byte> tmp = stackalloc byte[8];
        tmp.Clear();
        data[at..].CopyTo(tmp);
        return MemoryMarshal.Read<ulong>(tmp);
    }

    /// <summary>One channel, events [<paramref name="start"/>, <paramref name="end"/>): the short heads and tails
    /// of the vector kernels' aligned column runs.</summary>
    internal static void DecodeChannel(ReadOnlySpan<byte> data, FcsDecodePlan plan, int channel, int start, int end, float[] column, int firstRow)
    {
        var w = plan.Bits;
        var mask = plan.Masks[channel];
        Span<byte> word = stackalloc byte[8];
        for (var e = start; e < end; e++)
        {
            var bit = (e * plan.BitsPerEvent) + ((long)channel * w);
            var at = (int)(bit >> 3);
            var shift = (int)(bit & 7);
            word.Clear();
            var src = data[at..];
            src[..Math.Min(8, src.Length)].CopyTo(word);
            var v = plan.LittleEndian
                ? (uint)(BinaryPrimitives.ReadUInt64LittleEndian(word) >> shift)
                : (uint)(BinaryPrimitives.ReadUInt64BigEndian(word) >> (64 - shift - w));
            column[firstRow + e] = v & mask;
        }
    }
}
