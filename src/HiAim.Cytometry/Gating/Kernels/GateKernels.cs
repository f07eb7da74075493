namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Rectangle test over columns: event i is in when <c>lo[d] &lt;= columns[d][i] &lt;= hi[d]</c> for every
/// dimension d (bounds are inclusive floats; see <see cref="FloatBounds"/>). Writes every word of
/// <paramref name="words"/> that covers events [0, count); bits past count are zero.
/// </summary>
internal delegate void RectangleKernel(float[][] columns, float[] lo, float[] hi, ulong[] words, int count);

/// <summary>Polygon test (crossing number, even-odd) over an x and a y column.</summary>
internal delegate void PolygonKernel(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count);

/// <summary>Ellipsoid test: (v − mean)ᵀ Q (v − mean) ≤ d², Q the inverse covariance (row-major n×n).</summary>
internal delegate void EllipsoidKernel(float[][] columns, float[] mean, float[] q, float distanceSquare, ulong[] words, int count);

/// <summary>A kernel variant: stable name plus the delegate.</summary>
internal sealed record GateKernel<T>(string Name, T Run)
    where T : Delegate
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Every gate kernel this CPU runs, best first and the scalar twin (the specification) last. Tests
/// run each entry against the last one; the engine uses entry 0.
/// </summary>
internal static class GateKernels
{
    public static IReadOnlyList<GateKernel<RectangleKernel>> Rectangle { get; } = Pick(
        (RectangleV512.IsSupported, new("Rectangle.V512", RectangleV512.Run)),
        (RectangleV256.IsSupported, new("Rectangle.V256", RectangleV256.Run)),
        (true, new GateKernel<RectangleKernel>("Rectangle.Scalar", RectangleScalar.Run)));

    public static IReadOnlyList<GateKernel<PolygonKernel>> Polygon { get; } = Pick(
        (PolygonV512.IsSupported, new("Polygon.V512", PolygonV512.Run)),
        (PolygonV256.IsSupported, new("Polygon.V256", PolygonV256.Run)),
        (true, new GateKernel<PolygonKernel>("Polygon.Scalar", PolygonScalar.Run)));

    public static IReadOnlyList<GateKernel<EllipsoidKernel>> Ellipsoid { get; } = Pick(
        (EllipsoidV512.IsSupported, new("Ellipsoid.V512", EllipsoidV512.Run)),
        (EllipsoidV256.IsSupported, new("Ellipsoid.V256", EllipsoidV256.Run)),
        (true, new GateKernel<EllipsoidKernel>("Ellipsoid.Scalar", EllipsoidScalar.Run)));

    private static GateKernel<T>[] Pick<T>(params (bool Supported, GateKernel<T> Kernel)[] candidates)
        where T : Delegate => [.. candidates.Where(c => c.Supported).Select(c => c.Kernel)];
}

/// <summary>Converts double gate bounds to float bounds that give the same answer on float data.</summary>
internal static class FloatBounds
{
    /// <summary>Smallest float ≥ <paramref name="value"/>: for float x, <c>x ≥ result ⇔ x ≥ value</c>.</summary>
    public static float CeilingToFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return float.NaN;
        }

        var f = (float)value;
        return (double)f < value ? MathF.BitIncrement(f) : f;
    }

    /// <summary>Inclusive lower bound for <c>x ≥ min</c> (null: open, −∞).</summary>
    public static float Lower(double? min) => min is { } m ? CeilingToFloat(m) : float.NegativeInfinity;

    /// <summary>Inclusive upper bound for <c>x &lt; max</c> (null: open, +∞): the largest float below max.</summary>
    public static float UpperExclusive(double? max) => max is { } m ? MathF.BitDecrement(CeilingToFloat(m)) : float.PositiveInfinity;
}

/// <summary>
/// Polygon edges prepared for the crossing test, horizontal edges dropped. For edge k from a to b,
/// a point (x, y) crosses it when <c>Lo ≤ y &lt; Hi</c> (Lo, Hi the y extent) and the point lies
/// west of the edge: <c>Dx·(y − Ay) &gt; (x − Ax)·Dy</c>, with (Dx, Dy) = b − a for upward edges and
/// a − b for downward ones (the winding-number "is left" test with its sign folded in). The point is
/// inside when the number of crossings is odd.
/// </summary>
internal sealed class PolygonEdges
{
    public PolygonEdges(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys)
    {
        var lo = new List<float>();
        var hi = new List<float>();
        var ax = new List<float>();
        var ay = new List<float>();
        var dx = new List<float>();
        var dy = new List<float>();
        for (var i = 0; i < xs.Length; i++)
        {
            var j = i + 1 == xs.Length ? 0 : i + 1;
            float x1 = xs[i], y1 = ys[i], x2 = xs[j], y2 = ys[j];
            if (y1 == y2)
            {
                continue;
            }

            var up = y1 < y2;
            lo.Add(up ? y1 : y2);
            hi.Add(up ? y2 : y1);
            ax.Add(x1);
            ay.Add(y1);
            dx.Add(up ? x2 - x1 : -(x2 - x1));
            dy.Add(up ? y2 - y1 : -(y2 - y1));
        }

        Lo = [.. lo];
        Hi = [.. hi];
        Ax = [.. ax];
        Ay = [.. ay];
        Dx = [.. dx];
        Dy = [.. dy];
        Packed = new float[Lo.Length * Stride];
        for (var k = 0; k < Lo.Length; k++)
        {
            Packed[(k * Stride) + 0] = Lo[k];
            Packed[(k * Stride) + 1] = Hi[k];
            Packed[(k * Stride) + 2] = Ax[k];
            Packed[(k * Stride) + 3] = Ay[k];
            Packed[(k * Stride) + 4] = Dx[k];
            Packed[(k * Stride) + 5] = Dy[k];
        }
    }

    /// <summary>Floats per edge in <see cref="Packed"/>.</summary>
    public const int Stride = 8;

    /// <summary>Lo, Hi, Ax, Ay, Dx, Dy of each edge side by side (stride 8), for the vector kernels.</summary>
    public float[] Packed { get; }

    public float[] Lo { get; }

    public float[] Hi { get; }

    public float[] Ax { get; }

    public float[] Ay { get; }

    public float[] Dx { get; }

    public float[] Dy { get; }

    public int Count => Lo.Length;
}
