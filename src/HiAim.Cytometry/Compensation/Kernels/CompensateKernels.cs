using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Compensation.Kernels;

/// <summary>A compensation kernel: <paramref name="channels"/> source column pointers, compensated into as many
/// destination columns (which may be the sources: in place), events [start, end).</summary>
internal unsafe delegate void CompensateKernel(float** sources, float** destinations, int channels, float* matrix, int start, int end);

/// <summary>The compensation kernel registry, best first; tests run every entry of
/// <see cref="KernelRegistry{T}.All"/> against the scalar twin.</summary>
internal static unsafe class CompensateKernels
{
    /// <summary>Every compensation kernel.</summary>
    public static KernelRegistry<CompensateKernel> Registry { get; } = new(
        new("Vector512", KernelIsa.Vector512, CompensateVector512.Run),
        new("Vector256", KernelIsa.Vector256, CompensateVector256.Run),
        new("Scalar", KernelIsa.Scalar, CompensateScalar.Run));

    /// <summary>The kernel production uses (<see cref="KernelRegistry{T}.Best"/>), kept as a delegate for the
    /// compensation call sites.</summary>
    public static CompensateKernel Best => Registry.Best.Run;
}
