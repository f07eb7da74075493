using System.Diagnostics;
using System.Globalization;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Fcs.Kernels;

namespace HiAim.Cytometry.Benchmarks;

/// <summary><c>--kernels</c>: a quick Stopwatch table (median of 15 after 30 warm-up calls) of every supported
/// kernel decoding 1,000,000 x 20 from memory into preallocated columns, beside a same-run CopyTo and the cost of
/// allocating and first-touching a fresh 80 MB matrix.</summary>
public static class KernelTimings
{
    public static void Run()
    {
        const int events = SyntheticFiles.Events, channels = SyntheticFiles.Channels;
        var rng = new Random(1);
        var cols = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            cols[c] = new float[events];
        }

        foreach (var (name, layout) in Layouts(channels))
        {
            var bytes = new byte[layout.DataBytesFor(events)];
            rng.NextBytes(bytes);
            var target = new byte[bytes.Length];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: DATA {bytes.Length / 1e6:F0} MB, CopyTo {Median(() => bytes.AsSpan().CopyTo(target)):F2} ms"));
            var plan = FcsDecodePlan.For(layout)!;
            foreach (var k in FcsDecodeKernels.For(plan.Shape).Available.Select(k => k.Run).Where(k => k.CanDecode(plan)))
            {
                var (ms, ratio) = Ratio(() => k.Decode(bytes, plan, events, cols, 0), () => bytes.AsSpan().CopyTo(target));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {k.Name,-18} {ms:F2} ms  {ratio:F2} x CopyTo (median of interleaved pairs)"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocate + touch 20 x 4 MB columns: {Median(() =>
        {
            for (var c = 0; c < channels; c++)
            {
                var a = GC.AllocateUninitializedArray<float>(events);
                for (var i = 0; i < a.Length; i += 1024)
                {
                    a[i] = 1;
                }
            }
        }):F2} ms"));
    }

    private static IEnumerable<(string, FcsDataLayout)> Layouts(int channels)
    {
        FcsDataLayout Make(FcsDataType type, int bits, bool packed, bool little)
        {
            var slots = new ChannelSlot[channels];
            long offset = 0;
            for (var c = 0; c < channels; c++)
            {
                slots[c] = new ChannelSlot(type, bits, (bits + 7) / 8, offset, c % 2 == 0 ? (1UL << bits) - 1 : 4095);
                offset += packed ? bits : (bits + 7) / 8 * 8;
            }

            return new FcsDataLayout { Slots = slots, Packed = packed, BitsPerEvent = offset, DelimitedAscii = false, LittleEndian = little, Permutation = null };
        }

        yield return ("float32 LE", Make(FcsDataType.Single, 32, false, true));
        yield return ("float32 BE", Make(FcsDataType.Single, 32, false, false));
        yield return ("uint32 BE", Make(FcsDataType.Integer, 32, false, false));
        yield return ("int16 BE", Make(FcsDataType.Integer, 16, false, false));
        yield return ("packed 20 LE", Make(FcsDataType.Integer, 20, true, true));
        yield return ("packed 20 BE", Make(FcsDataType.Integer, 20, true, false));
    }

    /// <summary>Runs <paramref name="a"/> and <paramref name="baseline"/> alternately; medians of the time and of the per-pair ratio.</summary>
    private static (double Ms, double Ratio) Ratio(Action a, Action baseline)
    {
        for (var i = 0; i < 30; i++)
        {
            a();
            baseline();
        }

        var t = new double[21];
        var r = new double[21];
        for (var i = 0; i < t.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            a();
            t[i] = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            baseline();
            r[i] = t[i] / sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(t);
        Array.Sort(r);
        return (t[t.Length / 2], r[r.Length / 2]);
    }

    private static double Median(Action a)
    {
        for (var i = 0; i < 30; i++)
        {
            a();
        }

        var t = new double[15];
        for (var i = 0; i < t.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            a();
            t[i] = sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(t);
        return t[t.Length / 2];
    }
}
