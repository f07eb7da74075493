namespace HiAim.Cytometry.Compensation.Kernels;

/// <summary>A compensation kernel over <paramref name="channels"/> column pointers, events [start, end).</summary>
internal unsafe delegate void CompensateKernel(float** columns, int channels, float* matrix, int start, int end);

/// <summary>Every compensation kernel this CPU runs, best first; tests run all of them against the scalar twin.</summary>
internal static unsafe class CompensateKernels
{
    public static IReadOnlyList<(string Name, CompensateKernel Kernel)> Available { get; } = Build();

    public static CompensateKernel Best => Available[0].Kernel;

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
