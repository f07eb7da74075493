using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>The instruction-set width a kernel variant is written for.</summary>
internal enum KernelIsa
{
    /// <summary>Plain scalar code: the specification every other variant is tested against.</summary>
    Scalar = 0,

    /// <summary>Whole-span helpers from System.Numerics.Tensors (TensorPrimitives picks its own width).</summary>
    TensorPrimitives = 1,

    /// <summary>Hand-written <see cref="Vector256{T}"/> code.</summary>
    Vector256 = 256,

    /// <summary>Hand-written <see cref="Vector512{T}"/> code.</summary>
    Vector512 = 512,
}

/// <summary>A span kernel bound to one transform's parameters.</summary>
internal delegate void SpanKernel(ReadOnlySpan<float> source, Span<float> destination);

/// <summary>One implementation of a transform direction (forward or inverse) for one ISA.</summary>
/// <param name="Name">Stable name, e.g. <c>Logicle.Forward.V512</c>.</param>
/// <param name="Isa">The ISA the variant needs.</param>
/// <param name="Run">The kernel. Source and destination have equal length and are identical or disjoint.</param>
internal sealed record KernelVariant(string Name, KernelIsa Isa, SpanKernel Run)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Lists kernel variants. Index 0 is always the scalar twin (the specification); the last entry
/// of <see cref="Available"/> is the fastest this machine accelerates and is what the public API
/// uses. Tests run every candidate against entry 0, including ISAs the machine only emulates
/// (System.Runtime.Intrinsics runs Vector512 code correctly, if slowly, without AVX-512).
/// </summary>
internal static class KernelRegistry
{
    /// <summary>Whether the current process can run code written for <paramref name="isa"/>.</summary>
    public static bool IsAvailable(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar or KernelIsa.TensorPrimitives => true,
        KernelIsa.Vector256 => Vector256.IsHardwareAccelerated,
        KernelIsa.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>Every variant written for a transform direction, scalar twin first, widest last.</summary>
    public static KernelVariant[] Candidates(params KernelVariant[] candidates) => candidates;

    /// <summary>Keeps the candidates this machine accelerates, in the given order (scalar first, fastest last).</summary>
    public static KernelVariant[] Available(KernelVariant[] candidates)
    {
        var kept = new List<KernelVariant>(candidates.Length);
        foreach (var candidate in candidates)
        {
            if (IsAvailable(candidate.Isa))
            {
                kept.Add(candidate);
            }
        }

        return [.. kept];
    }
}
