using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>
/// Uniform 4-byte fields, AVX: 8 events at a time, 4 channels at a time, as a 4×4 transpose in each 128-bit lane
/// (event e in the low lane, e + 4 in the high lane): 8 plain loads and 8 unpacks give 4 channels × 8 events,
/// where <see cref="FcsDecodeUniform4V256"/> needs 4 <c>vpgatherdd</c>, which are slow on AMD cores. Reads are
/// sequential through the DATA; the last group of a channel count that is not a multiple of 4 reads a few bytes
/// of the next event, so the last event or two go to the scalar twin.
/// </summary>
internal sealed class FcsDecodeUniform4T256 : FcsDecodeKernel
{
    public override string Name => "Uniform4.T256";

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
        int done;
        if (plan.IsFloat)
        {
            done = swap ? Run<FlagOn, FlagOff>(data, plan, events, columns, firstRow) : Run<FlagOff, FlagOff>(data, plan, events, columns, firstRow);
        }
        else
        {
            done = swap ? Run<FlagOn, FlagOn>(data, plan, events, columns, firstRow) : Run<FlagOff, FlagOn>(data, plan, events, columns, firstRow);
        }

        FcsDecodeUniform4Scalar.DecodeRange(data, plan, done, events, columns, firstRow);
    }

    /// <summary>Decodes whole blocks of 8 events from the start; returns how many events it decoded.</summary>
    private static unsafe int Run<TSwap, TInt>(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
        where TSwap : struct, IKernelFlag
        where TInt : struct, IKernelFlag
    {
        var channels = plan.Channels;
        var stride = (nint)plan.Stride;
        var groups = (channels + 3) / 4;

        // A block at event e reads up to byte (e + 7)·stride + 16·groups: stop before that passes the span.
        var blocks = (data.Length - (16L * groups) - (7L * stride)) < 0 ? 0 : Math.Min(events / 8, (int)(((data.Length - (16L * groups) - (7L * stride)) / stride / 8) + 1));
        var end = blocks * 8;
        if (end == 0)
        {
            return 0;
        }

        var swapBytes = Vector256.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        var masks = plan.Masks;
        using var pinned = new FcsPinnedColumns(columns, channels, firstRow);
        var rows = stackalloc float*[groups * 4];
        var mask = stackalloc Vector256<uint>[groups * 4];
        for (var c = 0; c < groups * 4; c++)
        {
            rows[c] = c < channels ? pinned.Row(c) : null;
            mask[c] = Vector256.Create(c < channels ? masks[c] : 0u);
        }

        fixed (byte* p = data)
        {
            var stride4 = 4 * stride;
            for (var e = 0; e < end; e += 8)
            {
                var ev = p + (e * stride);
                for (var g = 0; g < groups; g++)
                {
                    var a = ev + (16 * g);
                    var r0 = Load(a, stride4, swapBytes, TSwap.Value);
                    var r1 = Load(a + stride, stride4, swapBytes, TSwap.Value);
                    var r2 = Load(a + (2 * stride), stride4, swapBytes, TSwap.Value);
                    var r3 = Load(a + (3 * stride), stride4, swapBytes, TSwap.Value);
                    var t0 = Avx.UnpackLow(r0, r1);
                    var t1 = Avx.UnpackHigh(r0, r1);
                    var t2 = Avx.UnpackLow(r2, r3);
                    var t3 = Avx.UnpackHigh(r2, r3);
                    var c = 4 * g;
                    Store<TInt>(rows[c], e, Avx.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(), mask[c]);
                    if (c + 1 < channels)
                    {
                        Store<TInt>(rows[c + 1], e, Avx.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle(), mask[c + 1]);
                    }

                    if (c + 2 < channels)
                    {
                        Store<TInt>(rows[c + 2], e, Avx.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(), mask[c + 2]);
                    }

                    if (c + 3 < channels)
                    {
                        Store<TInt>(rows[c + 3], e, Avx.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle(), mask[c + 3]);
                    }
                }
            }
        }

        return end;
    }

    /// <summary>16 bytes of event e in the low lane and of event e + 4 in the high lane, byte-swapped if asked.</summary>
    private static unsafe Vector256<float> Load(byte* at, nint fourEvents, Vector256<byte> swapBytes, bool swap)
    {
        var v = Vector256.Create(Vector128.Load((float*)at), Vector128.Load((float*)(at + fourEvents)));
        return swap ? Avx2.Shuffle(v.AsByte(), swapBytes).AsSingle() : v;
    }

    private static unsafe void Store<TInt>(float* row, int e, Vector256<float> v, Vector256<uint> mask)
        where TInt : struct, IKernelFlag
    {
        var f = TInt.Value ? Vector256.ConvertToSingle(v.AsUInt32() & mask) : v;
        f.Store(row + e);
    }
}
