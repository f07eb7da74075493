using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Panels;

public sealed class PanelTests
{
    private static readonly string[] Reported = ["Beads", "Lymphocytes", "T", "CD4", "CD8", "T_DP", "T_DN", "B", "NK", "NK_bright", "NK_dim"];

    private static readonly Lazy<TbnkSimulatedFile> One = new(() =>
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 30_000, Seed = 77 });
        return sim.Simulate(sim.Samples[0]);
    });

    /// <summary>The simulated file with keywords edited: <paramref name="edit"/> returns null to drop a keyword.</summary>
    private static FcsFile Edited(Func<KeyValuePair<string, string>, KeyValuePair<string, string>?> edit, EventMatrix? events = null)
    {
        var kws = One.Value.Keywords.Select(edit).Where(k => k is not null).Select(k => k!.Value).ToList();
        return FcsFile.Read(FcsWriter.ToArray(events ?? One.Value.Events, kws));
    }

    private static FcsFile Plain() => FcsFile.Read(One.Value.ToArray());

    [Theory]
    [InlineData("CD3", "CD3", true)]
    [InlineData("CD3", "cd3", true)]
    [InlineData("CD3", " CD3 FITC ", true)]
    [InlineData("CD3", "FITC-A :: CD3", true)]
    [InlineData("CD3", "CD3-FITC", true)]
    [InlineData("CD3", "cd 3", true)]
    [InlineData("CD3", "CD38", false)]
    [InlineData("CD3", "CD3/CD19", false)]
    [InlineData("CD3", "FITC-A", false)]
    [InlineData("CD4", "CD45", false)]
    [InlineData("CD45", "CD45 PerCP-Cy5.5", true)]
    [InlineData("CD45", "PerCP-Cy5-5-A :: CD45", true)]
    [InlineData("CD16+56", "CD16+56", true)]
    [InlineData("CD16+56", "CD16/CD56", true)]
    [InlineData("CD16+56", "CD56+CD16 PE", true)]
    [InlineData("CD16+56", "cd16 + cd56", true)]
    [InlineData("CD16+56", "CD16 / 56", true)]
    [InlineData("CD16+56", "PE-A :: CD16+56", true)]
    [InlineData("CD16+56", "CD16", false)]
    [InlineData("CD16+56", "CD56", false)]
    [InlineData("CD56", "CD56 BV421", true)]
    [InlineData("HLA-DR", "HLA-DR APC", true)]
    [InlineData("HLA-DR", "hla dr", true)]
    [InlineData("HLA-DR", "HLA-A2", false)]
    [InlineData("CD3", "", false)]
    public void Marker_matching_table(string marker, string label, bool expected) =>
        Assert.Equal(expected, MarkerMatching.Matches(marker, label));

    [Fact]
    public void Markers_resolve_from_PnS_of_the_simulated_tube()
    {
        var map = TbnkPanel.Default.ResolveChannels(Plain().Channels);
        Assert.Equal("FITC-A", map["CD3"]);
        Assert.Equal("PE-A", map["CD16+56"]);
        Assert.Equal("PerCP-Cy5-5-A", map["CD45"]);
        Assert.Equal("PE-Cy7-A", map["CD4"]);
        Assert.Equal("APC-A", map["CD19"]);
        Assert.Equal("APC-Cy7-A", map["CD8"]);
        Assert.Equal("SSC-A", map["SSC-A"]);
    }

    [Fact]
    public void Labels_in_other_styles_resolve_and_give_the_same_counts()
    {
        var styles = new Dictionary<string, string> { ["CD3"] = "FITC-A :: CD3", ["CD16+56"] = "CD16/CD56 PE", ["CD45"] = "cd45 PerCP-Cy5.5", ["CD4"] = "CD4 PE-Cy7", ["CD19"] = " CD19 ", ["CD8"] = "CD8-APC-Cy7" };
        var file = Edited(k => k.Key.EndsWith('S') && k.Key.StartsWith("$P", StringComparison.Ordinal) && styles.TryGetValue(k.Value, out var s) ? new(k.Key, s) : k);
        var a = TbnkPanel.Default.Analyze(file);
        var b = TbnkPanel.Default.Analyze(Plain());
        Assert.Equal(b.Populations, a.Populations);
    }

    [Fact]
    public void Missing_marker_is_a_clear_per_sample_error_and_an_override_fixes_it()
    {
        var file = Edited(k => k.Value == "CD19" ? null : k);
        var ex = Assert.Throws<MarkerNotFoundException>(() => TbnkPanel.Default.Analyze(file, new PanelRunOptions { SampleName = "tube-7.fcs" }));
        Assert.Equal("CD19", ex.Marker);
        Assert.Equal("tube-7.fcs", ex.Sample);
        Assert.Contains("'CD19'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tube-7.fcs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("APC-A", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FITC-A (CD3)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(10, ex.Channels.Count);

        var fixedRun = TbnkPanel.Default.Analyze(file, new PanelRunOptions { ChannelOverrides = new Dictionary<string, string> { ["cd19"] = "APC-A" } });
        Assert.Equal(TbnkPanel.Default.Analyze(Plain()).Populations, fixedRun.Populations);

        var bad = Assert.Throws<MarkerNotFoundException>(() => TbnkPanel.Default.Analyze(Plain(), new PanelRunOptions { ChannelOverrides = new Dictionary<string, string> { ["CD4"] = "BV421-A" } }));
        Assert.Equal("CD4", bad.Marker);
        Assert.Contains("BV421-A", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ambiguous_marker_is_an_error()
    {
        var file = Edited(k => k.Value == "CD8" ? new(k.Key, "CD3") : k);
        var ex = Assert.Throws<PanelException>(() => TbnkPanel.Default.Analyze(file));
        Assert.Contains("several channels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_input_gives_the_same_numbers_and_the_same_gates()
    {
        var a = TbnkPanel.Default.Analyze(Plain());
        var b = TbnkPanel.Default.Analyze(Plain());
        Assert.Equal(a.Populations, b.Populations);
        Assert.Equal(GatingML.ToXml(a.Strategy), GatingML.ToXml(b.Strategy));
        Assert.Equal(Reported, a.Populations.Select(p => p.Name));
        Assert.Empty(a.Flags);
    }

    [Fact]
    public void Placed_gates_export_as_GatingML_and_reproduce_the_counts()
    {
        var file = Plain();
        var result = TbnkPanel.Default.Analyze(file);
        var xml = GatingML.ToXml(result.Strategy);
        Assert.Contains("fasinh", xml, StringComparison.Ordinal);
        var again = GatingML.Parse(xml).Apply(file);
        foreach (var p in result.Populations)
        {
            Assert.Equal(p.Events, again[p.Name].Count);
        }
    }

    [Fact]
    public void Counts_follow_the_bead_formula_and_percentages_are_consistent()
    {
        var r = TbnkPanel.Default.Analyze(Plain());
        var beads = r["Beads"].Events;
        Assert.Equal(50_000, r.BeadsPerTest);
        Assert.Equal(50, r.SampleVolumeUl);
        foreach (var p in r.Populations)
        {
            Assert.Equal((double)p.Events / beads * 50_000 / 50, p.CellsPerUl, 9);
        }

        Assert.Equal(100, r["Lymphocytes"].PercentOfLymphocytes, 9);
        Assert.Equal(100.0 * r["CD4"].Events / r["T"].Events, r["CD4"].PercentOfParent, 9);
        Assert.Equal(r["NK"].Events, r["NK_bright"].Events + r["NK_dim"].Events);
        Assert.Equal(r["T"].Events, r["CD4"].Events + r["CD8"].Events + r["T_DP"].Events + r["T_DN"].Events);

        // Arguments win over keywords.
        var twice = TbnkPanel.Default.Analyze(Plain(), new PanelRunOptions { BeadsPerTest = 100_000, SampleVolumeUl = 50 });
        Assert.Equal(2 * r["T"].CellsPerUl, twice["T"].CellsPerUl, 9);
    }

    [Fact]
    public void Without_bead_count_keywords_or_arguments_there_are_no_absolute_counts_and_a_flag()
    {
        var file = Edited(k => k.Key is "BEADS PER TEST" or "SAMPLE VOLUME UL" ? null : k);
        var r = TbnkPanel.Default.Analyze(file);
        Assert.True(double.IsNaN(r["T"].CellsPerUl));
        Assert.Contains(r.Flags, f => f.Check == QcCheck.MissingBeadCount);
        var withArgs = TbnkPanel.Default.Analyze(file, new PanelRunOptions { BeadsPerTest = 50_000, SampleVolumeUl = 50 });
        Assert.DoesNotContain(withArgs.Flags, f => f.Check == QcCheck.MissingBeadCount);
        Assert.Equal(TbnkPanel.Default.Analyze(Plain())["T"].CellsPerUl, withArgs["T"].CellsPerUl, 9);
    }

    [Fact]
    public void Nk_subset_panel_splits_CD56_bright_and_dim()
    {
        var overrides = new Dictionary<string, string> { ["CD56"] = "PE-A", ["CD16"] = "PE-A" };
        Assert.Throws<MarkerNotFoundException>(() => TbnkPanel.NkSubsets.Analyze(Plain()));
        var r = TbnkPanel.NkSubsets.Analyze(Plain(), new PanelRunOptions { ChannelOverrides = overrides });
        var truth = One.Value.Truth;
        Assert.InRange(r["NK"].Events, truth.Events("NK") * 0.95, truth.Events("NK") * 1.05);
        Assert.InRange(r["Lymphocytes"].Events, truth.Events("Lymphocytes") * 0.95, truth.Events("Lymphocytes") * 1.05);
        Assert.Equal(r["NK"].Events, r["NK_bright"].Events + r["NK_dim"].Events);
        Assert.True(r["NK_bright"].Events < r["NK_dim"].Events);
        Assert.True(double.IsNaN(r["NK"].CellsPerUl));
        Assert.DoesNotContain(r.Flags, f => f.Check is QcCheck.BeadEvents or QcCheck.MissingBeadCount);
    }

    [Fact]
    public void Without_debris_or_doublets_the_fallbacks_still_count_within_5_percent()
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 2, Timepoints = ["pre"], EventsPerFile = 30_000, Seed = 3, DebrisFraction = 0, DoubletFraction = 0 });
        foreach (var s in sim.Samples)
        {
            var f = sim.Simulate(s);
            var r = TbnkPanel.Default.Analyze(FcsFile.Read(f.ToArray()));
            foreach (var p in new[] { "Lymphocytes", "T", "CD4", "CD8", "B", "NK" })
            {
                Assert.InRange(r[p].CellsPerUl, f.Truth.CellsPerUl(p) * 0.95, f.Truth.CellsPerUl(p) * 1.05);
            }
        }
    }
}
