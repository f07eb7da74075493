using System.Globalization;
using HiAim.Cytometry.Cohort;
using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Cohort;

/// <summary>The whole command-line path on a 30-file simulated trial: count → accuracy against the truth → summary recovers the planted NK effect.</summary>
public sealed class CohortOutcomeTests(ITestOutputHelper output)
{
    private static readonly string[] Checked = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK"];

    private static readonly Lazy<string> Results = new(() =>
    {
        var (dir, _) = CohortFixture.Trial;
        var results = CohortFixture.NewDirectory("trial-results");
        var (code, _, err) = Hiaim("count", dir, "--sample-sheet", Path.Combine(dir, "samples.csv"), "--out", results);
        Assert.True(code == 0, err);
        return results;
    });

    [Fact]
    public void Counted_cells_per_ul_are_within_5_percent_of_truth_in_95_percent_of_samples()
    {
        var (_, truths) = CohortFixture.Trial;
        var counts = SampleSheet.Load(Path.Combine(Results.Value, "counts.csv"), checkColumns: false);
        Assert.True(counts.Rows.Count >= 24);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"{"population",-12} {"n",3} {"median |err| %",15} {"p95 |err| %",12} {"within 5 %",10}");
        foreach (var pop in Checked.Concat(["NK_bright", "NK_dim"]))
        {
            var errors = truths.Select(t =>
            {
                var row = counts.Find(t.Sample.FileName) ?? throw new InvalidOperationException($"{t.Sample.FileName} missing from counts.csv");
                var counted = double.Parse(counts.Value(row, $"{pop}_per_uL")!, inv);
                return 100 * Math.Abs((counted / t.CellsPerUl(pop)) - 1);
            }).Order().ToArray();
            var within = errors.Count(e => e <= 5) / (double)errors.Length;
            output.WriteLine(string.Create(inv, $"{pop,-12} {errors.Length,3} {CohortSummary.Quantile(errors, 0.5),15:F2} {CohortSummary.Quantile(errors, 0.95),12:F2} {within,10:P0}"));
            if (Checked.Contains(pop))
            {
                Assert.True(within >= 0.95, $"{pop}: only {within:P0} of samples within ±5 % of truth");
            }
        }
    }

    [Fact]
    public void Summary_recovers_the_planted_NK_effect()
    {
        var (_, truths) = CohortFixture.Trial;
        var (code, stdout, err) = Hiaim("summary", Results.Value);
        Assert.True(code == 0, err);
        output.WriteLine(stdout);
        Assert.Contains("per-patient change from pre", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Results.Value, "summary.csv")));

        var summary = CohortSummary.Load(Results.Value);
        Assert.Equal(["pre", "mid", "post"], summary.Timepoints);

        // The truth's own per-patient NK change, median per arm: what a perfect pipeline would report.
        foreach (var arm in (string[])["exercise", "control"])
        {
            foreach (var tp in (string[])["mid", "post"])
            {
                var truth = truths.Where(t => Simulation.TbnkTruth.ArmName(t.Sample.Arm) == arm && t.Sample.Timepoint == tp)
                    .Select(t => 100 * ((t.CellsPerUl("NK") / truths.Single(b => b.Sample.PatientId == t.Sample.PatientId && b.Sample.Timepoint == "pre").CellsPerUl("NK")) - 1))
                    .Order().ToArray();
                var counted = summary.ArmChanges.Single(c => c.Arm == arm && c.Timepoint == tp && c.Population == "NK");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{arm} {tp}: NK change median {counted.MedianPercentChange:F1} % (truth {CohortSummary.Quantile(truth, 0.5):F1} %)"));
                Assert.InRange(counted.MedianPercentChange, CohortSummary.Quantile(truth, 0.5) - 5, CohortSummary.Quantile(truth, 0.5) + 5);
            }
        }

        // The planted effect (+30 % per timepoint in the exercise arm) shows as a clear arm difference at post.
        var exercise = summary.ArmChanges.Single(c => c.Arm == "exercise" && c.Timepoint == "post" && c.Population == "NK").MedianPercentChange;
        var control = summary.ArmChanges.Single(c => c.Arm == "control" && c.Timepoint == "post" && c.Population == "NK").MedianPercentChange;
        Assert.True(exercise - control > 30, $"exercise {exercise:F1} % vs control {control:F1} %");
    }
}
