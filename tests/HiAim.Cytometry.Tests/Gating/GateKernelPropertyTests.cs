using FsCheck.Xunit;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Gating.Kernels;

namespace HiAim.Cytometry.Tests.Gating;

/// <summary>
/// Every SIMD gate kernel written (Vector512 ones in software where the CPU lacks AVX-512) against its scalar twin (bit for bit), with events placed
/// exactly on polygon edges and vertices, on rectangle bounds and on ellipse boundaries; the scalar
/// polygon test against an independent winding-number reference; boolean algebra laws on bitsets.
/// </summary>
public sealed class GateKernelPropertyTests
{
    private static readonly int[] Lengths = [0, 1, 7, 8, 15, 16, 17, 63, 64, 65, 127, 128, 129, 200, 1000];

    private static float Grid(Random rng) => rng.Next(-8, 9) * 0.5f;

    private static (float[] X, float[] Y) Polygon(Random rng)
    {
        var n = rng.Next(3, 40);
        return ([.. Enumerable.Range(0, n).Select(_ => Grid(rng))], [.. Enumerable.Range(0, n).Select(_ => Grid(rng))]);
    }

    /// <summary>Events: vertices, edge midpoints, grid points, random points, NaN and infinities.</summary>
    private static (float[] X, float[] Y) Events(Random rng, float[] vx, float[] vy, int count)
    {
        var x = new float[count];
        var y = new float[count];
        for (var i = 0; i < count; i++)
        {
            var k = rng.Next(vx.Length);
            var k2 = (k + 1) % vx.Length;
            (x[i], y[i]) = rng.Next(6) switch
            {
                0 => (vx[k], vy[k]),
                1 => ((vx[k] + vx[k2]) / 2, (vy[k] + vy[k2]) / 2),
                2 => (Grid(rng) / 2, Grid(rng) / 2),
                3 => ((float)((rng.NextDouble() * 10) - 5), (float)((rng.NextDouble() * 10) - 5)),
                4 => (vx[k] + ((vx[k2] - vx[k]) * 0.25f), vy[k] + ((vy[k2] - vy[k]) * 0.25f)),
                _ => (rng.Next(4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => 0f }, Grid(rng)),
            };
        }

        return (x, y);
    }

    [Property(MaxTest = 300)]
    public void Polygon_kernels_match_the_scalar_twin(int seed)
    {
        var rng = new Random(seed);
        var (vx, vy) = Polygon(rng);
        var edges = new PolygonEdges(vx, vy);
        foreach (var n in Lengths)
        {
            var (x, y) = Events(rng, vx, vy, n);
            var expected = new ulong[EventBitset.WordCount(n)];
            GateKernels.Polygon.Scalar.Run(x, y, edges, expected, n);
            foreach (var kernel in GateKernels.Polygon.All)
            {
                var words = Enumerable.Repeat(0xDEADBEEFUL, expected.Length).ToArray();
                kernel.Run(x, y, edges, words, n);
                Assert.True(expected.AsSpan().SequenceEqual(words), $"{kernel.Name}, {n} events, seed {seed}");
            }
        }
    }

    /// <summary>Polygons of 3–8 vertices have at most 8 distinct y values: the per-lane slab path of the vector kernels.</summary>
    [Property(MaxTest = 300)]
    public void Polygon_slab_path_matches_the_scalar_twin(int seed)
    {
        var rng = new Random(seed);
        var n = rng.Next(3, 9);
        float[] vx = [.. Enumerable.Range(0, n).Select(_ => Grid(rng))];
        float[] vy = [.. Enumerable.Range(0, n).Select(_ => Grid(rng))];
        var edges = new PolygonEdges(vx, vy);
        Assert.True(edges.Count == 0 || edges.SlabYs.Length > 0, $"seed {seed}: no slab tables for {n} vertices");
        // Up to 5 vertices: at most 5 distinct y values, the in-lane (4-slab) tables.
        Assert.True(edges.Count == 0 || n > PolygonEdges.MaxLaneSlabYs || edges.LaneSlabEdges.Length > 0, $"seed {seed}: no in-lane slab tables for {n} vertices");
        var (x, y) = Events(rng, vx, vy, 1000);
        var expected = new ulong[EventBitset.WordCount(x.Length)];
        GateKernels.Polygon.Scalar.Run(x, y, edges, expected, x.Length);
        foreach (var kernel in GateKernels.Polygon.All)
        {
            var words = new ulong[expected.Length];
            kernel.Run(x, y, edges, words, x.Length);
            Assert.True(expected.AsSpan().SequenceEqual(words), $"{kernel.Name}, seed {seed}");
        }
    }

