using FsCheck;
using FsCheck.Fluent;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Fcs.Kernels;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Tests.Kernels;

/// <summary>Every decode kernel written (not just the one the registry would pick, and including the AVX-512 ones,
/// which run through their software paths where the CPU lacks AVX-512) against the scalar reference decoders, bit
/// for bit.</summary>
public sealed class FcsDecodeKernelTests
{
    public static TheoryData<string> AllKernels() => new(FcsDecodeKernels.All.Select(k => k.Name));

    private static FcsDecodeKernel Kernel(string name) => FcsDecodeKernels.All.Single(k => k.Name == name).Run;

    private static void AssertDecodes(FcsDecodeKernel kernel, KernelCase k, byte[] bytes, int prefix, int events, int firstRow = 3)
    {
        var data = bytes.AsSpan(prefix);
        var plan = FcsDecodePlan.For(k.Layout());
        Assert.NotNull(plan);
        if (!kernel.CanDecode(plan))
        {
            return;
        }

        var expected = KernelCase.Reference(k, data, events);
        var actual = KernelCase.Columns(k.Channels, firstRow + events + 2, 12345f);
        kernel.Decode(data, plan, events, actual, firstRow);
        var diff = KernelCase.FirstDifference(expected, actual, firstRow, events);
        Assert.True(diff is null, $"{kernel.Name} on {k}, {events} events, offset {prefix}: {diff}");
        for (var c = 0; c < k.Channels; c++)
        {
            // Rows outside the target range are untouched.
            Assert.Equal(12345f, actual[c][firstRow - 1]);
            Assert.Equal(12345f, actual[c][firstRow + events]);
        }
    }

