using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// Gating-ML 2.0 <c>flin</c>: y = (x + A) / (T + A). Maps [−A, T] onto [0, 1] and is defined for
/// every x. Spec string: <c>linear:T=262144,A=0</c>.
/// </summary>
public sealed class LinearTransform : Transform
{
    private readonly double _gain;
    private readonly double _offset;

    /// <summary>Creates a linear transform.</summary>
    /// <param name="t">Top of scale T, mapped to 1; T &gt; 0.</param>
    /// <param name="a">Bottom offset A: −A maps to 0; 0 ≤ A ≤ T.</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public LinearTransform(double t, double a = 0)
    {
        RequireFinite(t, nameof(t), "linear");
        RequireFinite(a, nameof(a), "linear");
        if (t <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"linear: T (top of scale) must be > 0; got T = {Format(t)}.");
        }

        if (a < 0 || a > t)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, $"linear: A (bottom offset) must satisfy 0 ≤ A ≤ T; got A = {Format(a)}, T = {Format(t)}.");
        }

        T = t;
        A = a;
        _gain = 1 / (t + a);
        _offset = a / (t + a);
    }

    /// <summary>Top of scale: the data value mapped to 1.</summary>
    public double T { get; }

    /// <summary>Bottom offset: the data value −A maps to 0.</summary>
    public double A { get; }

    /// <inheritdoc/>
    public override double Apply(double value) => (value + A) / (T + A);

    /// <inheritdoc/>
    public override double Inverse(double value) => (value * (T + A)) - A;

    /// <summary>The spec string, e.g. <c>linear:T=262144,A=0</c>.</summary>
    public override string ToString() => $"linear:T={Format(T)},A={Format(A)}";

    private protected override KernelRegistry<SpanKernel> CreateForwardKernels()
    {
        var gain = (float)_gain;
        var offset = (float)_offset;
        return new(
            new("Linear.Forward.V512", KernelIsa.Vector512, (s, d) => AffineV512.Apply(gain, offset, s, d)),
            new("Linear.Forward.V256", KernelIsa.Vector256, (s, d) => AffineV256.Apply(gain, offset, s, d)),
            new("Linear.Forward.Scalar", KernelIsa.Scalar, ScalarForward));
    }

    private protected override KernelRegistry<SpanKernel> CreateInverseKernels()
    {
        var gain = (float)(T + A);
        var offset = (float)-A;
        return new(
            new("Linear.Inverse.V512", KernelIsa.Vector512, (s, d) => AffineV512.Apply(gain, offset, s, d)),
            new("Linear.Inverse.V256", KernelIsa.Vector256, (s, d) => AffineV256.Apply(gain, offset, s, d)),
            new("Linear.Inverse.Scalar", KernelIsa.Scalar, ScalarInverse));
    }
}
