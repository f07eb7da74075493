using System.Globalization;
using HiAim.Cytometry.Panels;

namespace HiAim.Cytometry.Tests.Panels;

public sealed class TbnkAccuracyTests(ITestOutputHelper output)
{
    private static readonly string[] Checked = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK"];

    [Fact]
    public void Template_absolute_counts_are_within_5_percent_of_truth_in_95_percent_of_samples()
    {
        var files = TbnkCohort.Files;
        Assert.True(files.Count >= 24);
        var inv = CultureInfo.InvariantCulture;
        var failures = new List<string>();
        output.WriteLine($"{"population",-12} {"n",3} {"median |err| %",15} {"p95 |err| %",12} {"max |err| %",12} {"within 5 %",10}");
        foreach (var pop in Checked.Concat(["NK_bright", "NK_dim", "Beads"]))
        {
            var errors = files.Select(f => 100 * Math.Abs((f.Result[pop].CellsPerUl / f.File.Truth.CellsPerUl(pop)) - 1)).OrderBy(e => e).ToArray();
            var within = errors.Count(e => e <= 5);
            var share = (double)within / errors.Length;
            output.WriteLine(string.Create(inv, $"{pop,-12} {errors.Length,3} {Percentile(errors, 0.5),15:F2} {Percentile(errors, 0.95),12:F2} {errors[^1],12:F2} {share,10:P0}"));
            if (Checked.Contains(pop) && share < 0.95)
            {
                failures.Add(string.Create(inv, $"{pop}: {within}/{errors.Length} within ±5 %"));
            }
        }

        foreach (var f in files)
        {
            output.WriteLine($"{f.File.Sample.SampleId}: " + string.Join(" ", Checked.Select(p => string.Create(inv, $"{p} {f.Result[p].CellsPerUl:F0}/{f.File.Truth.CellsPerUl(p):F0}"))) + (f.Result.Flags.Count > 0 ? " QC: " + string.Join("; ", f.Result.Flags.Select(q => q.Check)) : string.Empty));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static double Percentile(double[] sorted, double p)
    {
        var pos = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
