using System.Numerics.Tensors;
using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// Gating-ML 2.0 <c>flog</c>: y = log10(x / T) / M + 1. Maps (0, T] onto (−∞, 1] with M decades
/// on the unit interval. x = 0 gives −∞ and x &lt; 0 gives NaN, as the definition implies.
/// Spec string: <c>log:T=262144,M=4.5</c>.
/// </summary>
public sealed class LogTransform : Transform
{
    /// <summary>Creates a log transform.</summary>
    /// <param name="t">Top of scale T, mapped to 1; T &gt; 0.</param>
    /// <param name="m">Decades M on the unit interval; M &gt; 0.</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public LogTransform(double t, double m)
    {
        RequireFinite(t, nameof(t), "log");
        RequireFinite(m, nameof(m), "log");
        if (t <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"log: T (top of scale) must be > 0; got T = {Format(t)}.");
        }

        if (m <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, $"log: M (decades) must be > 0; got M = {Format(m)}.");
        }

        T = t;
        M = m;
    }

    /// <summary>Top of scale: the data value mapped to 1.</summary>
    public double T { get; }

    /// <summary>Number of decades mapped onto the unit interval.</summary>
    public double M { get; }

    /// <inheritdoc/>
    public override double Apply(double value) => (Math.Log10(value / T) / M) + 1;

    /// <inheritdoc/>
    public override double Inverse(double value) => T * Math.Pow(10, (value - 1) * M);

    /// <summary>The spec string, e.g. <c>log:T=262144,M=4.5</c>.</summary>
    public override string ToString() => $"log:T={Format(T)},M={Format(M)}";

    private protected override KernelRegistry<SpanKernel> CreateForwardKernels()
    {
        // y = ln(x) · 1/(M·ln10) + (1 − log10(T)/M): two passes (Log, then MultiplyAdd).
        var gain = (float)(1 / (M * Math.Log(10)));
        var offset = (float)(1 - (Math.Log10(T) / M));
        return new(
            new("Log.Forward.TensorPrimitives", KernelIsa.TensorPrimitives, (s, d) =>
            {
                TensorPrimitives.Log(s, d);
                AffineScalar.Best(gain, offset, d, d);
            }),
            new("Log.Forward.Scalar", KernelIsa.Scalar, ScalarForward));
    }

    private protected override KernelRegistry<SpanKernel> CreateInverseKernels()
    {
        // x = exp(y · M·ln10 + (ln T − M·ln10)).
        var gain = (float)(M * Math.Log(10));
        var offset = (float)(Math.Log(T) - (M * Math.Log(10)));
        return new(
            new("Log.Inverse.TensorPrimitives", KernelIsa.TensorPrimitives, (s, d) =>
            {
                AffineScalar.Best(gain, offset, s, d);
                TensorPrimitives.Exp(d, d);
            }),
            new("Log.Inverse.Scalar", KernelIsa.Scalar, ScalarInverse));
    }
}
