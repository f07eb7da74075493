using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// The hyperlog scale (Bagwell 2005; Gating-ML 2.0 <c>hyperlog</c>): the inverse of
/// EH(y) = a·e^(b·y) + c·y − f, linear around zero and logarithmic at the top. T maps to 1; data 0
/// maps to (W + A)/(M + A). Spec string <c>hyperlog:T=262144,W=0.5,M=4.5,A=0</c>.
/// </summary>
/// <remarks>
/// Scalar methods solve EH(y) = x in double precision by Halley's method with a Taylor series near
/// zero. The span forward path runs a fixed number of vectorized float Halley steps; the tests bound
/// its error against the scalar result. NaN maps to NaN, ±∞ to ±∞.
/// </remarks>
public sealed class Hyperlog : Transform
{
    private readonly HyperlogCoefficients _k;

    /// <summary>Creates a hyperlog transform.</summary>
    /// <param name="t">Top of scale T, mapped to 1; T &gt; 0.</param>
    /// <param name="w">Linearisation width W in decades; 0 &lt; W ≤ M/2.</param>
    /// <param name="m">Decades M of the full scale; M &gt; 0.</param>
    /// <param name="a">Extra negative decades A; −W ≤ A ≤ M − 2W.</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public Hyperlog(double t, double w, double m, double a = 0)
    {
        Logicle.ValidateBiexponential("hyperlog", t, w, m, a, widthMayBeZero: false);
        T = t;
        W = w;
        M = m;
        A = a;
        _k = new HyperlogCoefficients(t, w, m, a);
    }

    /// <summary>Top of scale: the data value mapped to 1.</summary>
    public double T { get; }

    /// <summary>Linearisation width in decades.</summary>
    public double W { get; }

    /// <summary>Decades of the full scale.</summary>
    public double M { get; }

    /// <summary>Extra negative decades.</summary>
    public double A { get; }

    internal HyperlogCoefficients Coefficients => _k;

    /// <inheritdoc/>
    public override double Apply(double value) => HyperlogScalar.Forward(_k, value);

    /// <inheritdoc/>
    public override double Inverse(double value) => HyperlogScalar.Inverse(_k, value);

    /// <summary>The spec string, e.g. <c>hyperlog:T=262144,W=0.5,M=4.5,A=0</c>.</summary>
    public override string ToString() => $"hyperlog:T={Format(T)},W={Format(W)},M={Format(M)},A={Format(A)}";

    private protected override KernelRegistry<SpanKernel> CreateForwardKernels()
    {
        var k = _k;
        return new(
            new("Hyperlog.Forward.V512", KernelIsa.Vector512, (s, d) => HyperlogV512.Forward(k, s, d)),
            new("Hyperlog.Forward.V256", KernelIsa.Vector256, (s, d) => HyperlogV256.Forward(k, s, d)),
            new("Hyperlog.Forward.Scalar", KernelIsa.Scalar, (s, d) => HyperlogScalar.Forward(k, s, d)));
    }

    private protected override KernelRegistry<SpanKernel> CreateInverseKernels()
    {
        var k = _k;
        return new(
            new("Hyperlog.Inverse.V512", KernelIsa.Vector512, (s, d) => HyperlogV512.Inverse(k, s, d)),
            new("Hyperlog.Inverse.V256", KernelIsa.Vector256, (s, d) => HyperlogV256.Inverse(k, s, d)),
            new("Hyperlog.Inverse.Scalar", KernelIsa.Scalar, (s, d) => HyperlogScalar.Inverse(k, s, d)));
    }
}
