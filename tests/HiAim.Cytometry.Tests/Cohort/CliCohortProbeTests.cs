using System.Diagnostics;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Fcs;
using Microsoft.Data.Sqlite;
using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Cohort;

/// <summary>Regression tests for the cohort and CLI probes of ../shared/data/probes (D5–D12, R4) and their kin.</summary>
public sealed class CliCohortProbeTests
{
    private static string Probe(string name) => Path.Combine(SharedData.RequirePath(), "data", "probes", name);

    [Fact]
    public void D5_sheet_columns_that_clash_with_output_columns_are_refused_and_report_survives_a_duplicate_header()
    {
        var output = CohortFixture.NewDirectory("d5");
        try
        {
            var (code, _, err) = Hiaim("count", CohortFixture.Small, "--sample-sheet", Probe("D5_sheet_columns_clash.csv"), "--out", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["count"]);
            Assert.Single(err.TrimEnd().Split('\n')); // a bad sheet is not an argument error: no pointer to --help
            foreach (var column in (string[])["sha256", "events", "error", "qc_flags", "NK_per_uL"])
            {
                Assert.Contains($"'{column}'", err, StringComparison.Ordinal);
            }

            // A counts.csv written by an older version with duplicate headers: report says so in one line.
            File.WriteAllText(Path.Combine(output, "counts.csv"), "file,sha256,events,sha256\nP001_pre.fcs,a,1,b\n");
            (code, _, err) = Hiaim("report", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["report"]);
            Assert.Contains("appears twice", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void D6_sheet_rows_outside_the_folder_are_refused_and_the_good_rows_counted()
    {
        var folder = CohortFixture.NewDirectory("d6-in");
        var output = CohortFixture.NewDirectory("d6-out");
        try
        {
            var good = CohortFixture.Files(CohortFixture.Small)[0];
            File.Copy(good, Path.Combine(folder, Path.GetFileName(good)));
            var sheet = Path.Combine(folder, "samples.csv");
            File.WriteAllText(sheet, string.Join('\n', File.ReadAllLines(Probe("D6_sheet_escapes_folder.csv")).Append($"{Path.GetFileName(good)},P001,control,pre,50000,50")) + "\n");

            var (code, stdout, err) = Hiaim("count", "--sample-sheet", sheet, "--out", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertNoTrace(err);
            Assert.Contains("line 2: file '../../../../../../etc/passwd' is outside", err, StringComparison.Ordinal);
            Assert.Contains("line 3: file '/srv/elsewhere/P007_pre.fcs' is outside", err, StringComparison.Ordinal);
            Assert.Contains("1 analysed", stdout, StringComparison.Ordinal);
            var counts = File.ReadAllText(Path.Combine(output, "counts.csv"));
            Assert.DoesNotContain("passwd", counts, StringComparison.Ordinal);
            Assert.DoesNotContain("P007", counts, StringComparison.Ordinal);

            // The same with the folder named: rows must stay inside it.
            (code, _, err) = Hiaim("count", folder, "--sample-sheet", sheet, "--out", output);
            Assert.Equal(2, code);
            Assert.Contains("is outside", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
            Directory.Delete(output, true);
        }
    }

    [Theory]
    [InlineData("--sample-sheet", "D7_sheet_devzero.csv", "outside")]
    [InlineData("--sample-sheet", "/dev/zero", "limit for a sample sheet")]
    [InlineData("--panel", "D7_panel_strategy_devzero.json", "limit for a Gating-ML strategy")]
    [InlineData("--strategy", "/dev/zero", "limit for a Gating-ML strategy")]
    public void D7_dev_zero_as_sheet_panel_or_strategy_ends_in_a_bounded_error(string option, string value, string expected)
    {
        var output = CohortFixture.NewDirectory("d7");
        try
        {
            var path = value.StartsWith('/') ? value : Probe(value);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            var (code, _, err) = Hiaim("count", CohortFixture.Files(CohortFixture.Small)[0], option, path, "--out", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertNoTrace(err);
            Assert.Contains(expected, err, StringComparison.Ordinal);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1L << 30, "reading stops at the cap instead of allocating by what the file yields");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60));
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void D8_a_panel_with_a_duplicate_population_key_is_refused_when_loaded()
    {
        var (code, stdout, err) = Hiaim("count", CohortFixture.Small, "--panel", Probe("D8_panel_duplicate_population_key.json"), "--out", Path.Combine(Path.GetTempPath(), "never-created-d8"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("population 'T' is listed 2 times", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "never-created-d8")));
    }

    [Fact]
    public void D9_D10_a_full_disk_gives_one_line_exit_2_no_partial_files_and_reruns_work()
    {
        var mount = CohortFixture.NewDirectory("d9-tmpfs");
        if (!TryMountTmpfs(mount))
        {
            Directory.Delete(mount);
            Assert.Skip("a 1 MB tmpfs cannot be mounted here (needs root); the disk-full path is then untested");
        }

        try
        {
            // Leave 80 KB free: the run starts, then SQLite or a CSV write meets the full disk.
            var filler = Path.Combine(mount, "filler");
            File.WriteAllBytes(filler, new byte[(int)Math.Max(0, new DriveInfo(mount).AvailableFreeSpace - (80 << 10))]);
            var output = Path.Combine(mount, "out");
            var (code, _, err) = Hiaim("count", CohortFixture.Small, "--out", output, "--threads", "2", "--export-gates");
            Assert.True(code == 2, err);
            CliBadInputAllCommandsTests.AssertNoTrace(err);
            Assert.Matches("(?i)no space left|disk is full", err);
            AssertNoPartialFiles(output);
            if (File.Exists(Path.Combine(output, CohortRun.DatabaseFileName)))
            {
                using var db = new SqliteConnection($"Data Source={Path.Combine(output, CohortRun.DatabaseFileName)};Mode=ReadOnly;Pooling=False");
                db.Open();
                using var check = db.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                Assert.Equal("ok", check.ExecuteScalar());
            }

            // D10: simulate and report on the full disk leave no 0-byte or truncated outputs.
            var sim = Path.Combine(mount, "sim");
            (code, _, err) = Hiaim("simulate", "--out", sim, "--patients", "3", "--events", "20000", "--threads", "2");
            Assert.True(code == 2, err);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["simulate"]);
            AssertNoPartialFiles(sim);
            foreach (var fcs in Directory.GetFiles(sim, "*.fcs"))
            {
                Assert.Equal(20_000, FcsFile.Read(fcs).EventCount);
            }

            // Room again: the rerun completes from where the full disk stopped it.
            File.Delete(filler);
            (code, var stdout, err) = Hiaim("count", CohortFixture.Small, "--out", output, "--threads", "2");
            Assert.True(code == 0, err);
            Assert.Contains("0 failed", stdout, StringComparison.Ordinal);
            Assert.Equal(13, File.ReadAllLines(Path.Combine(output, "counts.csv")).Length);
        }
        finally
        {
            Process.Start("umount", mount)?.WaitForExit();
            Directory.Delete(mount, true);
        }
    }

    [Fact]
    public void D11_a_second_count_on_a_locked_folder_fails_clearly_and_killed_runs_are_marked_interrupted()
    {
        var output = CohortFixture.NewDirectory("d11");
        try
        {
            var file = CohortFixture.Files(CohortFixture.Small)[0];
            Assert.Equal(0, Hiaim("count", file, "--out", output).Code);

            // Another run holds the lock (as a concurrent hiaim count does).
            using (new FileStream(Path.Combine(output, CohortRun.LockFileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                var (code, _, err) = Hiaim("count", file, "--out", output, "--beads-per-test", "1000");
                Assert.Equal(2, code);
                CliBadInputAllCommandsTests.AssertNoTrace(err);
                Assert.Contains("in use by another hiaim count", err, StringComparison.Ordinal);
            }

            // A killed run: its row stays 'running'; the next run marks it.
            var dbPath = Path.Combine(output, CohortRun.DatabaseFileName);
            using (var db = new SqliteConnection($"Data Source={dbPath};Pooling=False"))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = "INSERT INTO runs (started_utc, status, library_version, panel, gating, strategy_sha256, settings_sha256, options, threads, files) VALUES ('t', 'running', 'v', 'p', 'g', 's', 'h', 'o', 1, 1)";
                cmd.ExecuteNonQuery();
            }

            var (again, _, warning) = Hiaim("count", file, "--out", output);
            Assert.Equal(0, again);
            Assert.Contains("marked 'interrupted'", warning, StringComparison.Ordinal);
            using (var db = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False"))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = "SELECT group_concat(status, ',') FROM (SELECT status FROM runs ORDER BY run_id)";
                Assert.Equal("completed,interrupted,completed", cmd.ExecuteScalar());
            }
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void D12_a_study_db_with_another_schema_is_refused_clearly()
    {
        var output = CohortFixture.NewDirectory("d12");
        try
        {
            using (var db = new SqliteConnection($"Data Source={Path.Combine(output, CohortRun.DatabaseFileName)};Pooling=False"))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = "create table samples(x)";
                cmd.ExecuteNonQuery();
            }

            var (code, _, err) = Hiaim("count", CohortFixture.Files(CohortFixture.Small)[0], "--out", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["count"]);
            Assert.Contains("is not a study database of hiaim count: its table 'samples' has no column 'file'", err, StringComparison.Ordinal);

            // Not SQLite at all: the same one line.
            SqliteConnection.ClearAllPools();
            File.WriteAllText(Path.Combine(output, CohortRun.DatabaseFileName), new string('x', 5000));
            (code, _, err) = Hiaim("count", CohortFixture.Files(CohortFixture.Small)[0], "--out", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["count"]);
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void R4_a_huge_bad_number_in_gating_ml_is_not_echoed_whole()
    {
        var dir = CohortFixture.NewDirectory("r4");
        try
        {
            var huge = new string('9', 5_000_000) + "x";
            var xml = Path.Combine(dir, "bad.xml");
            File.WriteAllText(xml, $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
                  <gating:RectangleGate gating:id="R">
                    <gating:dimension gating:min="{huge}" gating:max="5"><data-type:fcs-dimension data-type:name="FSC-A"/></gating:dimension>
                  </gating:RectangleGate>
                </gating:Gating-ML>
                """);
            var (code, _, err) = Hiaim("gate", CohortFixture.Files(CohortFixture.Small)[0], "--strategy", xml);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["gate"]);
            Assert.Contains("bad number", err, StringComparison.Ordinal);
            Assert.True(err.Length < 1000, $"the error is {err.Length} characters");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Sheet_values_that_spreadsheets_would_run_as_formulas_are_prefixed_in_counts_and_summary()
    {
        var folder = CohortFixture.NewDirectory("formula-in");
        var output = CohortFixture.NewDirectory("formula-out");
        try
        {
            var files = CohortFixture.Files(CohortFixture.Small).Take(2).ToList();
            files.ForEach(f => File.Copy(f, Path.Combine(folder, Path.GetFileName(f))));
            var sheet = Path.Combine(folder, "samples.csv");
            File.WriteAllText(sheet, $"file,patient,arm,timepoint,note\n{Path.GetFileName(files[0])},=1+1,@SUM(A1),pre,-1.5\n{Path.GetFileName(files[1])},=1+1,@SUM(A1),+cmd|' /C calc'!A0,-2+3\n");
            var (code, _, err) = Hiaim("count", folder, "--sample-sheet", sheet, "--out", output);
            Assert.True(code == 0, err);
            Assert.Contains("'note'", err, StringComparison.Ordinal); // an unknown column, carried through, named once
            Assert.Single(err.Split('\n'), l => l.Contains("'note'", StringComparison.Ordinal));
            var counts = File.ReadAllLines(Path.Combine(output, "counts.csv"));
            Assert.Contains(",'=1+1,'@SUM(A1),pre,-1.5,", counts[1], StringComparison.Ordinal);
            Assert.Contains(",'=1+1,'@SUM(A1),'+cmd|' /C calc'!A0,'-2+3,", counts[2], StringComparison.Ordinal);

            Assert.Equal(0, Hiaim("summary", output).Code);
            var summary = File.ReadAllLines(Path.Combine(output, "summary.csv")).Skip(1).ToList();
            Assert.NotEmpty(summary);
            Assert.All(summary, l => Assert.StartsWith("'@SUM(A1),", l, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void Summary_names_the_missing_column_and_the_sheet_that_lacks_it()
    {
        var folder = CohortFixture.NewDirectory("summary-in");
        var output = CohortFixture.NewDirectory("summary-out");
        try
        {
            var file = CohortFixture.Files(CohortFixture.Small)[0];
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            var sheet = Path.Combine(folder, "samples.csv");
            File.WriteAllText(sheet, $"file,patient,timepoint\n{Path.GetFileName(file)},P1,pre\n");
            Assert.Equal(0, Hiaim("count", folder, "--sample-sheet", sheet, "--out", output).Code);
            var (code, _, err) = Hiaim("summary", output);
            Assert.Equal(2, code);
            CliBadInputAllCommandsTests.AssertOneLine(err, ["summary"]);
            Assert.Contains($"the sample sheet {sheet}", err, StringComparison.Ordinal);
            Assert.Contains("has no 'arm' column", err, StringComparison.Ordinal);

            Assert.Equal(0, Hiaim("count", folder, "--out", output).Code);
            (code, _, err) = Hiaim("summary", output);
            Assert.Equal(2, code);
            Assert.Contains("the count run had no --sample-sheet", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void Read_warnings_reach_counts_csv_study_db_and_info()
    {
        var folder = CohortFixture.NewDirectory("warn-in");
        var output = CohortFixture.NewDirectory("warn-out");
        try
        {
            // An ANALYSIS segment that cannot exist: the reader ignores it with a warning and reads the data.
            var bytes = FcsBytes.SetKeyword(FcsBytes.SetKeyword(File.ReadAllBytes(CohortFixture.Files(CohortFixture.Small)[0]), "$BEGINANALYSIS", "100"), "$ENDANALYSIS", "99999999999");
            var path = Path.Combine(folder, "warned.fcs");
            File.WriteAllBytes(path, bytes);
            var warnings = FcsFile.Read(path).Warnings;
            Assert.NotEmpty(warnings);

            Assert.Equal(0, Hiaim("count", folder, "--out", output).Code);
            var counts = File.ReadAllLines(Path.Combine(output, "counts.csv"));
            var column = Array.IndexOf(counts[0].Split(','), "read_warnings");
            var expected = string.Join(';', warnings.Select(w => w.Offset >= 0 ? $"{w.Code}@{w.Offset}" : w.Code));
            Assert.Equal(expected, counts[1].Split(',')[column]);

            using (var db = new SqliteConnection($"Data Source={Path.Combine(output, CohortRun.DatabaseFileName)};Mode=ReadOnly;Pooling=False"))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = "SELECT code, offset, message FROM read_warnings WHERE file = 'warned.fcs' ORDER BY ordinal";
                using var r = cmd.ExecuteReader();
                foreach (var w in warnings)
                {
                    Assert.True(r.Read());
                    Assert.Equal((w.Code, w.Offset, w.Message), (r.GetString(0), r.IsDBNull(1) ? -1 : r.GetInt64(1), r.GetString(2)));
                }
            }

            // A rerun reuses the sample and still lists its warnings.
            var (code, stdout, _) = Hiaim("count", folder, "--out", output);
            Assert.Equal(0, code);
            Assert.Contains("1 unchanged and reused", stdout, StringComparison.Ordinal);
            Assert.Equal(counts, File.ReadAllLines(Path.Combine(output, "counts.csv")));

            var info = Hiaim("info", path).Out;
            Assert.All(warnings, w => Assert.Contains(w.ToString(), info, StringComparison.Ordinal));
            Assert.All(warnings, w => Assert.Contains(w.Code, Hiaim("info", path, "--json").Out, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void Read_flags_map_to_the_read_options()
    {
        var args = CliArgumentsFor("--strict", "--tolerate-truncated", "--allow-unknown-version");
        var options = args.ReadOptions(0, out var error);
        Assert.Null(error);
        Assert.NotNull(options);
        Assert.False(options.RepairDefects);
        Assert.True(options.TolerateTruncatedData);
        Assert.True(options.AllowUnknownVersion);
        var defaults = CliArgumentsFor().ReadOptions(0, out _)!;
        Assert.True(defaults.RepairDefects);
        Assert.False(defaults.TolerateTruncatedData || defaults.AllowUnknownVersion);
        Assert.Null(CliArgumentsFor("--strict", "--lenient").ReadOptions(0, out error));
        Assert.Contains("exclude each other", error, StringComparison.Ordinal);
    }

    private static HiAim.Cytometry.Cli.CliArguments CliArgumentsFor(params string[] flags) =>
        HiAim.Cytometry.Cli.CliArguments.Parse(flags, "info", HiAim.Cytometry.Cli.CliArguments.LenienceFlags, [], out _)!;

    private static void AssertNoPartialFiles(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(f);
            Assert.False(name.EndsWith(".tmp", StringComparison.Ordinal), $"temporary file left: {f}");
            if (name is "counts.csv" or "qc.csv" or "summary.csv" or "index.html" || name.EndsWith(".fcs", StringComparison.Ordinal))
            {
                Assert.True(new FileInfo(f).Length > 0, $"0-byte output: {f}");
            }
        }

        if (File.Exists(Path.Combine(dir, "counts.csv")))
        {
            Assert.EndsWith("\n", File.ReadAllText(Path.Combine(dir, "counts.csv")), StringComparison.Ordinal);
        }
    }

    private static bool TryMountTmpfs(string dir)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        try
        {
            using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]) { RedirectStandardError = true, RedirectStandardOutput = true });
            mount!.WaitForExit();
            return mount.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
