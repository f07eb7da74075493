using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Kernels;

/// <summary>The instruction set a kernel variant is written for; decides whether this CPU accelerates it.</summary>
internal enum KernelIsa
{
    /// <summary>Plain scalar code: the specification every other variant is tested against.</summary>
    Scalar = 0,

    /// <summary>Whole-span helpers from System.Numerics.Tensors (TensorPrimitives picks its own width).</summary>
    TensorPrimitives = 1,

    /// <summary>Cross-platform <see cref="Vector256{T}"/> code.</summary>
    Vector256 = 256,

    /// <summary><see cref="Vector256{T}"/> code that also calls AVX2 intrinsics (gathers, shuffles, packs).</summary>
    Avx2 = 257,

    /// <summary>Cross-platform <see cref="Vector512{T}"/> code.</summary>
    Vector512 = 512,

    /// <summary><see cref="Vector512{T}"/> code that calls AVX-512F/BW intrinsics where present (with a software path elsewhere).</summary>
    Avx512 = 513,
}

/// <summary>One variant of a kernel.</summary>
/// <typeparam name="T">The kernel's delegate or class type.</typeparam>
/// <param name="Name">Stable name, e.g. <c>Logicle.Forward.V512</c>: used by tests, benchmarks and overrides.</param>
/// <param name="Isa">The instruction set the variant is written for.</param>
/// <param name="Run">The kernel.</param>
internal sealed record Kernel<T>(string Name, KernelIsa Isa, T Run)
    where T : class
{
    /// <summary>True when this CPU runs the variant in hardware (every variant runs, some only in software).</summary>
    public bool IsAccelerated => KernelRegistry.IsAccelerated(Isa);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Hardware checks shared by every <see cref="KernelRegistry{T}"/>.</summary>
internal static class KernelRegistry
{
    /// <summary>Whether this process runs code written for <paramref name="isa"/> in hardware.</summary>
    public static bool IsAccelerated(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar or KernelIsa.TensorPrimitives => true,
        KernelIsa.Vector256 => Vector256.IsHardwareAccelerated,
        KernelIsa.Avx2 => Vector256.IsHardwareAccelerated && Avx2.IsSupported,
        KernelIsa.Vector512 => Vector512.IsHardwareAccelerated,
        KernelIsa.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported && Avx2.IsSupported,
        _ => false,
    };
}

/// <summary>
/// Every variant of one kernel, in order of preference (best first), with exactly one scalar twin: the
/// specification the others are tested against. Production calls <see cref="Best"/>; tests run every entry of
/// <see cref="All"/> against <see cref="Scalar"/> on any machine, because Vector256/Vector512 operations run
/// (slowly, in software) where the hardware lacks them, and the few hardware intrinsics have software paths.
/// </summary>
/// <typeparam name="T">The kernel's delegate or class type.</typeparam>
internal sealed class KernelRegistry<T>
    where T : class
{
    private readonly string? _preferred;

    /// <summary>Creates a registry from variants listed best first.</summary>
    /// <param name="bestFirst">The variants, most preferred first; exactly one is <see cref="KernelIsa.Scalar"/>.</param>
    public KernelRegistry(params Kernel<T>[] bestFirst)
    {
        All = bestFirst;
        Scalar = bestFirst.Single(k => k.Isa == KernelIsa.Scalar);
        Available = [.. bestFirst.Where(k => k.IsAccelerated)];
        Best = Available[0];
    }

    private KernelRegistry(string preferred, Kernel<T>[] bestFirst)
        : this(bestFirst)
    {
        _preferred = preferred;
        Best = First(_ => true) ?? Scalar;
    }

    /// <summary>A registry whose <see cref="Best"/> (and <see cref="First"/>) is <paramref name="preferred"/> where this
    /// CPU accelerates it and it accepts the case: an override for experiments.</summary>
    /// <param name="preferred">Name of the variant to use instead of the best one, or <see langword="null"/> for none.</param>
    /// <param name="bestFirst">The variants, most preferred first; exactly one is <see cref="KernelIsa.Scalar"/>.</param>
    /// <returns>The registry.</returns>
    public static KernelRegistry<T> Preferring(string? preferred, params Kernel<T>[] bestFirst) =>
        preferred is null ? new(bestFirst) : new(preferred, bestFirst);

    /// <summary>Every variant, accelerated here or not, best first.</summary>
    public IReadOnlyList<Kernel<T>> All { get; }

    /// <summary>The variants this CPU accelerates, best first (the scalar twin is always among them).</summary>
    public IReadOnlyList<Kernel<T>> Available { get; }

    /// <summary>The scalar twin: the specification.</summary>
    public Kernel<T> Scalar { get; }

    /// <summary>What production uses: the first of <see cref="Available"/>, or the preferred variant when it is available.</summary>
    public Kernel<T> Best { get; }

    /// <summary>The best available variant that <paramref name="accepts"/> (the preferred one first), or <see langword="null"/>.</summary>
    /// <param name="accepts">Whether a variant handles the case at hand (e.g. a decode plan's layout).</param>
    public Kernel<T>? First(Func<T, bool> accepts)
    {
        Kernel<T>? best = null;
        foreach (var k in Available)
        {
            if (accepts(k.Run))
            {
                if (_preferred is null || string.Equals(k.Name, _preferred, StringComparison.OrdinalIgnoreCase))
                {
                    return k;
                }

                best ??= k;
            }
        }

        return best;
    }
}
