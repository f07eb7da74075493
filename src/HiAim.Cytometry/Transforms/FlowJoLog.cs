using System.Numerics.Tensors;
using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// FlowJo 10's log transform (as FlowKit's <c>WSPLogTransform</c> defines it):
/// y = (log10(max(x, offset)) − log10(offset)) / decades. Data at or below the offset (including
/// negative values) map to 0; the inverse is offset · 10^(y · decades), so it cannot restore
/// clipped values. NaN maps to NaN. Spec string: <c>flowjo-log:offset=0.5,decades=4.5</c>.
/// </summary>
public sealed class FlowJoLog : Transform
{
    /// <summary>Creates a FlowJo log transform.</summary>
    /// <param name="offset">Lowest data value shown (maps to 0); offset &gt; 0.</param>
    /// <param name="decades">Decades per unit of output; decades &gt; 0.</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public FlowJoLog(double offset, double decades)
    {
        RequireFinite(offset, nameof(offset), "flowjo-log");
        RequireFinite(decades, nameof(decades), "flowjo-log");
        if (offset <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"flowjo-log: offset must be > 0; got offset = {Format(offset)}.");
        }

        if (decades <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(decades), decades, $"flowjo-log: decades must be > 0; got decades = {Format(decades)}.");
        }

        Offset = offset;
        Decades = decades;
    }

    /// <summary>Lowest data value shown; it and everything below map to 0.</summary>
    public double Offset { get; }

    /// <summary>Decades per unit of output.</summary>
    public double Decades { get; }

    /// <inheritdoc/>
    public override double Apply(double value) =>
        double.IsNaN(value) ? value : (Math.Log10(Math.Max(value, Offset)) - Math.Log10(Offset)) / Decades;

    /// <inheritdoc/>
    public override double Inverse(double value) => Offset * Math.Pow(10, value * Decades);

    /// <summary>The spec string, e.g. <c>flowjo-log:offset=0.5,decades=4.5</c>.</summary>
    public override string ToString() => $"flowjo-log:offset={Format(Offset)},decades={Format(Decades)}";

    private protected override KernelRegistry<SpanKernel> CreateForwardKernels()
    {
        var offset = (float)Offset;
        var gain = (float)(1 / (Decades * Math.Log(10)));
        var shift = (float)(-Math.Log10(Offset) / Decades);
        return new(
            new("FlowJoLog.Forward.TensorPrimitives", KernelIsa.TensorPrimitives, (s, d) =>
            {
                TensorPrimitives.Max(s, offset, d); // NaN propagates
                TensorPrimitives.Log(d, d);
                AffineScalar.Best(gain, shift, d, d);
            }),
            new("FlowJoLog.Forward.Scalar", KernelIsa.Scalar, ScalarForward));
    }

    private protected override KernelRegistry<SpanKernel> CreateInverseKernels()
    {
        var gain = (float)(Decades * Math.Log(10));
        var shift = (float)Math.Log(Offset);
        return new(
            new("FlowJoLog.Inverse.TensorPrimitives", KernelIsa.TensorPrimitives, (s, d) =>
            {
                AffineScalar.Best(gain, shift, s, d);
                TensorPrimitives.Exp(d, d);
            }),
            new("FlowJoLog.Inverse.Scalar", KernelIsa.Scalar, ScalarInverse));
    }
}
