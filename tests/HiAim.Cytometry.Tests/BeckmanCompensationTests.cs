using static HiAim.Cytometry.Tests.CliRunner;
using System.Globalization;
using System.Text.Json;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// Beckman Coulter <c>$DFCiTOj</c> on the real listmode files: the FCS 2.0 dataset was compensated by the instrument, the
/// raw FCS 3.0 dataset after it is compensated here with dataset 0's percentages (docs/compensation-and-transforms.md).
/// </summary>
public sealed class BeckmanCompensationTests
{
    private const string Coulter = "FlowIO/coulter.lmd";
    private const string Fc500 = "cytoflow/tests/instruments/Beckman Coulter - Cytomics FC500.LMD";
    private const string SystemII = "cytoflow/tests/instruments/System II listmode with extra info in bits D10-D15.LMD";
    private const string Navios = "fcsparser/fake_bitmask_error/fcs1_cleaned.lmd";

    private static FcsFile Read(string path, int dataset = 0) =>
        FcsFile.Read(SharedData.Fcs(path), FcsReadOptions.Lenient with { Dataset = dataset });

    /// <summary>
    /// The evidence for the convention: regressing dataset 0's stored values of the receiving detector on dataset 1's raw
    /// values of both detectors gives the <c>$DFCiTOj</c> percentage, negated (the instrument subtracted it). Were dataset 0
    /// uncompensated the coefficient would be 0.
    /// </summary>
    [Theory]
    [InlineData(Coulter, "FL3 Lin", "FL1", "FL3")]
    [InlineData(Coulter, "FL3 Log", "FL1", "FL3")]
    [InlineData(Fc500, "FL2 Log", "FL1", "FL2")]
    public void The_fcs20_dataset_holds_values_the_instrument_compensated(string path, string stored, string from, string to)
    {
        var compensated = Read(path);
        var raw = Read(path, 1);
        Assert.True(compensated.CompensatedAtAcquisition);
        var percent = double.Parse(compensated.Keywords[$"$DFC{from[2..]}TO{to[2..]}"], CultureInfo.InvariantCulture);
        Assert.True(percent >= 5, "the pair must spill enough to be measured");

        var y = compensated.ToChannelValues().Column(stored);
        var own = raw.ToChannelValues().Column(to);
        var other = raw.ToChannelValues().Column(from);
        double s11 = 0, s22 = 0, s12 = 0, s1y = 0, s2y = 0;
        for (var e = 0; e < y.Length; e++)
        {
            // Dataset 0 is 10-bit: leave out its floor and its ceiling, where the value says nothing.
            if (y[e] <= 1 || y[e] >= 900)
            {
                continue;
            }

            double a = own[e], b = other[e], v = y[e] * 1024.0; // 20-bit raw, 10-bit stored
            s11 += a * a;
            s22 += b * b;
            s12 += a * b;
            s1y += a * v;
            s2y += b * v;
        }

        var det = (s11 * s22) - (s12 * s12);
        var gain = ((s1y * s22) - (s2y * s12)) / det;
        var spill = ((s2y * s11) - (s1y * s12)) / det;
        Assert.InRange(gain, 0.95, 1.05);
        Assert.InRange(-spill, (percent / 100) - 0.02, (percent / 100) + 0.02);
    }

    [Theory]
    [InlineData(Coulter)]
    [InlineData(Fc500)]
    [InlineData(SystemII)]
    [InlineData(Navios)]
    public void Compensating_the_fcs20_dataset_again_is_refused_and_gating_reads_it_as_stored(string path)
    {
        var file = Read(path);
        Assert.True(file.CompensatedAtAcquisition);
        Assert.Null(file.SpilloverProblem);
        Assert.Equal("$DFCiTOj", file.Spillover!.Source);
        var e = Assert.Throws<CompensationException>(() => file.SpilloverToApply());
        Assert.Contains("applied this compensation", e.Message, StringComparison.Ordinal);

        // Every FL channel (Log and Lin) belongs to a detector; gating "FCS" reads them as stored, with a warning.
        var detector = file.Channels.First(c => c.Name.StartsWith("FL", StringComparison.Ordinal) && c.Name.Contains(' ', StringComparison.Ordinal)).Name;
        var values = file.ToChannelValues().Column(detector).ToArray();
        var threshold = Median(values);
        var compensated = Strategy(new Dimension(detector, CompensationRef.File), threshold).Apply(file);
        var stored = Strategy(new Dimension(detector, CompensationRef.Uncompensated), threshold).Apply(file);
        Assert.Equal(values.Count(v => v >= threshold), compensated["High"].Count);
        Assert.Equal(stored["High"].Count, compensated["High"].Count);
        Assert.Contains(compensated.Warnings, w => w.Contains("applied by the instrument", StringComparison.Ordinal));
        Assert.Contains(stored.Warnings, w => w.Contains("compensated at acquisition", StringComparison.Ordinal) && w.Contains(detector, StringComparison.Ordinal));

        var csv = Path.Combine(Path.GetTempPath(), $"hiaim-beckman-{Guid.NewGuid():N}.csv");
        var (code, _, err) = Hiaim("export", SharedData.Fcs(path), "--lenient", "--compensate", "--out", csv);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains("--dataset 1", err, StringComparison.Ordinal);
        Assert.False(File.Exists(csv));
    }

