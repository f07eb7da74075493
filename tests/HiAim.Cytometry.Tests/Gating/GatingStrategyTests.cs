using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests.Gating;

public sealed class GatingStrategyTests
{
    private static EventMatrix Grid()
    {
        // 100 events: x = i % 10, y = i / 10.
        var x = new float[100];
        var y = new float[100];
        for (var i = 0; i < 100; i++)
        {
            x[i] = i % 10;
            y[i] = i / 10;
        }

        return new EventMatrix(["X", "Y"], [x, y]);
    }

    private static readonly Dimension X = new("X");
    private static readonly Dimension Y = new("Y");

    [Fact]
    public void Children_are_anded_with_their_parent_and_percentages_follow()
    {
        var strategy = new GatingStrategy()
            .Add(new RectangleGate("Left", null, new GateRange(X, null, 5)))
            .Add(new RectangleGate("Low", "Left", new GateRange(Y, null, 2)))
            .Add(new BooleanGate("NotLow", "Left", BooleanOperator.Not, new GateReference("Low")));
        var r = strategy.Apply(Grid());
        Assert.Equal(50, r["Left"].Count);
        Assert.Equal(10, r["Low"].Count);
        Assert.Equal(20.0, r["Low"].PercentOfParent, 12);
        Assert.Equal(10.0, r["Low"].PercentOfTotal, 12);
        // NOT is taken within the sample, then AND-ed with the parent.
        Assert.Equal(40, r["NotLow"].Count);
        Assert.Equal([0, 1, 2, 3, 4, 10, 11, 12, 13, 14], r["Low"].Members.ToIndices());
    }

    [Fact]
    public void Gates_may_be_added_before_their_parent()
    {
        var strategy = new GatingStrategy()
            .Add(new RectangleGate("Child", "Parent", new GateRange(Y, 5, null)))
            .Add(new RectangleGate("Parent", null, new GateRange(X, 5, null)));
        Assert.Equal(["Parent", "Child"], strategy.EvaluationOrder().Select(g => g.Id));
        Assert.Equal(25, strategy.Apply(Grid())["Child"].Count);
    }

    [Fact]
    public void Missing_parent_and_cycles_are_refused_naming_the_gate()
    {
        var missing = new GatingStrategy().Add(new RectangleGate("A", "Ghost", new GateRange(X, 1, null)));
        var e = Assert.Throws<GatingException>(() => missing.Apply(Grid()));
        Assert.Equal("A", e.GateId);
        Assert.Contains("Ghost", e.Message, StringComparison.Ordinal);

        var cycle = new GatingStrategy()
            .Add(new RectangleGate("A", "C", new GateRange(X, 1, null)))
            .Add(new RectangleGate("B", "A", new GateRange(X, 1, null)))
            .Add(new RectangleGate("C", "B", new GateRange(X, 1, null)));
        e = Assert.Throws<GatingException>(() => cycle.EvaluationOrder());
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);

