using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Cohort;

public sealed class CohortReportTests
{
    [Fact]
    public void Count_with_plots_then_report_writes_an_offline_page_with_every_sample_and_its_panel()
    {
        var inputs = CohortFixture.NewDirectory("report-in");
        var dir = CohortFixture.NewDirectory("report");
        try
        {
            var files = CohortFixture.Files(CohortFixture.Small).Take(3).ToList();
            foreach (var f in files)
            {
                File.Copy(f, Path.Combine(inputs, Path.GetFileName(f)));
            }

            File.WriteAllBytes(Path.Combine(inputs, "P000_bad.fcs"), [1, 2, 3]);
            var (code, _, err) = Hiaim("count", inputs, "--out", dir, "--plots");
            Assert.Equal(2, code); // the bad file
            Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, "plots"), "*.png").Length);

            // One panel PNG removed: the report draws it from the gates stored in study.db.
            File.Delete(Path.Combine(dir, "plots", Path.GetFileNameWithoutExtension(files[1]) + ".png"));
            (code, var stdout, err) = Hiaim("report", dir);
            Assert.True(code == 0, err);
            var index = Path.Combine(dir, "report", "index.html");
            Assert.Contains(index, stdout, StringComparison.Ordinal);
            var html = File.ReadAllText(index);
            Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
            foreach (var f in files.Select(Path.GetFileName).Append("P000_bad.fcs"))
            {
                Assert.Contains(f!, html, StringComparison.Ordinal);
            }

            var images = System.Text.RegularExpressions.Regex.Matches(html, "src=\"([^\"]+\\.png)\"").Select(m => m.Groups[1].Value).ToList();
            Assert.True(images.Count >= 3, $"{images.Count} images in the report");
            Assert.All(images, src => Assert.True(new FileInfo(Path.Combine(dir, "report", Uri.UnescapeDataString(src))).Length > 10_000, src));

            // The same inputs give the same page.
            var again = File.ReadAllBytes(index);
            Assert.Equal(0, Hiaim("report", dir).Code);
            Assert.Equal(again, File.ReadAllBytes(index));
        }
        finally
        {
            Directory.Delete(inputs, true);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Report_of_a_folder_without_counts_says_what_to_run()
    {
        var dir = CohortFixture.NewDirectory("report-empty");
        try
        {
            var (code, _, err) = Hiaim("report", dir);
            Assert.Equal(2, code);
            Assert.Contains("run 'hiaim count", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
