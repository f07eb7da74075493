using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>The DATA decode kernels: one <see cref="KernelRegistry{T}"/> per <see cref="FcsDecodeShape"/>, best first,
/// each with its scalar twin. <see cref="FcsDataDecoder"/> decodes with <see cref="Best(FcsDecodePlan)"/>; tests run
/// every entry of <see cref="All"/>.</summary>
/// <remarks>The AVX-512 kernels come after the AVX2 ones: .NET 10 has no AVX-512 gather (two AVX2 gathers are
/// joined), they use plain stores rather than the AVX2 kernels' non-temporal ones, and they were never measured on
/// an AVX-512 machine. Off AVX-512 they run through software paths, for tests only.</remarks>
internal static class FcsDecodeKernels
{
    /// <summary>Environment variable naming a kernel to use instead of the best one (for experiments).</summary>
    public const string OverrideVariable = "HIAIM_FCS_KERNEL";

    private static readonly string? Forced = Environment.GetEnvironmentVariable(OverrideVariable);

    /// <summary>Uniform 4-byte fields (float32 or uint32).</summary>
    public static KernelRegistry<FcsDecodeKernel> Uniform4 { get; } =
        Registry(new FcsDecodeUniform4T256(), new FcsDecodeUniform4V256(), new FcsDecodeUniform4V512(), new FcsDecodeUniform4Scalar());

    /// <summary>Uniform 2-byte integer fields.</summary>
    public static KernelRegistry<FcsDecodeKernel> Uniform2 { get; } =
        Registry(new FcsDecodeUniform2V256(), new FcsDecodeUniform2V512(), new FcsDecodeUniform2Scalar());

    /// <summary>Packed integers of one width.</summary>
    public static KernelRegistry<FcsDecodeKernel> Packed { get; } =
        Registry(new FcsDecodePackedV256(), new FcsDecodePackedV512(), new FcsDecodePackedScalar());

    /// <summary>Every kernel of every shape, accelerated here or not.</summary>
    public static IEnumerable<Kernel<FcsDecodeKernel>> All => Uniform4.All.Concat(Uniform2.All).Concat(Packed.All);

    /// <summary>The registry for one shape.</summary>
    public static KernelRegistry<FcsDecodeKernel> For(FcsDecodeShape shape) => shape switch
    {
        FcsDecodeShape.Uniform4 => Uniform4,
        FcsDecodeShape.Uniform2 => Uniform2,
        _ => Packed,
    };

    /// <summary>The best accelerated kernel that decodes <paramref name="plan"/> (the <see cref="OverrideVariable"/>
    /// one first), or <see langword="null"/> when none does.</summary>
    public static Kernel<FcsDecodeKernel>? Best(FcsDecodePlan plan) => For(plan.Shape).First(k => k.CanDecode(plan));

    private static KernelRegistry<FcsDecodeKernel> Registry(params FcsDecodeKernel[] bestFirst) =>
        KernelRegistry<FcsDecodeKernel>.Preferring(Forced, [.. bestFirst.Select(k => new Kernel<FcsDecodeKernel>(k.Name, k.Isa, k))]);
}
