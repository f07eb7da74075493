using System.Diagnostics;
using HiAim.Cytometry.Cohort;
using Microsoft.Data.Sqlite;
using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Cohort;

public sealed class CohortRunTests
{
    private static string Sheet => Path.Combine(CohortFixture.Small, "samples.csv");

    [Fact]
    public void Counts_are_byte_identical_across_runs_and_thread_counts()
    {
        var files = CohortFixture.Files(CohortFixture.Small);
        var sheet = SampleSheet.Load(Sheet);
        var outputs = new List<byte[]>();
        foreach (var threads in (int[])[1, 2, 4, 2])
        {
            var dir = CohortFixture.NewDirectory("threads");
            var run = CohortRun.Run(files, dir, new CohortRunOptions { SampleSheet = sheet, MaxDegreeOfParallelism = threads }, null, TestContext.Current.CancellationToken);
            Assert.Equal(0, run.Failed);
            Assert.All(run.Samples, s => Assert.Equal(SampleStatus.Analyzed, s.Status));
            outputs.Add(File.ReadAllBytes(run.CountsCsv));
            Directory.Delete(dir, true);
        }

        Assert.All(outputs, o => Assert.Equal(outputs[0], o));
        var lines = System.Text.Encoding.UTF8.GetString(outputs[0]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(13, lines.Length);
        Assert.StartsWith("file,sha256,events,patient,arm,timepoint,beads_per_test,volume_ul,Beads_events,Lymphocytes_events,Lymphocytes_pct_lymphocytes,Lymphocytes_per_uL,T_events,", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",NK_dim_per_uL,qc_flags,read_warnings,error", lines[0], StringComparison.Ordinal);

        // The API keeps the input order (the CLI orders inputs by the sample sheet).
        Assert.Equal(files.Select(Path.GetFileName), lines.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void Cli_rows_follow_the_sample_sheet_and_carry_its_columns()
    {
        var dir = CohortFixture.NewDirectory("sheet");
        try
        {
            var (code, stdout, err) = Hiaim("count", CohortFixture.Small, "--sample-sheet", Sheet, "--out", dir, "--threads", "2");
            Assert.True(code == 0, err);
            Assert.Contains("12 analysed, 0 unchanged and reused, 0 failed", stdout, StringComparison.Ordinal);
            var sheetRows = File.ReadAllLines(Sheet).Skip(1).ToList();
            var rows = File.ReadAllLines(Path.Combine(dir, "counts.csv")).Skip(1).ToList();
            Assert.Equal(sheetRows.Select(r => r.Split(',')[0]), rows.Select(r => r.Split(',')[0]));
            for (var i = 0; i < rows.Count; i++)
            {
                // file, sha256, events, then the sheet's patient,arm,timepoint,beads_per_test,volume_ul verbatim.
                var f = rows[i].Split(',');
                Assert.Equal(sheetRows[i].Split(',').Skip(1), f.Skip(3).Take(5));
                Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(CohortFixture.Small, f[0])))), f[1]);
                Assert.Equal("20000", f[2]);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_cancelled_run_resumes_to_the_same_counts_as_an_uninterrupted_run()
    {
        var files = CohortFixture.Files(CohortFixture.Small);
        var options = new CohortRunOptions { SampleSheet = SampleSheet.Load(Sheet), MaxDegreeOfParallelism = 2 };
        var whole = CohortFixture.NewDirectory("whole");
        var parts = CohortFixture.NewDirectory("parts");
        try
        {
            var reference = File.ReadAllBytes(CohortRun.Run(files, whole, options, null, TestContext.Current.CancellationToken).CountsCsv);

            using var cts = new CancellationTokenSource();
            var progress = new Reporter(p =>
            {
                if (p.Done >= 5)
                {
                    cts.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => CohortRun.Run(files, parts, options, progress, cts.Token));
            Assert.False(File.Exists(Path.Combine(parts, CohortRun.CountsFileName)));
            var committed = StoredSamples(parts);
            Assert.InRange(committed, 5, files.Count - 1);

            var resumed = CohortRun.Run(files, parts, options, null, TestContext.Current.CancellationToken);
            Assert.Equal(committed, resumed.Samples.Count(s => s.Status == SampleStatus.Reused));
            Assert.Equal(files.Count - committed, resumed.Samples.Count(s => s.Status == SampleStatus.Analyzed));
            Assert.Equal(reference, File.ReadAllBytes(resumed.CountsCsv));

            // The database records both runs with their provenance and outcome.
            using var db = new SqliteConnection($"Data Source={Path.Combine(parts, CohortRun.DatabaseFileName)};Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT status, library_version, length(settings_sha256), reused FROM runs ORDER BY run_id";
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal("cancelled", r.GetString(0));
            Assert.Equal(CohortRun.LibraryVersion, r.GetString(1));
            Assert.Equal(64, r.GetInt32(2));
            Assert.True(r.Read());
            Assert.Equal("completed", r.GetString(0));
            Assert.Equal(committed, r.GetInt32(3));
        }
        finally
        {
            Directory.Delete(whole, true);
            Directory.Delete(parts, true);
        }
    }

    [Fact]
    public void A_killed_hiaim_process_resumes_to_the_same_counts_as_an_uninterrupted_run()
    {
        var hiaim = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "hiaim.exe" : "hiaim");
        Assert.True(File.Exists(hiaim), $"{hiaim} is not beside the tests");
        var whole = CohortFixture.NewDirectory("killwhole");
        var killed = CohortFixture.NewDirectory("killed");
        try
        {
            Assert.Equal(0, Hiaim("count", CohortFixture.Small, "--sample-sheet", Sheet, "--out", whole, "--threads", "1").Code);
            var start = new ProcessStartInfo(hiaim) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["count", CohortFixture.Small, "--sample-sheet", Sheet, "--out", killed, "--threads", "1"])
            {
                start.ArgumentList.Add(a);
            }

            using (var process = Process.Start(start)!)
            {
                var deadline = Stopwatch.StartNew();
                while (!process.HasExited && StoredSamples(killed) < 3 && deadline.Elapsed < TimeSpan.FromMinutes(2))
                {
                    Thread.Sleep(20);
                }

                Assert.False(process.HasExited, "the run finished before it could be killed");
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            var committed = StoredSamples(killed);
            Assert.InRange(committed, 3, 11);
            Assert.False(File.Exists(Path.Combine(killed, "counts.csv")));
            var (code, stdout, err) = Hiaim("count", CohortFixture.Small, "--sample-sheet", Sheet, "--out", killed, "--threads", "2");
            Assert.True(code == 0, err);
            Assert.Contains($"{12 - committed} analysed, {committed} unchanged and reused", stdout, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "counts.csv")), File.ReadAllBytes(Path.Combine(killed, "counts.csv")));
        }
        finally
        {
            Directory.Delete(whole, true);
            Directory.Delete(killed, true);
        }
    }

    [Fact]
    public void Changed_settings_or_content_are_re_analysed_and_the_rest_reused()
    {
        var source = CohortFixture.Files(CohortFixture.Small).Take(3).ToList();
        var inputs = CohortFixture.NewDirectory("changed-in");
        var dir = CohortFixture.NewDirectory("changed");
        try
        {
            var files = source.Select(f => { var to = Path.Combine(inputs, Path.GetFileName(f)); File.Copy(f, to); return to; }).ToList();
            Assert.All(CohortRun.Run(files, dir, null, null, TestContext.Current.CancellationToken).Samples, s => Assert.Equal(SampleStatus.Analyzed, s.Status));
            Assert.All(CohortRun.Run(files, dir, null, null, TestContext.Current.CancellationToken).Samples, s => Assert.Equal(SampleStatus.Reused, s.Status));

            // Other beads per test: every sample is recomputed and NK/µL scales with it.
            var before = NkPerUl(dir);
            var run = CohortRun.Run(files, dir, new CohortRunOptions { BeadsPerTest = 100_000, SampleVolumeUl = 50 }, null, TestContext.Current.CancellationToken);
            Assert.All(run.Samples, s => Assert.Equal(SampleStatus.Analyzed, s.Status));
            var after = NkPerUl(dir);
            Assert.NotEqual(before, after);

            // One file's bytes change (a keyword edit): only that sample is recomputed.
            var bytes = File.ReadAllBytes(files[1]);
            var at = System.Text.Encoding.Latin1.GetString(bytes).IndexOf("FACSCanto", StringComparison.Ordinal);
            Assert.True(at > 0);
            bytes[at] = (byte)'f';
            File.WriteAllBytes(files[1], bytes);
            run = CohortRun.Run(files, dir, new CohortRunOptions { BeadsPerTest = 100_000, SampleVolumeUl = 50 }, null, TestContext.Current.CancellationToken);
            Assert.Equal([SampleStatus.Reused, SampleStatus.Analyzed, SampleStatus.Reused], run.Samples.Select(s => s.Status));
        }
        finally
        {
            Directory.Delete(inputs, true);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Placed_gates_are_stored_and_exported_and_reproduce_the_counts()
    {
        var file = CohortFixture.Files(CohortFixture.Small)[0];
        var dir = CohortFixture.NewDirectory("gates");
        try
        {
            var (code, _, err) = Hiaim("count", file, "--out", dir, "--export-gates");
            Assert.True(code == 0, err);
            var xml = Path.Combine(dir, "gates", Path.GetFileNameWithoutExtension(file) + ".gating.xml");
            var strategy = HiAim.Cytometry.Gating.GatingML.Load(xml);
            var gated = strategy.Apply(HiAim.Cytometry.Fcs.FcsFile.Read(file).ToChannelValues(), HiAim.Cytometry.Fcs.FcsFile.Read(file).Spillover);
            var row = File.ReadAllLines(Path.Combine(dir, "counts.csv"));
            var header = row[0].Split(',');
            var values = row[1].Split(',');
            Assert.Equal(gated["NK"].Count.ToString(System.Globalization.CultureInfo.InvariantCulture), values[Array.IndexOf(header, "NK_events")]);
            Assert.Equal(gated["CD4"].Count.ToString(System.Globalization.CultureInfo.InvariantCulture), values[Array.IndexOf(header, "CD4_events")]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string NkPerUl(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "counts.csv"));
        var col = Array.IndexOf(lines[0].Split(','), "NK_per_uL");
        return string.Join(";", lines.Skip(1).Select(l => l.Split(',')[col]));
    }

    /// <summary>Samples committed to a study database (0 when it does not exist yet).</summary>
    internal static int StoredSamples(string dir)
    {
        var path = Path.Combine(dir, CohortRun.DatabaseFileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM samples WHERE status = 'ok'";
            return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // created but not yet initialised
        }
    }

    private sealed class Reporter(Action<CohortProgress> report) : IProgress<CohortProgress>
    {
        public void Report(CohortProgress value) => report(value);
    }
}