    /// <summary>The scalar twin agrees with a double-precision winding-number reference (odd = inside) on exact grid data.</summary>
    [Property(MaxTest = 300)]
    public void Polygon_scalar_twin_is_the_even_odd_winding_rule(int seed)
    {
        var rng = new Random(seed);
        var (vx, vy) = Polygon(rng);
        var edges = new PolygonEdges(vx, vy);
        var (x, y) = Events(rng, vx, vy, 300);
        for (var i = 0; i < x.Length; i++)
        {
            // Grid points (multiples of 1/8) only: there float arithmetic is exact, so the float
            // twin and the double reference must agree even exactly on edges and vertices.
            if (!float.IsFinite(x[i]) || x[i] * 8 != MathF.Round(x[i] * 8) || y[i] * 8 != MathF.Round(y[i] * 8))
            {
                continue;
            }

            Assert.Equal(WindingCount(vx, vy, x[i], y[i]) % 2 != 0, PolygonScalar.Inside(x[i], y[i], edges));
        }
    }

    private static int WindingCount(float[] vx, float[] vy, double px, double py)
    {
        var wind = 0;
        for (var i = 0; i < vx.Length; i++)
        {
            var j = (i + 1) % vx.Length;
            double ax = vx[i], ay = vy[i], bx = vx[j], by = vy[j];
            var left = ((bx - ax) * (py - ay)) - ((px - ax) * (by - ay));
            if (ay <= py)
            {
                if (py < by && left > 0)
                {
                    wind++;
                }
            }
            else if (by <= py && left < 0)
            {
                wind--;
            }
        }

        return wind;
    }

    [Fact]
    public void Polygon_edges_and_vertices_are_decided_by_the_documented_rule()
    {
        // Unit square: bottom and left edges in, top and right edges out; corners: only (0,0) in.
        var edges = new PolygonEdges([0, 1, 1, 0], [0, 0, 1, 1]);
        Assert.True(PolygonScalar.Inside(0.5f, 0f, edges));
        Assert.True(PolygonScalar.Inside(0f, 0.5f, edges));
        Assert.False(PolygonScalar.Inside(0.5f, 1f, edges));
        Assert.False(PolygonScalar.Inside(1f, 0.5f, edges));
        Assert.True(PolygonScalar.Inside(0f, 0f, edges));
        Assert.False(PolygonScalar.Inside(1f, 0f, edges));
        Assert.False(PolygonScalar.Inside(1f, 1f, edges));
        Assert.False(PolygonScalar.Inside(0f, 1f, edges));

        // A self-intersecting bow tie: the crossing point and the two lobes.
        var bow = new PolygonEdges([0, 2, 2, 0], [0, 2, 0, 2]);
        Assert.True(PolygonScalar.Inside(1.5f, 1f, bow));
        Assert.True(PolygonScalar.Inside(0.5f, 1f, bow));
        Assert.False(PolygonScalar.Inside(1f, 0.5f, bow));
    }

    [Property(MaxTest = 300)]
    public void Rectangle_kernels_match_the_scalar_twin(int seed)
    {
        var rng = new Random(seed);
        var dims = rng.Next(1, 5);
        var lo = new float[dims];
        var hi = new float[dims];
        for (var d = 0; d < dims; d++)
        {
            double? min = rng.Next(4) == 0 ? null : Grid(rng);
            double? max = rng.Next(4) == 0 || min is null ? null : min + 0.5 + rng.Next(6);
            lo[d] = FloatBounds.Lower(min);
            hi[d] = FloatBounds.UpperExclusive(max);
        }

        foreach (var n in Lengths)
        {
            var columns = Enumerable.Range(0, dims).Select(_ => Events(rng, [lo[0], hi[0], 0], [0, 1, 2], n).X).ToArray();
            for (var d = 0; d < dims; d++)
            {
                for (var i = 0; i < n; i += 3)
                {
                    columns[d][i] = Grid(rng);
                }
            }

            var expected = new ulong[EventBitset.WordCount(n)];
            GateKernels.Rectangle.Scalar.Run(columns, lo, hi, expected, n);
            foreach (var kernel in GateKernels.Rectangle.All)
            {
                var words = Enumerable.Repeat(ulong.MaxValue, expected.Length).ToArray();
                kernel.Run(columns, lo, hi, words, n);
                Assert.True(expected.AsSpan().SequenceEqual(words), $"{kernel.Name}, {n} events, seed {seed}");
            }
        }
    }

    [Property(MaxTest = 200)]
    public void Rectangle_bounds_are_min_inclusive_max_exclusive_on_float_data(int seed)
    {
        var rng = new Random(seed);
        var min = (rng.NextDouble() * 200) - 100;
        var max = min + (rng.NextDouble() * 50) + 1e-3;
        var lo = FloatBounds.Lower(min);
        var hi = FloatBounds.UpperExclusive(max);
        foreach (var v in new[] { (float)min, MathF.BitIncrement((float)min), MathF.BitDecrement((float)min), (float)max, MathF.BitIncrement((float)max), MathF.BitDecrement((float)max) })
        {
            var inside = v >= lo && v <= hi;
            Assert.Equal(v >= min && v < max, inside);
        }
    }