    [Theory]
    [InlineData(Coulter)]
    [InlineData(Fc500)]
    public void The_raw_fcs30_dataset_is_compensated_with_dataset0_percentages(string path)
    {
        var file = Read(path, 1);
        var keywords = Read(path).Keywords;
        var spill = file.SpilloverToApply();
        Assert.NotNull(spill);
        Assert.Equal("$DFCiTOj of dataset 0", spill.Source);
        Assert.Equal(["FL1", "FL2", "FL3", "FL4", "FL5"], spill.Detectors);

        // The matrix from the keywords, inverted here by Gauss-Jordan, times each raw event.
        var n = spill.Count;
        var s = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                s[i, j] = i == j ? 1 : keywords.TryGetValue($"$DFC{i + 1}TO{j + 1}", out var pct) ? double.Parse(pct, CultureInfo.InvariantCulture) / 100 : 0;
            }
        }

        var inverse = GaussJordan.Invert(s);
        var raw = file.ToChannelValues();
        var ours = raw.Compensate(spill);
        var columns = spill.Detectors.Select(raw.IndexOf).ToArray();
        for (var e = 0; e < raw.EventCount; e++)
        {
            for (var j = 0; j < n; j++)
            {
                var want = 0.0;
                for (var i = 0; i < n; i++)
                {
                    want += raw[e, columns[i]] * inverse[i, j];
                }

                Assert.True(Math.Abs(ours[e, columns[j]] - want) <= 1e-5 * Math.Max(1, Math.Abs(want)) + 1e-3, $"event {e} {spill.Detectors[j]}: {ours[e, columns[j]]} != {want}");
            }
        }

        Assert.Equal(raw.Column("FS").ToArray(), ours.Column("FS").ToArray()); // scatter passes through
    }

    /// <summary>
    /// Compensating the raw FCS 3.0 dataset reproduces what the instrument stored in the FCS 2.0 one (to the latter's 10-bit
    /// resolution, about 0.9 % per log step); the raw values do not.
    /// </summary>
    [Theory]
    [InlineData(Fc500, "FL2 Log", "FL2", 0.5)]
    [InlineData(Fc500, "FL1 Log", "FL1", 0.5)]
    [InlineData(Coulter, "FL3 Lin", "FL3", 1.0)]
    public void Compensating_the_raw_dataset_reproduces_the_instruments_stored_values(string path, string stored, string detector, double ratio)
    {
        var instrument = Read(path).ToChannelValues().Column(stored);
        var file = Read(path, 1);
        var raw = file.ToChannelValues();
        var ours = raw.Compensate(file.SpilloverToApply()!).Column(detector);
        var rawColumn = raw.Column(detector);
        var compensatedError = new List<double>();
        var rawError = new List<double>();
        for (var e = 0; e < instrument.Length; e++)
        {
            if (instrument[e] is > 2 and < 900) // above the 10-bit floor, below its ceiling
            {
                compensatedError.Add(Math.Abs((ours[e] / 1024.0) - instrument[e]) / instrument[e]);
                rawError.Add(Math.Abs((rawColumn[e] / 1024.0) - instrument[e]) / instrument[e]);
            }
        }

        var compensated = compensatedError.Order().ElementAt(compensatedError.Count / 2);
        var uncompensated = rawError.Order().ElementAt(rawError.Count / 2);
        Assert.True(compensated < 0.015, $"median relative difference {compensated:P2}");
        Assert.True(compensated <= ratio * uncompensated, $"compensated {compensated:P2} vs raw {uncompensated:P2}");
    }

    [Theory]
    [InlineData(Coulter, "FL3")]
    [InlineData(Fc500, "FL2")]
    public void Hiaim_gate_fcs_and_uncompensated_differ_on_the_raw_dataset_as_computed_independently(string path, string detector)
    {
        var file = Read(path, 1);
        var raw = file.ToChannelValues();
        var spill = file.SpilloverToApply()!;
        var inverse = GaussJordan.Invert(spill.ToArray());
        var j = spill.Detectors.ToList().IndexOf(detector);
        var mine = new double[raw.EventCount];
        for (var e = 0; e < mine.Length; e++)
        {
            for (var i = 0; i < spill.Count; i++)
            {
                mine[e] += raw[e, raw.IndexOf(spill.Detectors[i])] * inverse[i, j];
            }
        }

        // The gate's edge: of the 5th, 10th … 95th percentiles of the uncompensated values, the one across which the
        // subtracted spillover moves the most events (by the independent computation).
        var uncompensated = raw.Column(detector).ToArray();
        var sorted = uncompensated.Order().ToArray();
        var threshold = Enumerable.Range(1, 19).Select(k => (double)sorted[sorted.Length * k / 20])
            .MaxBy(t => uncompensated.Count(v => v >= t) - mine.Count(v => v >= t));
        var strategy = Path.Combine(Path.GetTempPath(), $"hiaim-beckman-{Guid.NewGuid():N}.xml");
        File.WriteAllText(strategy, GatingMlRange(detector, threshold));
        try
        {
            var (code, output, err) = Hiaim("gate", SharedData.Fcs(path), "--dataset", "1", "--lenient", "--strategy", strategy, "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(output);
            var pops = doc.RootElement.GetProperty("files")[0].GetProperty("populations").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("count").GetInt32());
            Assert.Empty(doc.RootElement.GetProperty("files")[0].GetProperty("warnings").EnumerateArray());
            var expectedFcs = mine.Count(v => v >= threshold);
            var expectedRaw = uncompensated.Count(v => v >= threshold);
            Assert.Equal(expectedRaw, pops["Uncompensated"]);
            Assert.InRange(pops["Compensated"], expectedFcs - 2, expectedFcs + 2); // float vs double at the edge
            Assert.True(expectedRaw - expectedFcs >= 10, $"spillover must matter here: {expectedRaw} vs {expectedFcs}");
            Assert.NotEqual(pops["Uncompensated"], pops["Compensated"]);
        }
        finally
        {
            File.Delete(strategy);
        }
    }

    [Fact]
    public void A_detector_matching_several_channels_is_refused_naming_them_until_one_is_chosen()
    {
        var m = new EventMatrix(200, ["FS Lin", "FL1 Log", "FL1 Lin", "FL2 Log"]);
        var rnd = new Random(7);
        for (var c = 0; c < m.ChannelCount; c++)
        {
            for (var e = 0; e < m.EventCount; e++)
            {
                m[e, c] = rnd.Next(1, 1000);
            }
        }

        var bytes = FcsWriter.ToArray(m, [new("$DFC1TO2", "12.5"), new("$DFC2TO1", "1.5")]);
        var file = FcsFile.Read(bytes.AsMemory());
        Assert.False(file.CompensatedAtAcquisition); // FCS 3.1: the keywords are to be applied
        Assert.Contains("FL1 Log, FL1 Lin", file.SpilloverProblem, StringComparison.Ordinal);
        Assert.Contains("SpilloverDetectors", file.SpilloverProblem, StringComparison.Ordinal);
        Assert.Throws<CompensationException>(() => file.SpilloverToApply());
        var gate = Strategy(new Dimension("FL2 Log", CompensationRef.File), 500);
        var e1 = Assert.Throws<CompensationException>(() => gate.Apply(file));
        Assert.Contains("FL1 Log, FL1 Lin", e1.Message, StringComparison.Ordinal);

        var chosen = FcsFile.Read(bytes.AsMemory(), new FcsReadOptions { SpilloverDetectors = new Dictionary<string, string> { ["FL1"] = "FL1 Log" } });
        var spill = chosen.SpilloverToApply()!;
        Assert.Equal(["FL1 Log", "FL2 Log"], spill.Detectors);
        Assert.Equal(0.125, spill[0, 1]);
        var fl2 = chosen.ToChannelValues().Compensate(spill).Column("FL2 Log");
        var want = GaussJordan.Invert(new double[,] { { 1, 0.125 }, { 0.015, 1 } });
        for (var e = 0; e < m.EventCount; e++)
        {
            var expected = (m[e, 1] * want[0, 1]) + (m[e, 3] * want[1, 1]);
            Assert.True(Math.Abs(expected - fl2[e]) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"event {e}: {fl2[e]} != {expected}");
        }

        // The same choice from the command line.
        var path = Path.Combine(Path.GetTempPath(), $"hiaim-fl1-{Guid.NewGuid():N}.fcs");
        var csv = Path.ChangeExtension(path, ".csv");
        File.WriteAllBytes(path, bytes);
        try
        {
            var refused = Hiaim("export", path, "--compensate", "--out", csv);
            Assert.Equal(2, refused.Code);
            Assert.Contains("--spillover-detector \"FL1=FL1 Log\"", refused.Err, StringComparison.Ordinal);
            var chosenByFlag = Hiaim("export", path, "--compensate", "--spillover-detector", "FL1=FL1 Log", "--out", csv);
            Assert.True(chosenByFlag.Code == 0, chosenByFlag.Err);
            var header = File.ReadLines(csv).First().Split(',');
            var second = File.ReadLines(csv).Skip(2).First().Split(',');
            var fl2Csv = double.Parse(second[Array.IndexOf(header, "FL2 Log")], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(fl2Csv - fl2[1]) <= 1e-3 * Math.Max(1, Math.Abs(fl2[1])), $"{fl2Csv} != {fl2[1]}");
            Assert.Equal(2, Hiaim("export", path, "--compensate", "--spillover-detector", "FL1", "--out", csv).Code);
        }
        finally
        {
            File.Delete(path);
            File.Delete(csv);
        }
    }

    [Fact]
    public void An_unrecorded_detector_is_dropped_only_when_it_spills_into_no_recorded_one()
    {
        var m = new EventMatrix(10, ["FL1", "FL2"]);
        var quiet = FcsFile.Read(FcsWriter.ToArray(m, [new("$DFC1TO2", "10"), new("$DFC3TO1", "0"), new("$DFC1TO3", "4")]).AsMemory());
        Assert.Equal(["FL1", "FL2"], quiet.SpilloverToApply()!.Detectors); // FL3 receives from FL1 but gives nothing back

        var loud = FcsFile.Read(FcsWriter.ToArray(m, [new("$DFC1TO2", "10"), new("$DFC3TO1", "2.5")]).AsMemory());
        Assert.Contains("FL3 spills 2.5 % into FL1", loud.SpilloverProblem, StringComparison.Ordinal);
    }

    private static GatingStrategy Strategy(Dimension dimension, double min)
    {
        return new GatingStrategy().Add(new RectangleGate("High", null, new GateRange(dimension, min, null)));
    }

    private static float Median(float[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string GatingMlRange(string channel, double min) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
          <gating:RectangleGate gating:id="Compensated">
            <gating:dimension gating:compensation-ref="FCS" gating:min="{min.ToString("R", CultureInfo.InvariantCulture)}"><data-type:fcs-dimension data-type:name="{channel}" /></gating:dimension>
          </gating:RectangleGate>
          <gating:RectangleGate gating:id="Uncompensated">
            <gating:dimension gating:compensation-ref="uncompensated" gating:min="{min.ToString("R", CultureInfo.InvariantCulture)}"><data-type:fcs-dimension data-type:name="{channel}" /></gating:dimension>
          </gating:RectangleGate>
        </gating:Gating-ML>
        """;
}

/// <summary>A matrix inverse computed independently of MathNet (Gauss-Jordan with partial pivoting), for checking compensation.</summary>
internal static class GaussJordan
{
    public static double[,] Invert(double[,] a)
    {
        var n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[i, j] = a[i, j];
            }

            m[i, n + i] = 1;
        }

        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r, col]));
            for (var j = 0; j < 2 * n; j++)
            {
                (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            }

            var p = m[col, col];
            for (var j = 0; j < 2 * n; j++)
            {
                m[col, j] /= p;
            }

            for (var r = 0; r < n; r++)
            {
                if (r != col && m[r, col] != 0)
                {
                    var f = m[r, col];
                    for (var j = 0; j < 2 * n; j++)
                    {
                        m[r, j] -= f * m[col, j];
                    }
                }
            }
        }

        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                inverse[i, j] = m[i, n + j];
            }
        }

        return inverse;
    }
}
