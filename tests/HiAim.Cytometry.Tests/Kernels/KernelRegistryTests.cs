using System.Runtime.Intrinsics;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Fcs.Kernels;
using HiAim.Cytometry.Gating.Kernels;
using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests.Kernels;

/// <summary>The one registry type behind decode, compensation, gating and transforms: what it lists, what it picks,
/// and that every production registry lists every width (the per-kernel tests then run all of them).</summary>
public sealed class KernelRegistryTests
{
    private static Kernel<Func<string>> Variant(string name, KernelIsa isa) => new(name, isa, () => name);

    [Fact]
    public void Lists_all_keeps_the_accelerated_in_order_and_picks_the_first()
    {
        var registry = new KernelRegistry<Func<string>>(
            Variant("V512", KernelIsa.Vector512), Variant("V256", KernelIsa.Vector256), Variant("Scalar", KernelIsa.Scalar));
        Assert.Equal(["V512", "V256", "Scalar"], registry.All.Select(k => k.Name));
        Assert.Equal("Scalar", registry.Scalar.Run());
        var expected = new List<string>();
        if (Vector512.IsHardwareAccelerated)
        {
            expected.Add("V512");
        }

        if (Vector256.IsHardwareAccelerated)
        {
            expected.Add("V256");
        }

        expected.Add("Scalar");
        Assert.Equal(expected, registry.Available.Select(k => k.Name));
        Assert.Equal(expected[0], registry.Best.Name);
    }

    [Fact]
    public void Needs_exactly_one_scalar_twin()
    {
        Assert.Throws<InvalidOperationException>(() => new KernelRegistry<Func<string>>(Variant("V256", KernelIsa.Vector256)));
        Assert.Throws<InvalidOperationException>(() => new KernelRegistry<Func<string>>(Variant("A", KernelIsa.Scalar), Variant("B", KernelIsa.Scalar)));
    }

    [Fact]
    public void A_preferred_variant_wins_only_where_it_is_accelerated_and_accepts()
    {
        Kernel<Func<string>>[] variants = [Variant("Wide", KernelIsa.Vector256), Variant("Other", KernelIsa.TensorPrimitives), Variant("Scalar", KernelIsa.Scalar)];
        var registry = KernelRegistry<Func<string>>.Preferring("scalar", variants);
        Assert.Equal("Scalar", registry.Best.Name); // names match case-insensitively
        Assert.Equal("Other", registry.First(k => k() != "Scalar" && k() != "Wide")!.Name);
        Assert.Null(registry.First(_ => false));
        Assert.Equal(variants[0].IsAccelerated ? "Wide" : "Other", KernelRegistry<Func<string>>.Preferring("no such kernel", variants).Best.Name);
        Assert.Equal(KernelRegistry<Func<string>>.Preferring(null, variants).Best, new KernelRegistry<Func<string>>(variants).Best);
        var unavailable = KernelRegistry<Func<string>>.Preferring("V512", Variant("V512", KernelIsa.Vector512), Variant("Scalar", KernelIsa.Scalar));
        Assert.Equal(Vector512.IsHardwareAccelerated ? "V512" : "Scalar", unavailable.Best.Name);
    }

    public static TheoryData<string> Registries() => new(Production().Select(r => r.Name));

    private static IEnumerable<(string Name, IReadOnlyList<KernelIsa> All, IReadOnlyList<KernelIsa> Available, KernelIsa Best, KernelIsa Scalar)> Production()
    {
        static (string, IReadOnlyList<KernelIsa>, IReadOnlyList<KernelIsa>, KernelIsa, KernelIsa) Of<T>(string name, KernelRegistry<T> r)
            where T : class => (name, [.. r.All.Select(k => k.Isa)], [.. r.Available.Select(k => k.Isa)], r.Best.Isa, r.Scalar.Isa);

        yield return Of("Compensate", CompensateKernels.Registry);
        yield return Of("Rectangle", GateKernels.Rectangle);
        yield return Of("Polygon", GateKernels.Polygon);
        yield return Of("Ellipsoid", GateKernels.Ellipsoid);
        yield return Of("Decode.Uniform4", FcsDecodeKernels.Uniform4);
        yield return Of("Decode.Uniform2", FcsDecodeKernels.Uniform2);
        yield return Of("Decode.Packed", FcsDecodeKernels.Packed);
        foreach (var spec in new[] { "linear:T=262144,A=0", "arcsinh:cofactor=150", "logicle:T=262144,W=0.5,M=4.5,A=0", "hyperlog:T=262144,W=0.5,M=4.5,A=0" })
        {
            var t = Transform.Parse(spec);
            yield return Of(spec + " forward", t.ForwardKernels);
            yield return Of(spec + " inverse", t.InverseKernels);
        }
    }

    [Theory]
    [MemberData(nameof(Registries))]
    public void Every_production_registry_lists_every_width_and_uses_the_first_accelerated(string name)
    {
        var r = Production().Single(p => p.Name == name);
        Assert.Equal(KernelIsa.Scalar, r.Scalar);
        Assert.Contains(r.All, isa => isa is KernelIsa.Vector512 or KernelIsa.Avx512);
        Assert.Contains(r.All, isa => isa is KernelIsa.Vector256 or KernelIsa.Avx2);
        Assert.Equal(r.Available[0], r.Best);
        Assert.Equal(r.All.Where(KernelRegistry.IsAccelerated), r.Available);
    }

    /// <summary>The widths the generic kernels are instantiated at agree with the vector types.</summary>
    [Fact]
    public void Simd_widths_match_their_vectors()
    {
        Assert.Equal(Vector256<float>.Count, Simd256.Count);
        Assert.Equal(Vector512<float>.Count, Simd512.Count);
        Assert.Equal(0xFFFFUL, Simd512.ExtractMostSignificantBits(Vector512.Create(-1f)));
        Assert.Equal(0xFFUL, Simd256.ExtractMostSignificantBits(Vector256.Create(-1f)));
    }
}