    [Property(MaxTest = 300)]
    public void Ellipsoid_kernels_match_the_scalar_twin(int seed)
    {
        var rng = new Random(seed);
        var dims = rng.Next(2, 5);
        var mean = Enumerable.Range(0, dims).Select(_ => Grid(rng)).ToArray();
        var q = new float[dims * dims];
        for (var i = 0; i < dims; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                q[(i * dims) + j] = q[(j * dims) + i] = i == j ? 1 + rng.Next(4) : rng.Next(-2, 3) * 0.25f;
            }
        }

        var d2 = (float)rng.Next(1, 9);
        foreach (var n in Lengths)
        {
            var columns = Enumerable.Range(0, dims).Select(d =>
            {
                var c = new float[n];
                for (var i = 0; i < n; i++)
                {
                    // Axis points at distance exactly sqrt(d2 / q_dd) land on the boundary when d2 / q_dd is a square.
                    c[i] = rng.Next(5) switch
                    {
                        0 => mean[d],
                        1 => mean[d] + MathF.Sqrt(d2 / q[(d * dims) + d]),
                        2 => float.NaN,
                        _ => mean[d] + (float)((rng.NextDouble() * 8) - 4),
                    };
                }

                return c;
            }).ToArray();
            var expected = new ulong[EventBitset.WordCount(n)];
            GateKernels.Ellipsoid.Scalar.Run(columns, mean, q, d2, expected, n);
            foreach (var kernel in GateKernels.Ellipsoid.All)
            {
                var words = Enumerable.Repeat(ulong.MaxValue, expected.Length).ToArray();
                kernel.Run(columns, mean, q, d2, words, n);
                Assert.True(expected.AsSpan().SequenceEqual(words), $"{kernel.Name}, {n} events, seed {seed}");
            }
        }
    }

    private static EventBitset RandomSet(Random rng, int n)
    {
        var flags = new bool[n];
        var density = rng.NextDouble();
        for (var i = 0; i < n; i++)
        {
            flags[i] = rng.NextDouble() < density;
        }

        return EventBitset.FromFlags(flags);
    }

    [Property(MaxTest = 300)]
    public void Bitset_boolean_algebra_laws_hold(int seed)
    {
        var rng = new Random(seed);
        var n = Lengths[rng.Next(Lengths.Length)] + rng.Next(3);
        var a = RandomSet(rng, n);
        var b = RandomSet(rng, n);
        var c = RandomSet(rng, n);
        var all = EventBitset.All(n);
        var none = new EventBitset(n);

        Assert.Equal(a.And(b), b.And(a));
        Assert.Equal(a.Or(b), b.Or(a));
        Assert.Equal(a.And(b.And(c)), a.And(b).And(c));
        Assert.Equal(a.Or(b.Or(c)), a.Or(b).Or(c));
        Assert.Equal(a.And(b.Or(c)), a.And(b).Or(a.And(c)));
        Assert.Equal(a.Or(b.And(c)), a.Or(b).And(a.Or(c)));
        Assert.Equal(a.Or(b).Not(), a.Not().And(b.Not()));
        Assert.Equal(a.And(b).Not(), a.Not().Or(b.Not()));
        Assert.Equal(a, a.Not().Not());
        Assert.Equal(none, a.And(a.Not()));
        Assert.Equal(all, a.Or(a.Not()));
        Assert.Equal(a.AndNot(b), a.And(b.Not()));
        Assert.Equal(n, a.Count + a.Not().Count);
        Assert.Equal(a.Count + b.Count, a.Or(b).Count + a.And(b).Count);

        var fa = a.ToFlags();
        var fb = b.ToFlags();
        Assert.Equal(fa.Zip(fb, (x, y) => x && y).Count(f => f), a.And(b).Count);
        Assert.Equal(Enumerable.Range(0, n).Where(i => fa[i]).ToArray(), a.ToIndices());

        // Vector paths against the scalar twin on raw words.
        var scalar = new ulong[a.Words.Length];
        var vector = new ulong[a.Words.Length];
        BitsetScalar.Or(a.Words, b.Words, scalar);
        BitsetOps.Or(a.Words, b.Words, vector);
        Assert.Equal(scalar, vector);
        BitsetScalar.AndNot(a.Words, b.Words, scalar);
        BitsetOps.AndNot(a.Words, b.Words, vector);
        Assert.Equal(scalar, vector);
    }
}
