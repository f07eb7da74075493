namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Scalar twin of the arcsinh kernels: double precision, one value at a time. This is the
/// specification the SIMD variants are measured against. NaN maps to NaN, ±∞ to ±∞.
/// </summary>
internal static class ArcsinhScalar
{
    public static double Forward(ArcsinhCoefficients k, double x) => (k.Gain * Math.Asinh(k.Scale * x)) + k.Offset;

    public static double Inverse(ArcsinhCoefficients k, double y) => Math.Sinh((y - k.Offset) / k.Gain) / k.Scale;

    public static void Forward(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Forward(k, source[i]);
        }
    }

    public static void Inverse(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Inverse(k, source[i]);
        }
    }
}
