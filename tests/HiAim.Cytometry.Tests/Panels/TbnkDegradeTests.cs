using System.Globalization;
using System.Text.RegularExpressions;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>Issue 14: a tube without FSC-H is still counted, and a population that cannot be determined degrades alone.</summary>
public sealed partial class TbnkDegradeTests
{
    private static readonly string[] Compared = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK"];

    private static readonly Lazy<TbnkSimulatedFile> One = new(() =>
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 30_000, Seed = 14 });
        return sim.Simulate(sim.Samples[0]);
    });

    [GeneratedRegex(@"^\$P(\d+)([A-Z]+)$")]
    private static partial Regex ParameterKeyword();

    /// <summary>
    /// The simulated tube read back, with channel <paramref name="drop"/> removed (its $Pn keywords dropped and later
    /// channels' renumbered; $SPILLOVER kept), optionally with events kept by <paramref name="keep"/> only and channel
    /// <paramref name="rename"/> renamed to <paramref name="to"/>.
    /// </summary>
    private static FcsFile Rewritten(string? drop, Func<int, bool>? keep = null, string? rename = null, string? to = null, Func<EventMatrix, int, float>? renamedValue = null)
    {
        var file = FcsFile.Read(One.Value.ToArray());
        var values = file.ToChannelValues();
        var names = values.ChannelNames.ToList();
        var dropAt = drop is null ? -1 : names.IndexOf(drop) + 1;
        Assert.True(drop is null || dropAt > 0);
        var rows = Enumerable.Range(0, values.EventCount).Where(keep ?? (_ => true)).ToArray();
        var keptNames = new List<string>();
        var columns = new List<float[]>();
        for (var c = 0; c < names.Count; c++)
        {
            if (c + 1 == dropAt)
            {
                continue;
            }

            var src = values.Column(c);
            var col = new float[rows.Length];
            for (var k = 0; k < rows.Length; k++)
            {
                col[k] = names[c] == rename && renamedValue is not null ? renamedValue(values, rows[k]) : src[rows[k]];
            }

            keptNames.Add(names[c] == rename ? to! : names[c]);
            columns.Add(col);
        }

        var keywords = new List<KeyValuePair<string, string>>();
        foreach (var k in file.Keywords)
        {
            var m = ParameterKeyword().Match(k.Key);
            if (!m.Success || dropAt < 0)
            {
                keywords.Add(k);
                continue;
            }

            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (n != dropAt)
            {
                keywords.Add(new(string.Create(CultureInfo.InvariantCulture, $"$P{(n > dropAt ? n - 1 : n)}{m.Groups[2].Value}"), k.Value));
            }
        }

        Assert.Contains(keywords, k => k.Key == "$SPILLOVER");
        return FcsFile.Read(FcsWriter.ToArray(new EventMatrix(keptNames, columns), keywords));
    }

    private static void AssertClose(TbnkResult expected, TbnkResult actual, double tolerance)
    {
        foreach (var p in Compared)
        {
            var e = expected[p].Events;
            var a = actual[p].Events;
            Assert.True(Math.Abs(a - e) <= tolerance * e, $"{p}: {a} events vs {e} with FSC-H (tolerance {tolerance:P0})");
        }
    }

    [Fact]
    public void A_tube_without_FSC_H_or_FSC_W_is_counted_with_singlets_not_gated()
    {
        var withH = TbnkPanel.Default.Analyze(FcsFile.Read(One.Value.ToArray()));
        Assert.DoesNotContain(withH.Flags, f => f.Check is QcCheck.SingletsNotGated or QcCheck.PopulationUndetermined);

        var file = Rewritten("FSC-H");
        Assert.DoesNotContain(file.Channels, c => c.Name == "FSC-H");
        Assert.Equal("CD3", file.Channels.Single(c => c.Name == "FITC-A").Label);
        var map = TbnkPanel.Default.ResolveChannels(file.Channels);
        Assert.False(map.ContainsKey("FSC-H"));
        Assert.False(map.ContainsKey("FSC-W"));

        var r = TbnkPanel.Default.Analyze(file);
        var note = Assert.Single(r.Flags, f => f.Check == QcCheck.SingletsNotGated);
        Assert.Contains("FSC-H", note.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Flags, f => f.Check == QcCheck.PopulationUndetermined);
        Assert.Equal(r.Gating.EventCount, r.Gating["Singlets"].Count);
        Assert.Equal(withH.Populations.Select(p => p.Name), r.Populations.Select(p => p.Name));
        AssertClose(withH, r, 0.05);

        // The placed gates, saved and re-applied, give the same counts.
        var again = TbnkPanel.Default.Analyze(file, GatingML.Parse(GatingML.ToXml(r.Strategy)));
        Assert.Equal(r.Populations, again.Populations);
    }

    [Fact]
    public void A_tube_with_FSC_W_instead_of_FSC_H_gates_singlets_on_FSC_W()
    {
        var withH = TbnkPanel.Default.Analyze(FcsFile.Read(One.Value.ToArray()));
        var a = One.Value.Events.Column("FSC-A").ToArray();
        var file = Rewritten(null, rename: "FSC-H", to: "FSC-W", renamedValue: (v, i) => v.Column("FSC-H")[i] > 0 ? 50_000f * a[i] / v.Column("FSC-H")[i] : 0f);
        Assert.Equal("FSC-W", TbnkPanel.Default.ResolveChannels(file.Channels)["FSC-W"]);

        var r = TbnkPanel.Default.Analyze(file);
        Assert.DoesNotContain(r.Flags, f => f.Check is QcCheck.SingletsNotGated or QcCheck.PopulationUndetermined);
        Assert.True(r.Gating["Singlets"].Count < r.Gating.EventCount);
        Assert.Contains(r.Strategy.Gates.Single(g => g.PopulationIds.Contains("Singlets")).Dimensions, d => d.Channel == "FSC-W");
        AssertClose(withH, r, 0.02);
    }

    [Fact]
    public void NK_that_cannot_be_split_leaves_every_other_population_counted()
    {
        var labels = One.Value.Labels.ToArray();
        var nkSeen = 0;
        var file = Rewritten(null, keep: i => labels[i] is not (TbnkPopulation.NkBright or TbnkPopulation.NkDim) || nkSeen++ % 40 == 0);
        var full = TbnkPanel.Default.Analyze(FcsFile.Read(One.Value.ToArray()));

        var r = TbnkPanel.Default.Analyze(file);
        var flag = Assert.Single(r.Flags, f => f.Check == QcCheck.PopulationUndetermined);
        Assert.StartsWith("NK_bright, NK_dim not determined", flag.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot split NK", flag.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Populations, p => p.Name is "NK_bright" or "NK_dim");
        Assert.Throws<KeyNotFoundException>(() => r["NK_bright"]);
        Assert.DoesNotContain("NK_bright", r.Strategy.PopulationIds);
        Assert.Equal(["Beads", "Lymphocytes", "T", "CD4", "CD8", "T_DP", "T_DN", "B", "NK"], r.Populations.Select(p => p.Name));
        Assert.InRange(r["NK"].Events, 1, 40);
        Assert.True(double.IsFinite(r["NK"].CellsPerUl));
        foreach (var p in new[] { "T", "CD4", "CD8", "B" })
        {
            Assert.True(Math.Abs(r[p].Events - full[p].Events) <= 0.02 * full[p].Events, $"{p}: {r[p].Events} vs {full[p].Events}");
            Assert.True(double.IsFinite(r[p].CellsPerUl));
        }
    }

    [Fact]
    public void A_step_without_a_second_mode_degrades_its_populations_and_their_children()
    {
        // CD19 carries no signal: B cannot be cut from the CD3- cells, so the CD16+56/CD19 quadrant (B, NK and the NK
        // subsets) is undetermined; T and its subsets are still counted.
        var file = Rewritten(null, rename: "APC-A", to: "APC-A", renamedValue: (_, i) => 10f * (i % 7));
        var r = TbnkPanel.Default.Analyze(file);
        var flag = Assert.Single(r.Flags, f => f.Check == QcCheck.PopulationUndetermined);
        Assert.StartsWith("B, NK, NK_bright, NK_dim not determined", flag.Reason, StringComparison.Ordinal);
        Assert.Contains("CD19", flag.Reason, StringComparison.Ordinal);
        Assert.Equal(["Beads", "Lymphocytes", "T", "CD4", "CD8", "T_DP", "T_DN"], r.Populations.Select(p => p.Name));
        Assert.DoesNotContain(r.Flags, f => f.Check == QcCheck.Lymphosum);
    }

    [Fact]
    public void Core_gates_still_fail_the_sample()
    {
        // No SSC structure: lymphocytes cannot be told from monocytes and granulocytes.
        var file = Rewritten(null, rename: "SSC-A", to: "SSC-A", renamedValue: (_, _) => 5_000f);
        var e = Assert.Throws<PanelException>(() => TbnkPanel.Default.Analyze(file));
        Assert.Contains("SSC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cohort_leaves_undetermined_cells_empty_and_keeps_them_on_resume()
    {
        var labels = One.Value.Labels.ToArray();
        var nkSeen = 0;
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-degrade-{Guid.NewGuid():N}");
        var input = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        try
        {
            FcsWriter.Write(Path.Combine(input, "a_fewnk.fcs"), Rewritten(null, keep: i => labels[i] is not (TbnkPopulation.NkBright or TbnkPopulation.NkDim) || nkSeen++ % 40 == 0));
            FcsWriter.Write(Path.Combine(input, "b_nofsch.fcs"), Rewritten("FSC-H"));
            string[] files = [.. Directory.GetFiles(input, "*.fcs").Order(StringComparer.Ordinal)];
            var output = Path.Combine(dir, "out");
            var run = CohortRun.Run(files, output, null, null, TestContext.Current.CancellationToken);
            Assert.Equal(0, run.Failed);
            var first = File.ReadAllBytes(run.CountsCsv);
            var lines = File.ReadAllLines(run.CountsCsv);
            var header = lines[0].Split(',');
            var fewNk = lines[1].Split(',');
            string Cell(string[] row, string column) => row[Array.IndexOf(header, column)];
            Assert.Equal(string.Empty, Cell(fewNk, "NK_bright_events"));
            Assert.Equal(string.Empty, Cell(fewNk, "NK_dim_per_uL"));
            Assert.NotEqual(string.Empty, Cell(fewNk, "NK_per_uL"));
            Assert.NotEqual(string.Empty, Cell(fewNk, "B_per_uL"));
            // NK thinned to 1 in 40 is also far below the adult reference range: flagged for review, still counted.
            Assert.Equal("PopulationUndetermined;OutsideReferenceRange", Cell(fewNk, "qc_flags"));
            Assert.Equal("SingletsNotGated", Cell(lines[2].Split(','), "qc_flags"));
            var qc = File.ReadAllText(Path.Combine(output, "qc.csv"));
            Assert.Contains("cannot split NK", qc, StringComparison.Ordinal);
            Assert.Contains("neither FSC-H nor FSC-W", qc, StringComparison.Ordinal);

            // Resumed from study.db: the same counts.csv, byte for byte.
            var again = CohortRun.Run(files, output, null, null, TestContext.Current.CancellationToken);
            Assert.All(again.Samples, x => Assert.Equal(SampleStatus.Reused, x.Status));
            Assert.Equal(first, File.ReadAllBytes(again.CountsCsv));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_tube_without_FSC_H_is_plotted_and_counted_by_the_cli()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-nofsch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var fcs = Path.Combine(dir, "nofsch.fcs");
            FcsWriter.Write(fcs, Rewritten("FSC-H"));
            var png = Path.Combine(dir, "nofsch.png");
            var (code, _, err) = CliRunner.Hiaim("plot", fcs, "--panel", "tbnk", "--out", png);
            Assert.True(code == 0, err);
            Assert.True(new FileInfo(png).Length > 1_000);
            var (countCode, stdout, countErr) = CliRunner.Hiaim("count", dir, "--out", Path.Combine(dir, "out"));
            Assert.True(countCode == 0, countErr);
            Assert.Contains("0 failed, 1 with QC flags", stdout, StringComparison.Ordinal);
            Assert.Contains("ok, QC: SingletsNotGated", countErr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
