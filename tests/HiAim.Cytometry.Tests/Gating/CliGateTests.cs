using static HiAim.Cytometry.Tests.CliRunner;
using System.Globalization;
using System.Text.Json;
using HiAim.Cytometry.Cli;

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
        Assert.Equal("file,population,parent,count,percent_parent,percent_total,error", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(["ScaleRect1", "ScalePar1"], rows.Select(r => r[1]));
        Assert.Equal("ScaleRect1", rows[1][2]);
        Assert.Equal(809, int.Parse(rows[0][3], CultureInfo.InvariantCulture));
        Assert.Equal(558, int.Parse(rows[1][3], CultureInfo.InvariantCulture));
        Assert.Equal(100.0 * 558 / 809, double.Parse(rows[1][4], CultureInfo.InvariantCulture), 12);
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
}
