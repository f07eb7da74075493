namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>A span kernel bound to one transform's parameters (the <see cref="Cytometry.Kernels.KernelRegistry{T}"/>
/// entries of a transform direction). Source and destination have equal length and are identical or disjoint.</summary>
/// <param name="source">Input values.</param>
/// <param name="destination">Output values.</param>
internal delegate void SpanKernel(ReadOnlySpan<float> source, Span<float> destination);
