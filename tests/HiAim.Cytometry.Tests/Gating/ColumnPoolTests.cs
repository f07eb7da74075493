using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests.Gating;

/// <summary>
/// A column pool reused across samples (as <c>hiaim gate</c> does per worker) gives the same populations as
/// fresh arrays, also when event counts change between samples and columns come back with stale contents.
/// </summary>
public sealed class ColumnPoolTests
{
    private static EventMatrix Sample(int events, int seed)
    {
        var rng = new Random(seed);
        var columns = new float[3][];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = [.. Enumerable.Range(0, events).Select(_ => (float)(rng.NextDouble() * 1000))];
        }

        return new EventMatrix(["A", "B", "C"], columns);
    }

    [Fact]
    public void Pooled_gating_matches_fresh_arrays_across_samples_of_different_sizes()
    {
        var asinh = new Arcsinh(1000, 4);
        var a = new Dimension("A", CompensationRef.File, asinh);
        var b = new Dimension("B", CompensationRef.File, asinh);
        var strategy = new GatingStrategy()
            .Add(new PolygonGate("P", null, new Dimension("C"), a, [(100, 0), (900, 0.2), (800, 4), (150, 3)]))
            .Add(new RectangleGate("R", "P", new GateRange(b, 1.5, null)));
        var spillover = new Spillover(["A", "B"], new double[,] { { 1, 0.2 }, { 0.1, 1 } });
        var pool = new ColumnPool();
        foreach (var (events, seed) in new[] { (1000, 1), (777, 2), (1000, 3), (64, 4), (1000, 5) })
        {
            var sample = Sample(events, seed);
            var expected = strategy.Apply(sample, spillover).Populations.Select(p => (p.Id, p.Count)).ToArray();
            var pooled = strategy.Apply(sample, FileSpillover.Of(spillover), pool).Populations.Select(p => (p.Id, p.Count)).ToArray();
            Assert.Equal(expected, pooled);
            Assert.Contains(expected, p => p.Count > 0);
            pool.Reset();
        }
    }

    /// <summary>Population words come from the pool too: quadrant and boolean gates (AND, OR, NOT, complemented
    /// operands) over reused words with stale bits give the same members as fresh sets.</summary>
    [Fact]
    public void Pooled_population_words_match_fresh_sets_for_quadrant_and_boolean_gates()
    {
        var a = new Dimension("A");
        var b = new Dimension("B");
        var strategy = new GatingStrategy()
            .Add(new RectangleGate("R", null, new GateRange(new Dimension("C"), 100, 900)))
            .Add(QuadrantGate.Cross("Q", "R", a, 500, b, 400, "LL", "HL", "LH", "HH"))
            .Add(new BooleanGate("Or", "R", BooleanOperator.Or, new GateReference("LL"), new GateReference("HH")))
            .Add(new BooleanGate("AndNot", null, BooleanOperator.And, new GateReference("R"), new GateReference("HL", Complement: true)))
            .Add(new BooleanGate("Not", null, BooleanOperator.Not, new GateReference("Or")));
        var pool = new ColumnPool();
        foreach (var (events, seed) in new[] { (1000, 11), (999, 12), (1000, 13), (63, 14), (1000, 15) })
        {
            var sample = Sample(events, seed);
            var expected = strategy.Apply(sample).Populations.Select(p => (p.Id, p.Count, p.Members.ToIndices())).ToArray();
            var pooled = strategy.Apply(sample, FileSpillover.None, pool).Populations.Select(p => (p.Id, p.Count, p.Members.ToIndices())).ToArray();
            Assert.Equal(expected.Length, pooled.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Id, pooled[i].Id);
                Assert.Equal(expected[i].Count, pooled[i].Count);
                Assert.Equal(expected[i].Item3, pooled[i].Item3);
            }

            Assert.Contains(expected, p => p.Count > 0 && p.Count < events);
            pool.Reset();
        }
    }

    /// <summary>Scaled channels (Time with $TIMESTEP 0.01 in simulated files) come from the pool: same values as fresh arrays.</summary>
    [Fact]
    public void Pooled_channel_values_match_fresh_ones_for_scaled_channels()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-pool-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, CliRunner.Hiaim("simulate", "--out", dir, "--patients", "1", "--events", "500", "--seed", "5").Code);
            var pool = new ColumnPool();
            foreach (var path in Directory.GetFiles(dir, "*.fcs").Order())
            {
                var fcs = FcsFile.Read(path);
                Assert.NotEqual(1.0, fcs.Keywords.TryGetDouble("$TIMESTEP", out var ts) ? ts : 1.0);
                var fresh = fcs.ChannelValues(shareUnscaled: true);
                var pooled = fcs.ChannelValues(shareUnscaled: true, pool);
                var time = fresh.IndexOf("Time");
                Assert.True(time >= 0 && fresh.ColumnArray(time).Any(v => v != 0));
                Assert.NotSame(fresh.ColumnArray(time), pooled.ColumnArray(time));
                for (var c = 0; c < fresh.ChannelNames.Count; c++)
                {
                    Assert.Equal(fresh.ColumnArray(c), pooled.ColumnArray(c));
                }

                pool.Reset();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Rent_reuses_columns_after_reset_and_drops_unused_lengths()
    {
        var pool = new ColumnPool();
        var first = pool.Rent(100);
        var second = pool.Rent(100);
        Assert.NotSame(first, second);
        pool.Reset();
        Assert.Same(first, pool.Rent(100));
        Assert.Same(second, pool.Rent(100));
        pool.Reset();
        var other = pool.Rent(50);
        Assert.Equal(50, other.Length);
        pool.Reset();
        Assert.NotSame(first, pool.Rent(100));
    }
}
