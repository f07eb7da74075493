using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;
using HiAim.Cytometry.Tests.Cohort;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>Issue 14 items 1 and 6: a marker a panel makes optional may be missing; only the populations gated on it are lost.</summary>
public sealed class OptionalMarkerTests
{
    private static readonly Lazy<TbnkSimulatedFile> One = new(() =>
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 30_000, Seed = 41 });
        return sim.Simulate(sim.Samples[0]);
    });

    private static readonly Lazy<TbnkResult> Full = new(() => TbnkPanel.Default.Analyze(FcsFile.Read(One.Value.ToArray())));

    /// <summary>The simulated tube with <paramref name="marker"/>'s $PnS removed, so no channel names it.</summary>
    private static FcsFile Without(string marker) =>
        FcsFile.Read(FcsWriter.ToArray(One.Value.Events, [.. One.Value.Keywords.Where(k => !(k.Key.StartsWith("$P", StringComparison.Ordinal) && k.Key.EndsWith('S') && k.Value == marker))]));

    private static QcFlag Undetermined(TbnkResult r, string population) =>
        Assert.Single(r.Flags, f => f.Check == QcCheck.PopulationUndetermined && f.Reason.Split(" not determined")[0].Split(", ").Contains(population));

    [Fact]
    public void A_required_marker_missing_still_fails_the_sample()
    {
        Assert.Throws<MarkerNotFoundException>(() => TbnkPanel.Default.Analyze(Without("CD16+56")));
    }

    [Fact]
    public void Without_CD16_56_NK_is_undetermined_and_B_is_a_single_CD19_cut_on_CD3_negatives()
    {
        var r = TbnkPanel.Default.WithOptionalMarkers("cd16+56").Analyze(Without("CD16+56"));
        foreach (var p in new[] { "NK", "NK_bright", "NK_dim" })
        {
            Assert.DoesNotContain(r.Populations, c => c.Name == p);
            Assert.Contains("CD16+56", Undetermined(r, p).Reason, StringComparison.Ordinal);
        }

        foreach (var p in new[] { "Lymphocytes", "T", "CD4", "CD8", "T_DP", "T_DN", "Beads" })
        {
            Assert.Equal(Full.Value[p], r[p]);
        }

        // The quadrant's B excludes CD19+CD16+56+ events, the single cut keeps them: a few at most.
        Assert.InRange(r["B"].Events, Full.Value["B"].Events, Full.Value["B"].Events * 1.03);
        Assert.InRange(r["B"].Events, One.Value.Truth.Events("B") * 0.95, One.Value.Truth.Events("B") * 1.05);
    }

    [Fact]
    public void Without_CD3_T_and_NK_are_undetermined_and_B_is_CD19_among_lymphocytes()
    {
        var r = TbnkPanel.Default.WithOptionalMarkers("CD3").Analyze(Without("CD3"));
        foreach (var p in new[] { "T", "CD4", "CD8", "T_DP", "T_DN", "NK", "NK_bright", "NK_dim" })
        {
            Assert.DoesNotContain(r.Populations, c => c.Name == p);
            Assert.Contains("CD3", Undetermined(r, p).Reason, StringComparison.Ordinal);
        }

        Assert.Equal(Full.Value["Lymphocytes"], r["Lymphocytes"]);
        Assert.InRange(r["B"].Events, One.Value.Truth.Events("B") * 0.95, One.Value.Truth.Events("B") * 1.05);
        Assert.Equal("Lymphocytes", r.Strategy.Gates.Single(g => g.Id == "B").ParentId);
    }

    [Fact]
    public void A_core_marker_made_optional_and_missing_fails_the_sample_naming_it()
    {
        var e = Assert.Throws<PanelException>(() => TbnkPanel.Default.WithOptionalMarkers("CD45").Analyze(Without("CD45")));
        Assert.Contains("CD45", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Present_optional_markers_change_nothing_and_unknown_names_are_refused()
    {
        var r = TbnkPanel.Default.WithOptionalMarkers("CD3", "CD4", "CD8", "CD19", "CD16+56").Analyze(FcsFile.Read(One.Value.ToArray()));
        Assert.Equal(Full.Value.Populations, r.Populations);
        Assert.Equal(Full.Value.Flags, r.Flags);
        Assert.False(TbnkPanel.Default.Markers.Single(m => m.Name == "CD3").Optional);
        Assert.Throws<ArgumentException>(() => TbnkPanel.Default.WithOptionalMarkers("CD127"));
    }

    [Fact]
    public void A_lab_panel_with_an_optional_marker_drops_only_the_gates_below_it()
    {
        var asinh = new Arcsinh(262_144, 4.5, 0);
        Dimension M(string marker) => new(marker, CompensationRef.File, asinh);
        var strategy = new GatingStrategy()
            .Add(new RectangleGate("Lymphocytes", null, new GateRange(M("CD45"), asinh.Apply(400), asinh.Apply(20_000)), new GateRange(new Dimension("SSC-A"), null, 30_000)))
            .Add(new RectangleGate("T", "Lymphocytes", new GateRange(M("CD3"), asinh.Apply(1_000), null)))
            .Add(new RectangleGate("CD4", "T", new GateRange(M("CD4"), asinh.Apply(2_000), null)))
            .Add(new RectangleGate("CD8", "T", new GateRange(M("CD8"), asinh.Apply(2_000), null)))
            .Add(new BooleanGate("not CD4", "T", BooleanOperator.Not, new GateReference("CD4")))
            .Add(new BooleanGate("CD4 or CD8", "T", BooleanOperator.Or, new GateReference("CD4"), new GateReference("CD8")));
        var dir = CohortFixture.NewDirectory("optional-marker");
        try
        {
            GatingML.Save(strategy, Path.Combine(dir, "panel.gating.xml"));
            File.WriteAllText(Path.Combine(dir, "panel.json"), """
                { "name": "T4", "markers": [ { "name": "CD45" }, { "name": "CD3" }, { "name": "CD4", "optional": true }, { "name": "CD8" } ],
                  "strategy": "panel.gating.xml",
                  "populations": { "Lymphocytes": "Lymphocytes", "T": "T", "CD4": "CD4", "CD8": "CD8", "NotCD4": "not CD4", "CD4or8": "CD4 or CD8" } }
                """);
            var panel = Panel.Load(Path.Combine(dir, "panel.json"));
            Assert.True(panel.Markers.Single(m => m.Name == "CD4").Optional);
            var full = panel.Analyze(FcsFile.Read(One.Value.ToArray()));
            var r = panel.Analyze(Without("CD4"));
            Assert.Equal(["Lymphocytes", "T", "CD8"], r.Populations.Select(p => p.Name));
            Assert.Equal(full["T"], r["T"]);
            Assert.Equal(full["CD8"], r["CD8"]);
            var flag = Assert.Single(r.Flags, f => f.Check == QcCheck.PopulationUndetermined);
            Assert.StartsWith("CD4, NotCD4, CD4or8 not determined", flag.Reason, StringComparison.Ordinal);
            Assert.Contains("CD4", flag.Reason.Split(": ")[1], StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(dir, "bad.json"), """{ "name": "x", "markers": [ { "name": "CD45", "optional": "yes" } ], "strategy": "panel.gating.xml", "populations": { "Lymphocytes": "Lymphocytes" } }""");
            Assert.Contains("optional", Assert.Throws<PanelException>(() => Panel.Load(Path.Combine(dir, "bad.json"))).Message, StringComparison.Ordinal);

            // The core population itself on a missing optional marker: the sample fails and says why.
            File.WriteAllText(Path.Combine(dir, "core.json"), """
                { "name": "T4", "markers": [ { "name": "CD45", "optional": true }, { "name": "CD3" }, { "name": "CD4" }, { "name": "CD8" } ], "strategy": "panel.gating.xml", "populations": { "Lymphocytes": "Lymphocytes", "T": "T" } }
                """);
            var core = Assert.Throws<PanelException>(() => Panel.Load(Path.Combine(dir, "core.json")).Analyze(Without("CD45")));
            Assert.Contains("core population Lymphocytes", core.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