        var self = new GatingStrategy().Add(new RectangleGate("S", "S", new GateRange(X, 1, null)));
        Assert.Throws<GatingException>(() => self.EvaluationOrder());
        Assert.Throws<GatingException>(() => new GatingStrategy().Add(new RectangleGate("D", null, new GateRange(X, 1, null))).Add(new RectangleGate("D", null, new GateRange(X, 1, null))));
    }

    [Fact]
    public void A_quadrant_gate_id_is_not_a_population()
    {
        var strategy = new GatingStrategy()
            .Add(QuadrantGate.Cross("Q", null, X, 5, Y, 5, "--", "+-", "-+", "++"))
            .Add(new RectangleGate("R", "Q", new GateRange(X, 1, null)));
        var e = Assert.Throws<GatingException>(() => strategy.Apply(Grid()));
        Assert.Contains("quadrant", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quadrants_cover_every_event_once_and_cuts_belong_to_the_upper_bin()
    {
        var r = new GatingStrategy().Add(QuadrantGate.Cross("Q", null, X, 5, Y, 5, "--", "+-", "-+", "++")).Apply(Grid());
        Assert.Equal([25, 25, 25, 25], r.Populations.Select(p => p.Count));
        Assert.Equal(100.0, r.Populations.Sum(p => p.PercentOfParent), 12);
        Assert.True(r["++"].Members[55]);
        Assert.True(r["--"].Members[44]);
    }

    [Fact]
    public void Quadrant_with_a_multi_value_divider_and_an_omitted_divider()
    {
        var dx = new QuadrantDivider("x", X, [7, 3]);
        var dy = new QuadrantDivider("y", Y, [5]);
        var gate = new QuadrantGate("Q", null, [dx, dy], [
            new Quadrant("mid", [new QuadrantPosition("x", 4)]),
            new Quadrant("high-low", [new QuadrantPosition("x", 100), new QuadrantPosition("y", 0)])]);
        var r = new GatingStrategy().Add(gate).Apply(Grid());
        Assert.Equal(40, r["mid"].Count); // x in [3, 7), any y
        Assert.Equal(15, r["high-low"].Count); // x >= 7, y < 5
    }

    [Fact]
    public void Polygon_ellipse_and_boolean_or_on_a_grid()
    {
        var strategy = new GatingStrategy()
            .Add(new PolygonGate("Tri", null, X, Y, [(0, 0), (9.5, 0), (0, 9.5)]))
            .Add(new EllipsoidGate("Disc", null, [X, Y], [4.5, 4.5], new double[,] { { 1, 0 }, { 0, 1 } }, 4))
            .Add(new BooleanGate("Either", null, BooleanOperator.Or, new GateReference("Tri"), new GateReference("Disc")))
            .Add(new BooleanGate("TriNotDisc", null, BooleanOperator.And, new GateReference("Tri"), new GateReference("Disc", Complement: true)));
        var r = strategy.Apply(Grid());
        var flags = Enumerable.Range(0, 100).Select(i => (x: i % 10, y: i / 10)).ToArray();
        Assert.Equal(flags.Count(p => p.x + p.y < 9.5), r["Tri"].Count);
        Assert.Equal(flags.Count(p => ((p.x - 4.5) * (p.x - 4.5)) + ((p.y - 4.5) * (p.y - 4.5)) <= 4), r["Disc"].Count);
        Assert.Equal(r["Tri"].Members.Or(r["Disc"].Members), r["Either"].Members);
        Assert.Equal(r["Tri"].Members.AndNot(r["Disc"].Members), r["TriNotDisc"].Members);
    }

    [Fact]
    public void Statistics_median_mean_geometric_mean_and_robust_cv()
    {
        var values = Enumerable.Range(1, 101).Select(i => (float)i).ToArray();
        var events = new EventMatrix(["A"], [values]);
        var r = new GatingStrategy().Add(new RectangleGate("All", null, new GateRange(new Dimension("A"), 0, null))).Apply(events);
        var s = r.Statistics("All", "A");
        Assert.Equal(101, s.Count);
        Assert.Equal(51, s.Median, 12);
        Assert.Equal(51, s.Mean, 12);
        Assert.Equal(Math.Exp(values.Average(v => Math.Log(v))), s.GeometricMean, 9);
        var p84 = 1 + (0.8413 * 100);
        var p16 = 1 + (0.1587 * 100);
        Assert.Equal(100 * 0.5 * (p84 - p16) / 51, s.RobustCv, 9);
    }

    [Fact]
    public void Dimensions_are_shared_and_compensation_and_transforms_apply()
    {
        // Two detectors with 10 % spill of A into B; compensated B is then 0 for pure-A events.
        var a = new float[] { 100, 200, 0, 50 };
        var b = new float[] { 10, 20, 30, 5 };
        var events = new EventMatrix(["A", "B"], [a, b]);
        var spill = new Spillover(["A", "B"], new double[,] { { 1, 0.1 }, { 0, 1 } });
        var compB = new Dimension("B", CompensationRef.File);
        var logB = new Dimension("B", CompensationRef.File, new LinearTransform(100, 0));
        var strategy = new GatingStrategy()
            .Add(new RectangleGate("BPos", null, new GateRange(compB, 1, null)))
            .Add(new RectangleGate("BPosAgain", null, new GateRange(compB, 1, null), new GateRange(logB, null, 1)));
        var r = strategy.Apply(events, spill);
        Assert.Equal([2], r["BPos"].Members.ToIndices());
        Assert.Equal(2, r.DimensionsComputed);
        Assert.Empty(r.Warnings);
        // Without the spillover, "FCS" means uncompensated (Gating-ML 2.0), and the result says so.
        var none = strategy.Apply(events);
        Assert.Equal(4, none["BPos"].Count);
        Assert.Contains(none.Warnings, w => w.Contains("gated uncompensated", StringComparison.Ordinal));
    }

    [Fact]
    public void A_singular_file_spillover_fails_with_the_gate_named()
    {
        var events = new EventMatrix(["A", "B"], [new float[] { 1, 2 }, new float[] { 3, 4 }]);
        var singular = new Spillover(["A", "B"], new double[,] { { 1, 1 }, { 1, 1 } }, "$SPILLOVER");
        var strategy = new GatingStrategy().Add(new RectangleGate("BPos", null, new GateRange(new Dimension("B", CompensationRef.File), 1, null)));
        var e = Assert.Throws<CompensationException>(() => strategy.Apply(events, singular));
        Assert.Contains("Gate 'BPos'", e.Message, StringComparison.Ordinal);
        Assert.Contains("$SPILLOVER", e.Message, StringComparison.Ordinal);
        Assert.Contains("singular", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_channel_is_reported_with_the_gate()
    {
        var strategy = new GatingStrategy().Add(new RectangleGate("R", null, new GateRange(new Dimension("CD3"), 1, null)));
        var e = Assert.Throws<GatingException>(() => strategy.Apply(Grid()));
        Assert.Equal("R", e.GateId);
        Assert.Contains("CD3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_built_strategy_round_trips_through_gating_ml()
    {
        var ratio = new RatioDimension("XoverY", "X", "Y", 1, 0, -1);
        var strategy = new GatingStrategy()
            .Add(new SpectrumMatrix("M", ["F1", "F2"], ["X", "Y"], new double[,] { { 1, 0.05 }, { 0.02, 1 } }))
            .Add(new PolygonGate("P", null, new Dimension("F1", "M", new Logicle(10, 0.5, 4.5, 0)), Y, [(0, 0), (0.9, 0), (0.9, 9), (0, 9)]))
            .Add(new RectangleGate("R", "P", new GateRange(new Dimension(ratio), 0.5, 3)))
            .Add(QuadrantGate.Cross("Q", "R", X, 4.5, new Dimension("Y", CompensationRef.Uncompensated, new Arcsinh(10, 1, 0)), 0.5, "a", "b", "c", "d"))
            .Add(new BooleanGate("B", null, BooleanOperator.Or, new GateReference("a"), new GateReference("d", true)));
        var xml = GatingML.ToXml(strategy);
        var reread = GatingML.Parse(xml);
        var r1 = strategy.Apply(Grid());
        var r2 = reread.Apply(Grid());
        Assert.Equal(strategy.PopulationIds, reread.PopulationIds);
        foreach (var p in r1.Populations)
        {
            Assert.Equal(p.Members, r2[p.Id].Members);
        }

        Assert.Equal(xml, GatingML.ToXml(reread));
    }

    [Fact]
    public void FlowJo_transforms_cannot_be_written_as_gating_ml()
    {
        var strategy = new GatingStrategy().Add(new RectangleGate("R", null, new GateRange(new Dimension("X", CompensationRef.Uncompensated, new FlowJoLog(0.5, 4.5)), 0.1, null)));
        Assert.Throws<NotSupportedException>(() => GatingML.ToXml(strategy));
    }
}
