namespace HiAim.Cytometry.Compensation.Kernels;

/// <summary>A compensation kernel: <paramref name="channels"/> source column pointers, compensated into as many
/// destination columns (which may be the sources: in place), events [start, end).</summary>
internal unsafe delegate void CompensateKernel(float** sources, float** destinations, int channels, float* matrix, int start, int end);

/// <summary>Every compensation kernel this CPU runs, best first; tests run all of them against the scalar twin.</summary>
internal static unsafe class CompensateKernels
{
    public static IReadOnlyList<(string Name, CompensateKernel Kernel)> Available { get; } = Build();

    public static CompensateKernel Best => Available[0].Kernel;

    /// <summary>Every variant, accelerated here or not: Vector512/Vector256 operations run (slowly, in software)
    /// where the hardware lacks them, so tests check all of them on any machine.</summary>
    public static IReadOnlyList<(string Name, CompensateKernel Kernel)> All { get; } =
        [("Vector512", CompensateVector512.Run), ("Vector256", CompensateVector256.Run), ("Scalar", CompensateScalar.Run)];

    private static List<(string, CompensateKernel)> Build()
    {
        var list = new List<(string, CompensateKernel)>();
        if (CompensateVector512.IsSupported)
        {
            list.Add(("Vector512", CompensateVector512.Run));
        }

        if (CompensateVector256.IsSupported)
        {
            list.Add(("Vector256", CompensateVector256.Run));
        }

        list.Add(("Scalar", CompensateScalar.Run));
        return list;
    }
}
