namespace HiAim.Cytometry.Internals;

/// <summary>Registry of DATA decode kernels: picks the best one the CPU supports for a plan, and lists all
/// supported ones so tests exercise every ISA path on one machine.</summary>
internal static class FcsDecodeKernels
{
    /// <summary>Environment variable naming a kernel to use instead of the best one (for experiments).</summary>
    public const string OverrideVariable = "HIAIM_FCS_KERNEL";

    private static readonly FcsDecodeKernel[] AllKernels =
    [
        new FcsDecodeUniform4V512(),
        new FcsDecodeUniform4T256(),
        new FcsDecodeUniform4V256(),
        new FcsDecodeUniform4Scalar(),
        new FcsDecodeUniform2V512(),
        new FcsDecodeUniform2V256(),
        new FcsDecodeUniform2Scalar(),
        new FcsDecodePackedV512(),
        new FcsDecodePackedV256(),
        new FcsDecodePackedScalar(),
    ];

    private static readonly FcsDecodeKernel[] SupportedKernels = Order([.. AllKernels.Where(k => k.IsSupported)]);

    private static readonly string? Forced = Environment.GetEnvironmentVariable(OverrideVariable);

    /// <summary>Every kernel, supported here or not.</summary>
    public static IReadOnlyList<FcsDecodeKernel> All => AllKernels;

    /// <summary>Kernels this machine can run, best first.</summary>
    public static IReadOnlyList<FcsDecodeKernel> Supported => SupportedKernels;

    /// <summary>The best supported kernel for <paramref name="plan"/>, or <see langword="null"/>.</summary>
    public static FcsDecodeKernel? Best(FcsDecodePlan plan)
    {
        FcsDecodeKernel? best = null;
        foreach (var k in SupportedKernels)
        {
            if (k.CanDecode(plan))
            {
                if (Forced is null || string.Equals(k.Name, Forced, StringComparison.OrdinalIgnoreCase))
                {
                    return k;
                }

                best ??= k;
            }
        }

        return best;
    }

    private static FcsDecodeKernel[] Order(FcsDecodeKernel[] kernels)
    {
        Array.Sort(kernels, (a, b) => b.Priority.CompareTo(a.Priority));
        return kernels;
    }
}
