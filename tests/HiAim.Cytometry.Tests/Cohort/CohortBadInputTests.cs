using HiAim.Cytometry.Cohort;
using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Cohort;

public sealed class CohortBadInputTests
{
    [Fact]
    public void A_corrupt_file_is_reported_with_its_offset_and_the_rest_are_counted()
    {
        var inputs = CohortFixture.NewDirectory("corrupt-in");
        var dir = CohortFixture.NewDirectory("corrupt");
        try
        {
            var good = CohortFixture.Files(CohortFixture.Small).Take(2).Select(f => Copy(f, inputs)).ToList();
            var bytes = File.ReadAllBytes(good[0]);
            var broken = Path.Combine(inputs, "P000_broken.fcs");
            File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]);  // truncated inside DATA
            var (code, stdout, err) = Hiaim("count", inputs, "--out", dir);
            Assert.Equal(2, code);
            Assert.Contains("2 analysed, 0 unchanged and reused, 1 failed", stdout, StringComparison.Ordinal);
            Assert.Contains("P000_broken.fcs", err, StringComparison.Ordinal);
            Assert.Matches("at byte [0-9]", err);
            var rows = File.ReadAllLines(Path.Combine(dir, "counts.csv"));
            Assert.Equal(4, rows.Length);
            var brokenRow = rows.Single(r => r.StartsWith("P000_broken.fcs,", StringComparison.Ordinal));
            Assert.Matches("at byte [0-9]", brokenRow);
            Assert.All(rows.Skip(1).Where(r => r != brokenRow), r => Assert.EndsWith(",", r, StringComparison.Ordinal)); // empty error column

