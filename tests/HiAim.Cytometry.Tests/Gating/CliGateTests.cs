using static HiAim.Cytometry.Tests.CliRunner;
using System.Globalization;
using System.Text.Json;
using HiAim.Cytometry.Cli;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Tests.Cohort;

namespace HiAim.Cytometry.Tests.Gating;

public sealed class CliGateTests
{
    private static string Data1 => Path.Combine(GatingMLComplianceTests.Root(), "data1.fcs");

    private static string Gml(string name) => Path.Combine(GatingMLComplianceTests.Root(), "gml", name);

    [Fact]
    public void Json_lists_every_population_with_counts_and_percentages()
    {
        var (code, output, err) = Hiaim("gate", Data1, "--strategy", Gml("gml_quadrant1_gate.xml"), "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var file = Assert.Single(doc.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal(Data1, file.GetProperty("file").GetString());
        var pops = file.GetProperty("populations").EnumerateArray().ToArray();
        Assert.Equal(["FL2P-FL4P", "FL2N-FL4P", "FL2N-FL4N", "FL2P-FL4N"], pops.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal([620, 238, 5148, 7361], pops.Select(p => p.GetProperty("count").GetInt32()));
        Assert.All(pops, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("parent").ValueKind));
        Assert.Equal(100.0, pops.Sum(p => p.GetProperty("percent_parent").GetDouble()), 9);
        Assert.Equal(100.0 * 620 / 13367, pops[0].GetProperty("percent_total").GetDouble(), 12);
    }

    [Fact]
    public void Csv_has_one_row_per_population_with_parents()
    {
        var (code, output, err) = Hiaim("gate", Data1, "--strategy", Gml("gml_parent_rect1_rect_par1_gate.xml"), "--csv");
        Assert.True(code == 0, err);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("file,population,parent,count,percent_parent,percent_total,error,warnings", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(["ScaleRect1", "ScalePar1"], rows.Select(r => r[1]));
        Assert.Equal("ScaleRect1", rows[1][2]);
        Assert.Equal(809, int.Parse(rows[0][3], CultureInfo.InvariantCulture));
        Assert.Equal(558, int.Parse(rows[1][3], CultureInfo.InvariantCulture));
        Assert.Equal(100.0 * 558 / 809, double.Parse(rows[1][4], CultureInfo.InvariantCulture), 12);
    }

    [Fact]
    public void A_repaired_file_carries_its_repair_into_the_json_and_csv_results()
    {
        // data1.fcs with $ENDDATA one byte past its last event and that byte present: read by default, repaired.
        var good = File.ReadAllBytes(Data1);
        var f = FcsFile.Read(good);
        byte[] withByte = [.. good, 0xEE];
        string S(long v) => v.ToString(CultureInfo.InvariantCulture);

        // Adding $ENDDATA to TEXT moves DATA on by the keyword's length: aim at where the surplus byte ends up.
        var moved = FcsBytes.SetKeyword(withByte, "$ENDDATA", S(f.DataStart + f.DataLength)).Length - withByte.Length;
        var end = f.DataStart + f.DataLength + moved;
        var bytes = FcsBytes.SetHeaderField(FcsBytes.SetKeyword(withByte, "$ENDDATA", S(end)), FcsBytes.DataEndField, end);
        Assert.Equal(withByte.Length + moved, bytes.Length);
        var path = Path.Combine(Path.GetTempPath(), $"hiaim-repaired-{Guid.NewGuid():N}.fcs");
        File.WriteAllBytes(path, bytes);
        try
        {
            var strategy = Gml("gml_parent_rect1_rect_par1_gate.xml");
            var (code, json, err) = Hiaim("gate", path, "--strategy", strategy, "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(json);
            var file = doc.RootElement.GetProperty("files")[0];
            Assert.Equal(809, file.GetProperty("populations")[0].GetProperty("count").GetInt32());
            var warning = Assert.Single(file.GetProperty("warnings").EnumerateArray()).GetString()!;
            Assert.StartsWith($"end-data-off-by-one at byte {end} (Data)", warning, StringComparison.Ordinal);

            var (csvCode, csv, _) = Hiaim("gate", path, "--strategy", strategy, "--csv");
            Assert.Equal(0, csvCode);
            Assert.All(csv.TrimEnd('\n').Split('\n').Skip(1), row => Assert.Contains($"end-data-off-by-one at byte {end}", row, StringComparison.Ordinal));
            Assert.Equal(2, Hiaim("gate", path, "--strategy", strategy, "--strict").Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bad_file_in_a_batch_is_reported_and_the_batch_continues_in_argument_order()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"hiaim-gate-{Guid.NewGuid():N}.fcs");
        File.WriteAllText(bad, "not an FCS file at all");
        try
        {
            var missing = Path.Combine(Path.GetTempPath(), "no-such-file.fcs");
            var (code, output, err) = Hiaim("gate", Data1, bad, missing, Data1, "--strategy", Gml("gml_all_gates.xml"), "--json");
            Assert.Equal(2, code);
            Assert.Contains(bad, err, StringComparison.Ordinal);
            Assert.Contains(missing, err, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(output);
            var files = doc.RootElement.GetProperty("files").EnumerateArray().ToArray();
            Assert.Equal([Data1, bad, missing, Data1], files.Select(f => f.GetProperty("file").GetString()));
            Assert.False(string.IsNullOrEmpty(files[1].GetProperty("error").GetString()));
            Assert.False(files[1].TryGetProperty("populations", out _));
            Assert.True(files[2].TryGetProperty("error", out _));
            Assert.Equal(files[0].GetProperty("populations").GetRawText(), files[3].GetProperty("populations").GetRawText());
            Assert.Equal(49, files[0].GetProperty("populations").GetArrayLength());

            var text = Hiaim("gate", Data1, bad, "--strategy", Gml("gml_range_gate.xml"));
            Assert.Equal(2, text.Code);
            Assert.Contains("Range1", text.Out, StringComparison.Ordinal);
            Assert.Contains("error:", text.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Streamed_batch_counts_equal_the_library_and_a_truncated_file_is_reported()
    {
        // Simulated float32 files with a spillover and fasinh dimensions: the path that compensates and transforms
        // while decoding. Its counts must be the library's own, and a file cut short mid-DATA a reported error.
        var files = CohortFixture.Files(CohortFixture.Small).Take(3).ToList();
        var strategy = TbnkPanel.Default.Analyze(FcsFile.Read(files[0])).Strategy;
        var dir = CohortFixture.NewDirectory("gate-streamed");
        var xml = Path.Combine(dir, "tbnk.xml");
        GatingML.Save(strategy, xml);
        var truncated = Path.Combine(dir, "truncated.fcs");
        var bytes = File.ReadAllBytes(files[1]);
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length - 100_000).ToArray());

        var (code, output, err) = Hiaim(["gate", files[0], truncated, files[1], files[2], "--strategy", xml, "--json"]);
        Assert.Equal(2, code);
        Assert.Contains(truncated, err, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        var results = doc.RootElement.GetProperty("files").EnumerateArray().ToArray();
        Assert.Contains("byte", results[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        var reloaded = GatingML.Load(xml);
        foreach (var (result, file) in new[] { (results[0], files[0]), (results[2], files[1]), (results[3], files[2]) })
        {
            var want = reloaded.Apply(FcsFile.Read(file));
            var got = result.GetProperty("populations").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("count").GetInt32());
            Assert.Equal(want.Populations.Count, got.Count);
            Assert.All(want.Populations, p => Assert.Equal(p.Count, got[p.Id]));
        }
    }

    [Fact]
    public void Bad_strategy_and_usage_errors_exit_2_with_a_message()
    {
        var xml = Path.Combine(Path.GetTempPath(), $"hiaim-gate-{Guid.NewGuid():N}.xml");
        File.WriteAllText(xml, """<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating"><gating:TriangleGate gating:id="T" /></gating:Gating-ML>""");
        try
        {
            var (code, _, err) = Hiaim("gate", Data1, "--strategy", xml);
            Assert.Equal(2, code);
            Assert.Contains("gating:TriangleGate", err, StringComparison.Ordinal);
            Assert.Contains("line 1", err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(xml);
        }

        Assert.Equal(2, Hiaim("gate", Data1).Code);
        Assert.Equal(2, Hiaim("gate", "--strategy", Gml("gml_range_gate.xml")).Code);
        Assert.Equal(2, Hiaim("gate", Data1, "--strategy", Gml("gml_range_gate.xml"), "--json", "--csv").Code);
    }

    [Fact]
    public void Probe_D4_50k_nested_elements_exits_2_with_one_located_line()
    {
        // Was: "Stack overflow." and exit 134.
        var probe = Path.Combine(SharedData.RequirePath(), "data", "probes", "D4_gatingml_nesting_50k.xml");
        var (code, output, err) = Hiaim("gate", Data1, "--strategy", probe);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("<x:w> at line 3, position ", err, StringComparison.Ordinal);
        Assert.Contains("nested more than 256 deep", err, StringComparison.Ordinal);
    }
}
