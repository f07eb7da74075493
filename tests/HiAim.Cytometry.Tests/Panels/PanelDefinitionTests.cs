using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Tests.Cohort;
using HiAim.Cytometry.Transforms;
using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>A lab's own panel as JSON + a marker-named Gating-ML strategy, bound to each file's channels.</summary>
public sealed class PanelDefinitionTests
{
    private static readonly Arcsinh Asinh = new(262_144, 4.5, 0);

    /// <summary>The same gates in marker names or in the simulated tube's channel names.</summary>
    private static GatingStrategy Strategy(Func<string, string> name)
    {
        Dimension M(string marker) => new(name(marker), CompensationRef.File, Asinh);
        return new GatingStrategy()
            .Add(new RectangleGate("Lymphocytes", null, new GateRange(M("CD45"), Asinh.Apply(400), Asinh.Apply(20_000)), new GateRange(new Dimension("SSC-A"), null, 30_000)))
            .Add(new RectangleGate("T", "Lymphocytes", new GateRange(M("CD3"), Asinh.Apply(1_000), null)))
            .Add(new EllipsoidGate("CD4 bright", "T", [M("CD4"), M("CD8")], [0.5, 0.2], new double[,] { { 0.01, 0 }, { 0, 0.01 } }, 4));
    }

    private static string Write(string dir, string json, GatingStrategy? strategy = null)
    {
        if (strategy is not null)
        {
            GatingML.Save(strategy, Path.Combine(dir, "panel.gating.xml"));
        }

        var path = Path.Combine(dir, "panel.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string Json = """
        { "name": "T4", "markers": [ { "name": "CD45" }, { "name": "CD3" }, { "name": "CD4" }, { "name": "CD8", "aliases": ["Leu-2"] } ],
          "strategy": "panel.gating.xml", "populations": { "Lymphocytes": "Lymphocytes", "T": "T", "CD4bright": "CD4 bright" } }
        """;

    [Fact]
    public void A_marker_named_strategy_counts_like_the_same_gates_in_channel_names()
    {
        var dir = CohortFixture.NewDirectory("panel-def");
        try
        {
            var channel = new Dictionary<string, string> { ["CD45"] = "PerCP-Cy5-5-A", ["CD3"] = "FITC-A", ["CD4"] = "PE-Cy7-A", ["CD8"] = "APC-Cy7-A" };
            var panel = Panel.Load(Write(dir, Json, Strategy(m => m)));
            Assert.Equal(["CD45", "CD3", "CD4", "CD8"], panel.Template.RequiredMarkers);
            Assert.Equal(["Lymphocytes", "T", "CD4bright"], panel.Template.ReportedPopulations);
            var direct = Strategy(m => channel[m]);
            foreach (var file in CohortFixture.Files(CohortFixture.Small).Take(3))
            {
                var fcs = FcsFile.Read(file);
                var result = panel.Analyze(fcs);
                var expected = direct.Apply(fcs);
                Assert.Equal(expected["Lymphocytes"].Count, result["Lymphocytes"].Events);
                Assert.Equal(expected["T"].Count, result["T"].Events);
                Assert.Equal(expected["CD4 bright"].Count, result["CD4bright"].Events);
                Assert.True(result["T"].Events > 1_000);
                Assert.True(double.IsNaN(result["T"].CellsPerUl)); // countingBeads is false
            }

            // From the command line: --panel panel.json, columns named by the definition.
            var out1 = Path.Combine(dir, "results");
            var (code, _, err) = Hiaim("count", CohortFixture.Small, "--panel", Path.Combine(dir, "panel.json"), "--out", out1);
            Assert.True(code == 0, err);
            var header = File.ReadLines(Path.Combine(out1, "counts.csv")).First();
            Assert.Contains(",CD4bright_events,CD4bright_pct_lymphocytes,CD4bright_per_uL,", header, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("""{ "markers": [ { "name": "CD3" } ], "strategy": "panel.gating.xml", "populations": {} }""", "'name' must be a non-empty string")]
    [InlineData("""{ "name": "x", "markers": [], "strategy": "panel.gating.xml", "populations": {} }""", "'markers' must be a non-empty array")]
    [InlineData("""{ "name": "x", "markers": [ { "name": "CD45" }, { "name": "CD3" }, { "name": "CD4" }, { "name": "CD8" } ], "strategy": "panel.gating.xml", "populations": { "T": "T" } }""", "need 'Lymphocytes'")]
    [InlineData("""{ "name": "x", "markers": [ { "name": "CD45" }, { "name": "CD3" }, { "name": "CD4" }, { "name": "CD8" } ], "strategy": "panel.gating.xml", "populations": { "Lymphocytes": "Lymphs" } }""", "gate 'Lymphs', which the strategy does not define")]
    [InlineData("""{ "name": "x", "markers": [ { "name": "CD45" }, { "name": "CD3" } ], "strategy": "panel.gating.xml", "populations": { "Lymphocytes": "Lymphocytes" } }""", "needs markers the panel lacks: CD4, CD8")]
    [InlineData("""{ "name": "x", "markers": [ { "name": "CD3" } ], "strategy": "missing.xml", "populations": { "Lymphocytes": "Lymphocytes" } }""", "missing.xml")]
    [InlineData("""{ "name": "x", "countingBeads": true, "markers": [ { "name": "CD45" }, { "name": "CD3" }, { "name": "CD4" }, { "name": "CD8" } ], "strategy": "panel.gating.xml", "populations": { "Lymphocytes": "Lymphocytes" } }""", "needs 'Beads'")]
    [InlineData("""{ "name": "x", """, "Panel definition")]
    public void Malformed_definitions_are_refused_naming_the_field(string json, string expected)
    {
        var dir = CohortFixture.NewDirectory("panel-bad");
        try
        {
            var path = Write(dir, json, Strategy(m => m));
            var e = Assert.Throws<PanelException>(() => Panel.Load(path));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            var (code, _, err) = Hiaim("count", CohortFixture.Small, "--panel", path, "--out", Path.Combine(dir, "never"));
            Assert.Equal(2, code);
            Assert.Contains(expected, err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

/// <summary>
/// The template evaluates each gate it places in the sample's gating context, and gating then reuses those populations
/// and columns: the members must equal the placed strategy applied afresh, and the same strategy saved as Gating-ML and
/// read back (a placed gate and its saved document give the same members by construction).
/// </summary>
public sealed class TemplatePlacementTests
{
    [Fact]
    public void Members_from_placement_equal_the_placed_strategy_applied_afresh_and_its_Gating_ML()
    {
        foreach (var file in CohortFixture.Files(CohortFixture.Small).Take(4))
        {
            var fcs = FcsFile.Read(file);
            var result = TbnkPanel.Default.Analyze(fcs);
            var fresh = result.Strategy.Apply(fcs);
            var reread = GatingML.Parse(GatingML.ToXml(result.Strategy)).Apply(fcs);
            foreach (var id in result.Strategy.PopulationIds)
            {
                Assert.Equal(fresh[id].Members, result.Gating[id].Members); // bit for bit
                Assert.Equal(reread[id].Members, result.Gating[id].Members);
            }
        }
    }
}