            // Fixing the file and re-running analyses only it.
            File.Copy(good[0], broken, overwrite: true);
            (code, stdout, _) = Hiaim("count", inputs, "--out", dir);
            Assert.Equal(0, code);
            Assert.Contains("1 analysed, 2 unchanged and reused, 0 failed", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(inputs, true);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_file_without_the_panels_markers_fails_with_the_missing_marker_named()
    {
        var dir = CohortFixture.NewDirectory("markers");
        try
        {
            // The simulated TBNK tube has CD16+56 in one channel: the NK-subset panel needs CD56 and CD16 apart.
            var file = CohortFixture.Files(CohortFixture.Small)[0];
            var (code, _, err) = Hiaim("count", file, "--panel", "nk", "--out", dir);
            Assert.Equal(2, code);
            Assert.Contains("CD56", err, StringComparison.Ordinal);
            Assert.Contains("CD56", File.ReadAllLines(Path.Combine(dir, "counts.csv"))[1], StringComparison.Ordinal);

            // A channel override naming a channel the file lacks is refused the same way.
            (code, _, err) = Hiaim("count", file, "--marker", "CD3=FL9-A", "--out", dir);
            Assert.Equal(2, code);
            Assert.Contains("FL9-A", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_sample_sheet_naming_missing_files_reports_each_and_counts_the_rest()
    {
        var inputs = CohortFixture.NewDirectory("sheet-in");
        var dir = CohortFixture.NewDirectory("sheet-missing");
        try
        {
            var files = CohortFixture.Files(CohortFixture.Small).Take(2).Select(f => Copy(f, inputs)).ToList();
            var sheet = Path.Combine(inputs, "samples.csv");
            File.WriteAllText(sheet, $"file,patient,arm,timepoint\n{Path.GetFileName(files[0])},P001,exercise,pre\nP404_pre.fcs,P404,control,pre\n{Path.GetFileName(files[1])},P001,exercise,mid\n");
            var (code, stdout, err) = Hiaim("count", "--sample-sheet", sheet, "--out", dir);
            Assert.Equal(2, code);
            Assert.Contains("2 analysed, 0 unchanged and reused, 1 failed", stdout, StringComparison.Ordinal);
            Assert.Contains("P404_pre.fcs", err, StringComparison.Ordinal);
            Assert.Contains("file not found", err, StringComparison.Ordinal);
            var rows = File.ReadAllLines(Path.Combine(dir, "counts.csv"));
            Assert.Equal([Path.GetFileName(files[0]), "P404_pre.fcs", Path.GetFileName(files[1])], rows.Skip(1).Select(r => r.Split(',')[0]));
            Assert.Contains("file not found", rows[2], StringComparison.Ordinal);

            // Inputs named explicitly: a listed file that exists but is not among them is skipped (a deliberate subset);
            // the missing one is still reported.
            var subset = Path.Combine(dir, "subset");
            (code, stdout, err) = Hiaim("count", files[1], "--sample-sheet", sheet, "--out", subset);
            Assert.Equal(2, code);
            Assert.Contains("1 analysed, 0 unchanged and reused, 1 failed", stdout, StringComparison.Ordinal);
            Assert.Contains($"{Path.GetFileName(files[0])} (sample sheet line 2) is not among the inputs: skipped", err, StringComparison.Ordinal);
            Assert.Equal(["P404_pre.fcs", Path.GetFileName(files[1])], File.ReadAllLines(Path.Combine(subset, "counts.csv")).Skip(1).Select(r => r.Split(',')[0]));
        }
        finally
        {
            Directory.Delete(inputs, true);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void An_unwritable_output_folder_is_refused_before_anything_runs()
    {
        var blocker = Path.Combine(Path.GetTempPath(), $"hiaim-blocker-{Guid.NewGuid():N}");
        File.WriteAllText(blocker, "a file where the output folder should go");
        try
        {
            var (code, stdout, err) = Hiaim("count", CohortFixture.Files(CohortFixture.Small)[0], "--out", Path.Combine(blocker, "results"));
            Assert.Equal(2, code);
            Assert.Equal(string.Empty, stdout);
            Assert.Contains("cannot be written", err, StringComparison.Ordinal);
            Assert.Throws<CohortException>(() => CohortRun.Run(CohortFixture.Files(CohortFixture.Small), Path.Combine(blocker, "results"), null, null, TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Theory]
    [InlineData("patient,arm\nP1,exercise\n", "no 'file' column")]
    [InlineData("file,patient\na.fcs,P1\na.fcs,P2\n", "listed twice")]
    [InlineData("file,patient\na.fcs,P1,extra\n", "3 fields where the header has 2")]
    [InlineData("file,beads_per_test\na.fcs,lots\n", "beads_per_test 'lots' is not a positive number")]
    [InlineData("file,patient\n\"a.fcs,P1\n", "not closed")]
    [InlineData("", "empty")]
    public void Malformed_sample_sheets_are_refused_with_the_line(string csv, string expected)
    {
        var e = Assert.Throws<SampleSheetException>(() => SampleSheet.Parse(new StringReader(csv), "sheet.csv"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Sample sheet sheet.csv, line ", e.Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), $"hiaim-sheet-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        try
        {
            var (code, _, err) = Hiaim("count", CohortFixture.Small, "--sample-sheet", path, "--out", Path.Combine(Path.GetTempPath(), "never-created"));
            Assert.Equal(2, code);
            Assert.Contains(expected, err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("needs --out DIR")]
    [InlineData("--panel must be tbnk, nk (NK subsets) or a panel definition .json", "--panel", "treg")]
    [InlineData("--beads-per-test needs a positive number", "--beads-per-test", "0")]
    [InlineData("--marker needs MARKER=CHANNEL", "--marker", "CD3")]
    [InlineData("--population maps populations of a --strategy", "--population", "NK=x")]
    [InlineData("--threads needs a positive integer", "--threads", "none")]
    public void Usage_errors_name_the_option(string expected, params string[] extra)
    {
        string[] args = ["count", CohortFixture.Small, .. extra];
        if (!expected.Contains("--out", StringComparison.Ordinal))
        {
            args = [.. args, "--out", Path.Combine(Path.GetTempPath(), "never-created")];
        }

        var (code, _, err) = Hiaim(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }

    private static string Copy(string file, string dir)
    {
        var to = Path.Combine(dir, Path.GetFileName(file));
        File.Copy(file, to);
        return to;
    }
}
