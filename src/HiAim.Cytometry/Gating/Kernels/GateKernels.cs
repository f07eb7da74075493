using HiAim.Cytometry.Kernels;

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

/// <summary>
/// The gate kernel registries: each lists its variants best first, with the scalar twin (the specification) as
/// <see cref="KernelRegistry{T}.Scalar"/>. The engine uses <see cref="KernelRegistry{T}.Best"/>; tests run every
/// entry of <see cref="KernelRegistry{T}.All"/> against the twin.
/// </summary>
internal static class GateKernels
{
    /// <summary>Rectangle (and quadrant) kernels.</summary>
    public static KernelRegistry<RectangleKernel> Rectangle { get; } = new(
        new("Rectangle.V512", KernelIsa.Vector512, RectangleV512.Run),
        new("Rectangle.V256", KernelIsa.Vector256, RectangleV256.Run),
        new("Rectangle.Scalar", KernelIsa.Scalar, RectangleScalar.Run));

    /// <summary>Polygon kernels; the Slabs and Edges variants are the V256 kernel with its lookups switched off (tests and benchmarks).</summary>
    public static KernelRegistry<PolygonKernel> Polygon { get; } = new(
        new("Polygon.V512", KernelIsa.Vector512, PolygonV512.Run),
        new("Polygon.V256", KernelIsa.Vector256, PolygonV256.Run),
        new("Polygon.V256.Slabs", KernelIsa.Vector256, PolygonV256.RunSlabs),
        new("Polygon.V256.Edges", KernelIsa.Vector256, PolygonV256.RunEdges),
        new("Polygon.Scalar", KernelIsa.Scalar, PolygonScalar.Run));

    /// <summary>Ellipsoid kernels.</summary>
    public static KernelRegistry<EllipsoidKernel> Ellipsoid { get; } = new(
        new("Ellipsoid.V512", KernelIsa.Vector512, EllipsoidV512.Run),
        new("Ellipsoid.V256", KernelIsa.Vector256, EllipsoidV256.Run),
        new("Ellipsoid.Scalar", KernelIsa.Scalar, EllipsoidScalar.Run));
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

        (SlabYs, SlabEdges, SlabSlots) = BuildSlabs();
        LaneSlabEdges = BuildLaneSlabs();
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

    /// <summary>
    /// Distinct edge-end y values, ascending, when there are at most <see cref="MaxSlabYs"/> of them (else
    /// empty). An event with y in [SlabYs[s−1], SlabYs[s]) lies in slab s and can only cross the edges
    /// spanning that slab; below, above or NaN it crosses none.
    /// </summary>
    public float[] SlabYs { get; }

    /// <summary>
    /// Per slab, the edges spanning it, as lookup tables for a lane-wise permute: for slot j,
    /// 32 floats = Ax, Ay, Dx, Dy of the j-th edge of slabs 0..7 (index = number of SlabYs ≤ y).
    /// Unused entries (slab 0, slabs past the last, slots past a slab's edges) are all zero, which
    /// never counts as a crossing: 0·(y − 0) &gt; (x − 0)·0 is false for every x and y, NaN included.
    /// </summary>
    public float[] SlabEdges { get; }

    /// <summary>Largest number of edges spanning one slab (slots in <see cref="SlabEdges"/>).</summary>
    public int SlabSlots { get; }

    /// <summary>
    /// With at most <see cref="MaxLaneSlabYs"/> distinct y values (at most 4 slabs; else empty), the rows of
    /// <see cref="SlabEdges"/> for slabs 1..4 repeated in both 128-bit halves, for an in-lane permute
    /// (2-bit index = slab − 1 = number of interior SlabYs ≤ y; y outside [SlabYs[0], SlabYs[^1]) is
    /// masked separately): cheaper than the cross-lane permute of <see cref="SlabEdges"/>.
    /// </summary>
    public float[] LaneSlabEdges { get; }

    /// <summary>Five distinct y values give four slabs, indices 0..3.</summary>
    public const int MaxLaneSlabYs = 5;

    /// <summary>At most 8 distinct y values give at most 7 slabs, and slab indices 0..8 fit a 3-bit lookup.</summary>
    public const int MaxSlabYs = 8;

    private (float[] Ys, float[] Edges, int Slots) BuildSlabs()
    {
        var ys = Lo.Concat(Hi).Distinct().Order().ToArray();
        if (ys.Length > MaxSlabYs || ys.Length < 2)
        {
            return ([], [], 0);
        }

        var members = new List<int>[ys.Length];
        for (var s = 1; s < ys.Length; s++)
        {
            members[s] = [.. Enumerable.Range(0, Count).Where(k => Lo[k] <= ys[s - 1] && Hi[k] >= ys[s])];
        }

        var slots = Enumerable.Range(1, ys.Length - 1).Max(s => members[s].Count);
        var table = new float[slots * 32];
        for (var s = 1; s < ys.Length; s++)
        {
            for (var j = 0; j < members[s].Count; j++)
            {
                var k = members[s][j];
                table[(j * 32) + s] = Ax[k];
                table[(j * 32) + 8 + s] = Ay[k];
                table[(j * 32) + 16 + s] = Dx[k];
                table[(j * 32) + 24 + s] = Dy[k];
            }
        }

        return (ys, table, slots);
    }

    private float[] BuildLaneSlabs()
    {
        if (SlabYs.Length is 0 or > MaxLaneSlabYs)
        {
            return [];
        }

        var table = new float[SlabSlots * 32];
        for (var row = 0; row < SlabSlots * 4; row++)
        {
            for (var s = 1; s < SlabYs.Length; s++)
            {
                table[(row * 8) + s - 1] = SlabEdges[(row * 8) + s];
                table[(row * 8) + 4 + s - 1] = SlabEdges[(row * 8) + s];
            }
        }

        return table;
    }
}