    [Theory]
    [MemberData(nameof(AllKernels))]
    public void Every_event_count_0_to_256_and_every_misalignment(string name)
    {
        var kernel = Kernel(name);
        var rng = new Random(name.Length * 7919);
        foreach (var kind in KernelCase.KindsFor(kernel.Shape))
        {
            foreach (var channels in new[] { 1, 3, 20 })
            {
                var k = KernelCase.Random(rng, kind, channels);
                if (kind == "packed")
                {
                    k = k with { Bits = channels == 20 ? 20 : channels == 3 ? 7 : 25 };
                    k = KernelCase.Random(rng, kind, channels) with { Bits = k.Bits, Masks = [.. Enumerable.Repeat((1UL << k.Bits) - 1, channels)] };
                }

                foreach (var little in new[] { true, false })
                {
                    var kc = k with { LittleEndian = little };
                    for (var events = 0; events <= 256; events++)
                    {
                        var prefix = events % 4;
                        AssertDecodes(kernel, kc, KernelCase.RandomData(rng, kc, events, prefix), prefix, events);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllKernels))]
    public void Every_packed_width_both_bit_orders(string name)
    {
        var kernel = Kernel(name);
        if (kernel.Shape != FcsDecodeShape.Packed)
        {
            return;
        }

        var rng = new Random(17);
        for (var bits = 1; bits <= 32; bits++)
        {
            foreach (var little in new[] { true, false })
            {
                var k = KernelCase.Random(rng, "packed", 1 + (bits % 5)) with { Bits = bits, LittleEndian = little };
                k = k with { Masks = [.. k.Masks.Select(m => m & ((1UL << bits) - 1))] };
                foreach (var events in new[] { 1, 15, 16, 17, 33, 100 })
                {
                    AssertDecodes(kernel, k, KernelCase.RandomData(rng, k, events, 1), 1, events);
                }
            }
        }
    }

    /// <summary>Decoding in chunks at arbitrary event boundaries (as the streamed path reader does) gives the same
    /// columns as one pass.</summary>
    [Theory]
    [MemberData(nameof(AllKernels))]
    public void Chunk_boundaries(string name)
    {
        var kernel = Kernel(name);
        var rng = new Random(99);
        foreach (var kind in KernelCase.KindsFor(kernel.Shape))
        {
            var k = KernelCase.Random(rng, kind, 20);
            if (kind == "packed")
            {
                k = k with { Bits = 20, Masks = [.. Enumerable.Repeat((1UL << 20) - 1, 20)] };
            }

            const int events = 2000;
            var bytes = KernelCase.RandomData(rng, k, events, 0);
            var layout = k.Layout();
            var plan = FcsDecodePlan.For(layout)!;
            var expected = KernelCase.Reference(k, bytes, events);
            var actual = KernelCase.Columns(k.Channels, events);
            var align = layout.EventAlignment;
            var row = 0;
            while (row < events)
            {
                var n = Math.Min(events - row, Math.Max(align, rng.Next(1, 400) / align * align));
                var start = (int)(row * layout.BitsPerEvent / 8);
                var span = bytes.AsSpan(start, (int)layout.DataBytesFor(n));
                kernel.Decode(span, plan, n, actual, row);
                row += n;
            }

            Assert.Null(KernelCase.FirstDifference(expected, actual, 0, events));
        }
    }

    /// <summary>Random shapes, channel counts, masks, byte orders and values (NaN payloads, ±Inf, denormals,
    /// negatives), every supported kernel: bit-identical to the scalar reference.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Random_layouts_match_the_reference(int seed, byte kindPick, byte channelsPick, ushort eventsPick, byte prefixPick)
    {
        var kinds = new[] { "float", "int32", "int16", "packed" };
        var kind = kinds[kindPick % kinds.Length];
        var channels = 1 + (channelsPick % 40);
        var events = eventsPick % 700;
        var prefix = prefixPick % 8;
        var rng = new Random(seed);
        var k = KernelCase.Random(rng, kind, channels);
        var bytes = KernelCase.RandomData(rng, k, events, prefix);
        var plan = FcsDecodePlan.For(k.Layout());
        var data = bytes.AsSpan(prefix);
        var expected = KernelCase.Reference(k, data, events);
        var failures = new List<string>();
        foreach (var kernel in FcsDecodeKernels.All.Select(x => x.Run).Where(x => plan is not null && x.CanDecode(plan)))
        {
            var actual = KernelCase.Columns(channels, events);
            kernel.Decode(data, plan!, events, actual, 0);
            var diff = KernelCase.FirstDifference(expected, actual, 0, events);
            if (diff is not null)
            {
                failures.Add($"{kernel.Name}: {diff}");
            }
        }

        return (plan is not null && failures.Count == 0).Label($"{k}, {events} events: {string.Join("; ", failures)}");
    }

    [Fact]
    public void Registry_lists_a_scalar_twin_for_every_shape_and_prefers_vectors()
    {
        foreach (var shape in Enum.GetValues<FcsDecodeShape>())
        {
            var registry = FcsDecodeKernels.For(shape);
            Assert.Equal(shape.ToString() + ".Scalar", registry.Scalar.Name);
            Assert.All(registry.All, k => Assert.Equal(shape, k.Run.Shape));
            Assert.Contains(registry.All, k => k.Isa == KernelIsa.Avx512);
        }

        var plan = FcsDecodePlan.For(new KernelCase("float", 20, 32, true, new ulong[20]).Layout())!;
        var best = FcsDecodeKernels.Best(plan)!;
        Assert.Same(FcsDecodeKernels.Uniform4.Available.First(k => k.Run.CanDecode(plan)), best);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.Equal("Uniform4.T256", best.Name);
            Assert.True(FcsDecodeKernels.All.Count(k => k.IsAccelerated) >= 6);
        }
    }

    [Fact]
    public void Plans_refuse_layouts_no_kernel_handles()
    {
        var mixed = new FcsDataLayout
        {
            Slots = [new ChannelSlot(FcsDataType.Single, 32, 4, 0, ulong.MaxValue), new ChannelSlot(FcsDataType.Integer, 16, 2, 32, 0xFFFF)],
            Packed = false, BitsPerEvent = 48, DelimitedAscii = false, LittleEndian = true, Permutation = null,
        };
        Assert.Null(FcsDecodePlan.For(mixed));
        var doubles = new FcsDataLayout
        {
            Slots = [new ChannelSlot(FcsDataType.Double, 64, 8, 0, ulong.MaxValue)],
            Packed = false, BitsPerEvent = 64, DelimitedAscii = false, LittleEndian = true, Permutation = null,
        };
        Assert.Null(FcsDecodePlan.For(doubles));
        var permuted = new KernelCase("float", 2, 32, true, new ulong[2]).Layout();
        Assert.Null(FcsDecodePlan.For(new FcsDataLayout { Slots = permuted.Slots, Packed = false, BitsPerEvent = 64, DelimitedAscii = false, LittleEndian = true, Permutation = [2, 3, 0, 1] }));
    }

    /// <summary>The comparison is able to fail: one flipped bit (here a NaN payload bit) in one value is reported.</summary>
    [Fact]
    public void The_comparison_catches_a_single_flipped_bit()
    {
        var rng = new Random(5);
        var k = KernelCase.Random(rng, "float", 4);
        var bytes = KernelCase.RandomData(rng, k, 50, 0);
        var expected = KernelCase.Reference(k, bytes, 50);
        var actual = KernelCase.Reference(k, bytes, 50);
        Assert.Null(KernelCase.FirstDifference(expected, actual, 0, 50));
        actual[2][37] = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(actual[2][37]) ^ 1);
        Assert.NotNull(KernelCase.FirstDifference(expected, actual, 0, 50));
        var nan = BitConverter.UInt32BitsToSingle(0x7FC00001);
        expected[0][0] = nan;
        actual[0][0] = BitConverter.UInt32BitsToSingle(0x7FC00002);
        Assert.NotNull(KernelCase.FirstDifference(expected, actual, 0, 1));
    }
}
