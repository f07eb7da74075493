using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Transforms;

/// <summary>
/// A monotone display transform of one channel (Gating-ML 2.0 and FlowJo families): a scalar
/// double-precision <see cref="Apply(double)"/> / <see cref="Inverse(double)"/> pair, which is the
/// specification, and span methods over float columns that run the fastest kernel this machine
/// supports (Vector512, Vector256 or scalar).
/// </summary>
/// <remarks>
/// NaN maps to NaN in both directions for every transform. Span methods write
/// <c>source.Length</c> values; source and destination may be the same span (in place) but must
/// not otherwise overlap.
/// </remarks>
public abstract partial class Transform
{
    private KernelRegistry<SpanKernel>? _forward;
    private KernelRegistry<SpanKernel>? _inverse;

    /// <summary>Creates a transform.</summary>
    protected Transform()
    {
    }

    /// <summary>Transforms one data value (double precision).</summary>
    /// <param name="value">Data value.</param>
    /// <returns>The scale (display) value.</returns>
    public abstract double Apply(double value);

    /// <summary>Maps one scale (display) value back to data (double precision).</summary>
    /// <param name="value">Scale value.</param>
    /// <returns>The data value.</returns>
    public abstract double Inverse(double value);

    /// <summary>Transforms <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="source">Data values.</param>
    /// <param name="destination">Receives the scale values; at least as long as <paramref name="source"/>. May be the same memory as <paramref name="source"/>.</param>
    /// <exception cref="ArgumentException">Destination too short, or the spans overlap without being identical.</exception>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        CheckSpans(source, destination);
        ForwardKernels.Best.Run(source, destination[..source.Length]);
    }

    /// <summary>Maps scale values in <paramref name="source"/> back to data values in <paramref name="destination"/>.</summary>
    /// <param name="source">Scale values.</param>
    /// <param name="destination">Receives the data values; at least as long as <paramref name="source"/>. May be the same memory as <paramref name="source"/>.</param>
    /// <exception cref="ArgumentException">Destination too short, or the spans overlap without being identical.</exception>
    public void Inverse(ReadOnlySpan<float> source, Span<float> destination)
    {
        CheckSpans(source, destination);
        InverseKernels.Best.Run(source, destination[..source.Length]);
    }

    /// <summary>Every forward kernel: <see cref="KernelRegistry{T}.Best"/> is what the span API uses.</summary>
    internal KernelRegistry<SpanKernel> ForwardKernels => _forward ??= CreateForwardKernels();

    /// <summary>Every inverse kernel: <see cref="KernelRegistry{T}.Best"/> is what the span API uses.</summary>
    internal KernelRegistry<SpanKernel> InverseKernels => _inverse ??= CreateInverseKernels();

    /// <summary>Kernel list for the forward direction; by default a scalar loop over <see cref="Apply(double)"/>.</summary>
    private protected virtual KernelRegistry<SpanKernel> CreateForwardKernels() =>
        new(new Kernel<SpanKernel>(GetType().Name + ".Forward.Scalar", KernelIsa.Scalar, ScalarForward));

    /// <summary>Kernel list for the inverse direction; by default a scalar loop over <see cref="Inverse(double)"/>.</summary>
    private protected virtual KernelRegistry<SpanKernel> CreateInverseKernels() =>
        new(new Kernel<SpanKernel>(GetType().Name + ".Inverse.Scalar", KernelIsa.Scalar, ScalarInverse));

    private protected void ScalarForward(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Apply(source[i]);
        }
    }

    private protected void ScalarInverse(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Inverse(source[i]);
        }
    }

    private static void CheckSpans(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values but source has {source.Length}; destination must be at least as long as source.", nameof(destination));
        }

        if (source.Overlaps(destination, out var offset) && offset != 0)
        {
            throw new ArgumentException("Source and destination overlap at different offsets; use the same span (in place) or disjoint spans.", nameof(destination));
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not finite.</summary>
    private protected static void RequireFinite(double value, string name, string transform)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{transform}: parameter {name} must be a finite number.");
        }
    }

    /// <summary>Formats a parameter for <see cref="object.ToString"/> specs (round-trip, invariant).</summary>
    private protected static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
