using static HiAim.Cytometry.Tests.CliRunner;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Tests.Cohort;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// A spillover that is there but cannot be applied fails its sample with one clear line (probes D1–D3, R2 in
/// ../shared/data/probes); a file without one is gated uncompensated with a warning.
/// </summary>
public sealed class CompensationRefusalTests
{
    private static string Probe(string name) => Path.Combine(SharedData.RequirePath(), "data", "probes", name);

    private static string Temp(string ext) => Path.Combine(Path.GetTempPath(), $"hiaim-refusal-{Guid.NewGuid():N}{ext}");

    /// <summary>One line on stderr, naming the file, no stack trace.</summary>
    private static void OneLine(string err, string file)
    {
        var lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, err);
        Assert.StartsWith($"hiaim: {file}: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probes:D1_min_spillover_unknown_detector_352B.fcs", "NOPE")]
    [InlineData("probes:D1_fuzz_mutant_export_4012dcf17b.fcs", "not a channel")]
    [InlineData("fcs:FlowIO/variable_int_example.fcs", "not a channel")]
    public void D1_export_compensate_with_a_detector_that_is_not_a_channel_exits_2_with_one_line(string input, string says)
    {
        var path = input.StartsWith("probes:", StringComparison.Ordinal) ? Probe(input[7..]) : SharedData.Fcs(input[4..]);
        var file = FcsFile.Read(path, FcsReadOptions.Lenient);
        Assert.NotNull(file.SpilloverProblem);
        var csv = Temp(".csv");
        var (code, _, err) = Hiaim("export", path, "--lenient", "--out", csv, "--compensate");
        Assert.Equal(2, code);
        OneLine(err, path);
        Assert.Contains(says, err, StringComparison.Ordinal);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public void D2_a_tube_whose_spillover_names_an_unknown_detector_fails_alone_in_a_count_batch()
    {
        var inputs = CohortFixture.NewDirectory("d2-in");
        var output = CohortFixture.NewDirectory("d2-out");
        try
        {
            foreach (var good in CohortFixture.Files(CohortFixture.Small).Take(2))
            {
                File.Copy(good, Path.Combine(inputs, Path.GetFileName(good)));
            }

            File.Copy(Probe("D2_spillover_unknown_detector.fcs"), Path.Combine(inputs, "D2.fcs"));
            var (code, stdout, err) = Hiaim("count", inputs, "--out", output);
            Assert.Equal(2, code);
            Assert.Contains("2 analysed, 0 unchanged and reused, 1 failed", stdout, StringComparison.Ordinal);
            Assert.Contains("NOPE-A", err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
            var rows = File.ReadAllLines(Path.Combine(output, "counts.csv"));
            Assert.Equal(4, rows.Length);
            Assert.Contains("NOPE-A", rows.Single(r => r.StartsWith("D2.fcs,", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.All(rows.Skip(1).Where(r => !r.StartsWith("D2.fcs,", StringComparison.Ordinal)), r => Assert.EndsWith(",", r, StringComparison.Ordinal));

            // A rerun does not die either: the good tubes are reused, the bad one fails again.
            (code, stdout, _) = Hiaim("count", inputs, "--out", output);
            Assert.Equal(2, code);
            Assert.Contains("0 analysed, 2 unchanged and reused, 1 failed", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(inputs, true);
            Directory.Delete(output, true);
        }
    }

    [Theory]
    [InlineData("D2_spillover_unknown_detector.fcs", "NOPE-A")]
    [InlineData("D3_spillover_singular.fcs", "singular")]
    public void Plot_of_a_panel_on_a_tube_with_an_unusable_spillover_exits_2_with_one_line(string probe, string says)
    {
        var png = Temp(".png");
        var (code, _, err) = Hiaim("plot", Probe(probe), "--panel", "tbnk", "--out", png);
        Assert.Equal(2, code);
        OneLine(err, Probe(probe));
        Assert.Contains(says, err, StringComparison.Ordinal);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void D3_singular_spillover_fails_its_file_and_the_good_file_of_the_gate_batch_keeps_its_result()
    {
        var bad = Probe("D3_min_spillover_singular_350B.fcs");
        var good = Temp(".fcs");
        File.WriteAllBytes(good, FcsBytes.SetKeyword(File.ReadAllBytes(bad), "$SPILLOVER", "2,C1,C2,1,0.1,0,1"));
        try
        {
            var (code, output, err) = Hiaim("gate", bad, good, "--strategy", Probe("D3_min_strategy.xml"), "--json");
            Assert.Equal(2, code);
            OneLine(err, bad);
            Assert.Contains("singular", err, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(output);
            var files = doc.RootElement.GetProperty("files").EnumerateArray().ToArray();
            Assert.Contains("singular", files[0].GetProperty("error").GetString(), StringComparison.Ordinal);
            var populations = files[1].GetProperty("populations").EnumerateArray().ToArray();
            Assert.Equal(["R1", "R2"], populations.Select(p => p.GetProperty("id").GetString()));

            // The good file's counts are what the library computes for it alone.
            var expected = GatingML.Load(Probe("D3_min_strategy.xml")).Apply(FcsFile.Read(good));
            Assert.Equal(expected["R1"].Count, populations[0].GetProperty("count").GetInt32());
            Assert.Equal(expected["R2"].Count, populations[1].GetProperty("count").GetInt32());

            var alone = Hiaim("gate", bad, "--strategy", Probe("D3_min_strategy.xml"));
            Assert.Equal(2, alone.Code);
            OneLine(alone.Err, bad);
        }
        finally
        {
            File.Delete(good);
        }
    }

    [Theory]
    [InlineData("D3_min_spillover_singular_350B.fcs")]
    [InlineData("D3_spillover_singular.fcs")]
    public void D3_export_compensate_with_a_singular_spillover_exits_2_with_one_line(string probe)
    {
        var csv = Temp(".csv");
        var (code, _, err) = Hiaim("export", Probe(probe), "--out", csv, "--compensate");
        Assert.Equal(2, code);
        OneLine(err, Probe(probe));
        Assert.Contains("singular", err, StringComparison.Ordinal);
        Assert.False(File.Exists(csv));
        Assert.Throws<CompensationException>(() => FcsFile.Read(Probe(probe)).SpilloverToApply());
    }

    [Fact]
    public void D3_singular_tube_fails_alone_in_a_count_batch()
    {
        var inputs = CohortFixture.NewDirectory("d3-in");
        var output = CohortFixture.NewDirectory("d3-out");
        try
        {
            File.Copy(CohortFixture.Files(CohortFixture.Small)[0], Path.Combine(inputs, "good.fcs"));
            File.Copy(Probe("D3_spillover_singular.fcs"), Path.Combine(inputs, "D3.fcs"));
            var (code, stdout, err) = Hiaim("count", inputs, "--out", output);
            Assert.Equal(2, code);
            Assert.Contains("1 analysed, 0 unchanged and reused, 1 failed", stdout, StringComparison.Ordinal);
            Assert.Contains("singular", err, StringComparison.Ordinal);
            var rows = File.ReadAllLines(Path.Combine(output, "counts.csv"));
            Assert.EndsWith(",", rows.Single(r => r.StartsWith("good.fcs,", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(inputs, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void A_file_without_spillover_is_gated_uncompensated_with_a_warning_per_file()
    {
        var bad = Probe("D3_min_spillover_singular_350B.fcs");
        var none = Temp(".fcs");
        File.WriteAllBytes(none, FcsBytes.SetKeyword(File.ReadAllBytes(bad), "$SPILLOVER", null));
        try
        {
            var file = FcsFile.Read(none);
            Assert.Null(file.Spillover);
            Assert.Null(file.SpilloverToApply());
            var strategy = GatingML.Load(Probe("D3_min_strategy.xml"));
            var result = strategy.Apply(file);
            Assert.Contains(result.Warnings, w => w.Contains("no spillover keyword", StringComparison.Ordinal));
            var values = file.ToChannelValues().Column("C1").ToArray();
            var scale = new Transforms.Logicle(262144, 0.5, 4.5, 0);
            Assert.Equal(values.Count(v => scale.Apply(v) is >= 0.1 and < 0.9), result["R1"].Count);

            var (code, output, err) = Hiaim("gate", none, "--strategy", Probe("D3_min_strategy.xml"), "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(output);
            var warnings = doc.RootElement.GetProperty("files")[0].GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToArray();
            Assert.Contains(warnings, w => w!.Contains("gated uncompensated", StringComparison.Ordinal));

            // Only a strategy that asks for the file's spillover is warned.
            var uncompensated = new GatingStrategy().Add(new RectangleGate("All", null, new GateRange(new Dimension("C1"), double.MinValue, null)));
            Assert.Empty(uncompensated.Apply(file).Warnings);
        }
        finally
        {
            File.Delete(none);
        }
    }

    [Fact]
    public void R2_a_spillover_larger_than_par_is_refused_at_read_without_building_it()
    {
        const int n = 1500;
        var spill = new StringBuilder(n.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < n; i++)
        {
            spill.Append(",D").Append(i);
        }

        for (var i = 0; i < n * n; i++)
        {
            spill.Append(i % (n + 1) == 0 ? ",1" : ",0");
        }

        var bytes = FcsBytes.Write(3, 1000, null, [new("$SPILLOVER", spill.ToString())]);
        Assert.True(bytes.Length > 4_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var file = FcsFile.Read(bytes.AsMemory());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(file.Spillover);
        Assert.Contains("1500 detectors", file.SpilloverProblem, StringComparison.Ordinal);
        Assert.Contains("$PAR", file.SpilloverProblem, StringComparison.Ordinal);
        Assert.Matches("at byte [0-9]+", file.SpilloverProblem);
        Assert.Contains(file.Warnings, w => w.Code == "bad-spillover" && w.Offset > 0);
        // The keyword's text is read (a few copies of 4.6 MB); its 2.25 million fields are not split into strings.
        Assert.True(allocated < 20 * bytes.Length, $"{allocated / 1e6:F0} MB allocated to read a {bytes.Length / 1e6:F1} MB file");

        var gate = new GatingStrategy().Add(new RectangleGate("R", null, new GateRange(new Dimension("Ch1", CompensationRef.File), 0, null)));
        var e = Assert.Throws<CompensationException>(() => gate.Apply(file));
        Assert.Contains("1500 detectors", e.Message, StringComparison.Ordinal);
    }
}
