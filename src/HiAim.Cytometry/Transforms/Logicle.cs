using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// The logicle scale (Parks, Roederer and Moore 2006; Gating-ML 2.0 <c>logicle</c>): the inverse
/// of the biexponential B(y) = a·e^(b·y) − c·e^(−d·y) − f, linear-like around zero and
/// logarithmic at the top. T maps to 1; data 0 maps to (W + A)/(M + A). Spec string
/// <c>logicle:T=262144,W=0.5,M=4.5,A=0</c>.
/// </summary>
/// <remarks>
/// Scalar methods solve B(y) = x in double precision by Halley's method with a Taylor series near
/// zero. The span forward path runs a fixed number of vectorized float Halley steps; the tests bound
/// its error against the scalar result. NaN maps to NaN, ±∞ to ±∞.
/// </remarks>
public sealed class Logicle : Transform
{
    private readonly LogicleCoefficients _k;

    /// <summary>Creates a logicle transform.</summary>
    /// <param name="t">Top of scale T, mapped to 1; T &gt; 0.</param>
    /// <param name="w">Linearisation width W in decades; 0 ≤ W ≤ M/2.</param>
    /// <param name="m">Decades M of the full scale; M &gt; 0.</param>
    /// <param name="a">Extra negative decades A; −W ≤ A ≤ M − 2W.</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public Logicle(double t, double w, double m, double a = 0)
    {
        ValidateBiexponential("logicle", t, w, m, a, widthMayBeZero: true);
        T = t;
        W = w;
        M = m;
        A = a;
        _k = new LogicleCoefficients(t, w, m, a);
    }

    /// <summary>Top of scale: the data value mapped to 1.</summary>
    public double T { get; }

    /// <summary>Linearisation width in decades.</summary>
    public double W { get; }

    /// <summary>Decades of the full scale.</summary>
    public double M { get; }

    /// <summary>Extra negative decades.</summary>
    public double A { get; }

    internal LogicleCoefficients Coefficients => _k;

    /// <inheritdoc/>
    public override double Apply(double value) => LogicleScalar.Forward(_k, value);

    /// <inheritdoc/>
    public override double Inverse(double value) => LogicleScalar.Inverse(_k, value);

    /// <summary>The spec string, e.g. <c>logicle:T=262144,W=0.5,M=4.5,A=0</c>.</summary>
    public override string ToString() => $"logicle:T={Format(T)},W={Format(W)},M={Format(M)},A={Format(A)}";

    /// <summary>Shared Gating-ML parameter rules of logicle and hyperlog.</summary>
    internal static void ValidateBiexponential(string name, double t, double w, double m, double a, bool widthMayBeZero)
    {
        RequireFinite(t, nameof(t), name);
        RequireFinite(w, nameof(w), name);
        RequireFinite(m, nameof(m), name);
        RequireFinite(a, nameof(a), name);
        if (t <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"{name}: T (top of scale) must be > 0; got T = {Format(t)}.");
        }

        if (m <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, $"{name}: M (decades) must be > 0; got M = {Format(m)}.");
        }

        if (widthMayBeZero ? w < 0 : w <= 0)
        {
            var rule = widthMayBeZero ? "W ≥ 0" : "W > 0";
            throw new ArgumentOutOfRangeException(nameof(w), w, $"{name}: W (linearisation width) must satisfy {rule}; got W = {Format(w)}.");
        }

        if (2 * w > m)
        {
            throw new ArgumentOutOfRangeException(nameof(w), w, $"{name}: W (linearisation width) must satisfy W ≤ M/2; got W = {Format(w)}, M = {Format(m)}.");
        }

        if (a < -w || a > m - (2 * w))
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, $"{name}: A (extra negative decades) must satisfy −W ≤ A ≤ M − 2W; got A = {Format(a)}, W = {Format(w)}, M = {Format(m)}.");
        }

        if (m + a <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, $"{name}: M + A must be > 0; got M = {Format(m)}, A = {Format(a)}.");
        }
    }

    private protected override KernelRegistry<SpanKernel> CreateForwardKernels()
    {
        var k = _k;
        return new(
            new("Logicle.Forward.V512", KernelIsa.Vector512, (s, d) => LogicleV512.Forward(k, s, d)),
            new("Logicle.Forward.V256", KernelIsa.Vector256, (s, d) => LogicleV256.Forward(k, s, d)),
            new("Logicle.Forward.Scalar", KernelIsa.Scalar, (s, d) => LogicleScalar.Forward(k, s, d)));
    }

    private protected override KernelRegistry<SpanKernel> CreateInverseKernels()
    {
        var k = _k;
        return new(
            new("Logicle.Inverse.V512", KernelIsa.Vector512, (s, d) => LogicleV512.Inverse(k, s, d)),
            new("Logicle.Inverse.V256", KernelIsa.Vector256, (s, d) => LogicleV256.Inverse(k, s, d)),
            new("Logicle.Inverse.Scalar", KernelIsa.Scalar, (s, d) => LogicleScalar.Inverse(k, s, d)));
    }
}
