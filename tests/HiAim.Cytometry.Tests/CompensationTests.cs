using System.Text.Json;
using FsCheck.Xunit;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

public sealed unsafe class CompensationTests
{
    // REFERENCE.md B2: the Gating-ML compliance suite's MySpill (FITC, PE, PerCP seen in FL1-H, FL2-H, FL3-H).
    private static Spillover MySpill() => new(["FL1-H", "FL2-H", "FL3-H"], new double[,] { { 1, 0.02, 0.06 }, { 0.11, 1, 0.07 }, { 0.09, 0.01, 1 } }, "MySpill");

    private static string Transforms(string file) => Path.Combine(SharedData.RequirePath(), "data", "transforms", "compensation", file);

    [Fact]
    public void Inverse_matches_reference_b2()
    {
        double[,] expected =
        {
            { 1.0074685550442992, -0.019558580974541585, -0.059079012634440035 },
            { -0.10454767252886403, 1.0027301359422196, -0.06391824916422355 },
            { -0.08962669322869828, -0.008267029071713453, 1.0059562936287418 },
        };
        var inv = MySpill().Inverse();
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], inv[i, j], 1e-15);
            }
        }
    }

    [Fact]
    public void Example_event_compensates_as_reference_b2()
    {
        var m = new EventMatrix(1, ["FL1-H", "FL2-H", "FL3-H", "Time"]);
        m[0, 0] = 100; m[0, 1] = 200; m[0, 2] = 300; m[0, 3] = 7;
        var c = m.Compensate(MySpill());
        AssertClose([52.94931303004762, 196.11006036947575, 283.09533699233384], [c[0, 0], c[0, 1], c[0, 2]]);
        Assert.Equal(7f, c[0, 3]);     // not a detector: passes through
        Assert.Equal(100f, m[0, 0]);   // Compensate copies
    }

    [Fact]
    public void Data1_channel_values_compensate_as_reference_b2()
    {
        var file = FcsFile.Read(SharedData.Fcs("FlowIO/data1.fcs"));
        var values = file.ToChannelValues();
        double[][] raw = [[7.233941627366748, 34.59891660869932, 11.039991779173976], [36.517412725483766, 1.0, 170.0077618822873], [2.4804544143141136, 12.863969449369744, 3.0232130250207154]];
        double[][] comp = [[2.681254558698836, 34.460622788420714, 8.466872910462593], [21.44836383924922, -1.1169577477277173, 168.79904709427328], [0.8831211728697375, 12.825582676239232, 2.072434967311785]];
        var compensated = values.Compensate(MySpill());
        for (var e = 0; e < 3; e++)
        {
            AssertClose(raw[e], [values[e, 2], values[e, 3], values[e, 4]]);
            AssertClose(comp[e], [compensated[e, 2], compensated[e, 3], compensated[e, 4]]);
        }
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            // float32 storage: half an ulp of the larger operand values involved.
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i])) + 1e-5, $"[{i}] {actual[i]} != {expected[i]}");
        }
    }

    [Fact]
    public void Csv_matrices_parse_in_every_exported_layout()
    {
        var complete = Spillover.Load(Transforms("comp_complete_example.csv"));
        Assert.Equal(14, complete.Count);
        Assert.Equal("Ax488-A", complete.Detectors[0]);
        Assert.Equal(0.2986, complete[0, 1]);

        var den = Spillover.Load(Transforms("den_comp.csv"));
        Assert.Equal(8, den.Count);
        Assert.Equal("TNFa FITC FLR-A", den.Detectors[0]);
        Assert.Equal(0.127012, den[1, 7]);

        var flowJoMac = Spillover.Load(SharedData.Fcs("flowCore/compdata/compmatrix")); // CR line ends, name line, "<>" line
        Assert.Equal(["FL1-H", "FL2-H", "FL3-H", "FL4-H"], flowJoMac.Detectors);
        Assert.Equal(1.13e-3, flowJoMac[0, 3]);
        Assert.Equal(7.95e-4, flowJoMac[3, 0]);

        var withRowNames = Spillover.Load(SharedData.Fcs("flowCore/compdata/compref")); // quoted, space separated, row names
        Assert.Equal(4, withRowNames.Count);
        Assert.Equal(0.242022277630705, withRowNames[0, 1]);

        var e = Assert.Throws<FormatException>(() => Spillover.Load(Transforms("test_comp_matrix_missing_row.csv")));
        Assert.Contains("13 rows for 14 detectors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flowkit_comp_example_compensates_and_decompensates_back()
    {
        var file = FcsFile.Read(SharedData.Fcs("FlowKit/test_comp_example.fcs"), new FcsReadOptions { TolerateEndDataOffByOne = true });
        var spill = Spillover.Load(Transforms("comp_complete_example.csv"));
        var values = file.ToChannelValues();
        var compensated = values.Compensate(spill);
        Assert.NotEqual(values[0, values.IndexOf("PE-A")], compensated[0, compensated.IndexOf("PE-A")]);
        compensated.DecompensateInPlace(spill);
        for (var c = 0; c < values.ChannelCount; c++)
        {
            var a = values.Column(c);
            var b = compensated.Column(c);
            var scale = 0f;
            foreach (var v in a)
            {
                scale = Math.Max(scale, Math.Abs(v));
            }

            for (var e = 0; e < a.Length; e++)
            {
                Assert.True(Math.Abs(a[e] - b[e]) <= 1e-5f * Math.Max(1, scale), $"{values.ChannelNames[c]}[{e}] {b[e]} != {a[e]}");
            }
        }
    }

    public static TheoryData<string> FilesWithSpillover()
    {
        var rows = SharedData.Manifest().Where(r => r["notes"].Contains("expected values:", StringComparison.Ordinal) && r["has_spillover"] is not ("none" or "")).Select(r => r["path"]).ToList();
        return rows.Count == 0 ? new TheoryData<string>("(../shared missing)") : new TheoryData<string>(rows);
    }

    [Theory]
    [MemberData(nameof(FilesWithSpillover))]
    public void Corpus_files_compensate_with_their_own_spillover(string path)
    {
        if (path.StartsWith('('))
        {
            SharedData.RequirePath();
        }

        var file = FcsFile.Read(SharedData.Fcs(path), FcsReadOptions.Lenient);
        var expected = JsonDocument.Parse(File.ReadAllText(SharedData.Fcs($"expected/{path}.json"))).RootElement;
        if (file.Spillover is null)
        {
            // Only files whose spillover keyword is itself malformed (Miltenyi: names, no values) or Beckman-only.
            Assert.True(expected.GetProperty("spillover").ValueKind == JsonValueKind.Null || expected.GetProperty("spillover").TryGetProperty("parse_error", out _));
            return;
        }

        var values = file.ToChannelValues();
        if (file.CompensatedAtAcquisition)
        {
            // Beckman FCS 2.0 listmode: the instrument applied $DFCiTOj already; compensating again is refused.
            Assert.Equal("$DFCiTOj", file.Spillover.Source);
            Assert.Contains("applied", Assert.Throws<CompensationException>(() => file.SpilloverToApply()).Message, StringComparison.Ordinal);
            return;
        }

        var missing = file.Spillover.Detectors.Where(d => values.IndexOf(d) < 0).ToList();
        if (missing.Count > 0)
        {
            // Anonymised files name a detector that is not a channel: refused, naming it.
            var e = Assert.Throws<CompensationException>(() => file.SpilloverToApply());
            Assert.Contains($"'{missing[0]}'", e.Message, StringComparison.Ordinal);
            Assert.Equal(file.SpilloverProblem, e.Message);
            return;
        }

        var spill = file.SpilloverToApply()!;
        var compensated = values.Compensate(spill);
        foreach (var c in Enumerable.Range(0, values.ChannelCount).Where(c => !spill.Detectors.Contains(values.ChannelNames[c])))
        {
            Assert.True(values.Column(c).SequenceEqual(compensated.Column(c)), "non-detector channels pass through");
        }
    }

    [Fact]
    public void Singular_matrix_is_refused_with_a_clear_message()
    {
        var s = new Spillover(["A", "B"], new double[,] { { 1, 2 }, { 0.5, 1 } });
        var e = Assert.Throws<CompensationException>(() => s.Inverse());
        Assert.Contains("singular", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Spillover(["A", "A"], new double[,] { { 1, 0 }, { 0, 1 } }));
        Assert.Throws<ArgumentException>(() => new Spillover(["A", "B"], new double[,] { { 1, double.NaN }, { 0, 1 } }));
        Assert.Throws<ArgumentException>(() => new Spillover(["A", "B"], new double[,] { { 1, 0, 0 }, { 0, 1, 0 } }));
    }

    [Property(MaxTest = 200)]
    public void Every_kernel_matches_the_scalar_twin_bit_for_bit(int seed)
    {
        var rng = new Random(seed);
        var p = rng.Next(1, 25);
        foreach (var n in new[] { rng.Next(0, 257), rng.Next(0, 40), 16 * rng.Next(0, 5) + rng.Next(0, 16) })
        {
            var names = Enumerable.Range(0, p + 1).Select(i => $"D{i}").ToArray();
            var m = new EventMatrix(n, names);
            for (var c = 0; c <= p; c++)
            {
                for (var e = 0; e < n; e++)
                {
                    m[e, c] = rng.Next(40) switch
                    {
                        0 => float.NaN,
                        1 => float.PositiveInfinity,
                        2 => -1e30f,
                        _ => (float)((rng.NextDouble() - 0.3) * 1e5),
                    };
                }
            }

            var matrix = Enumerable.Range(0, p * p).Select(i => i % (p + 1) == 0 ? 1.0 : rng.NextDouble() * 0.3 - 0.05).ToArray();
            var columns = Enumerable.Range(0, p).Select(i => i + 1).Reverse().ToArray(); // detectors in a different order from the columns
            var reference = m.Clone();
            CompensationExtensions.Apply(reference, columns, matrix, CompensateScalar.Run);
            foreach (var (name, _, kernel) in CompensateKernels.Registry.All)
            {
                var got = m.Clone();
                CompensationExtensions.Apply(got, columns, matrix, kernel);
                for (var c = 0; c <= p; c++)
                {
                    Assert.True(BitEqual(reference.Column(c), got.Column(c)), $"{name}: channel {c}, P={p}, n={n}");
                }

                // Out of place (as gating does): same bits in the destinations, sources untouched.
                var sources = columns.Select(c => m.Column(c).ToArray()).ToArray();
                var destinations = columns.Select(_ => Enumerable.Repeat(float.NaN, n).ToArray()).ToArray();
                CompensationExtensions.Apply(sources, destinations, n, matrix, kernel);
                for (var i = 0; i < columns.Length; i++)
                {
                    Assert.True(BitEqual(reference.Column(columns[i]), destinations[i]), $"{name} out of place: channel {columns[i]}, P={p}, n={n}");
                    Assert.True(BitEqual(m.Column(columns[i]), sources[i]), $"{name} out of place: source {columns[i]} changed");
                }
            }

            Assert.True(m.Column(0).SequenceEqual(reference.Column(0)), "non-detector column untouched");
        }
    }

    private static bool BitEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(a[i]) != BitConverter.SingleToUInt32Bits(b[i]) && !(float.IsNaN(a[i]) && float.IsNaN(b[i])))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public void Compensate_then_decompensate_returns_the_input(int seed)
    {
        var rng = new Random(seed);
        var p = rng.Next(1, 12);
        var s = new double[p, p];
        for (var i = 0; i < p; i++)
        {
            for (var j = 0; j < p; j++)
            {
                s[i, j] = i == j ? 1 : rng.NextDouble() * 0.2;
            }
        }

        var spill = new Spillover([.. Enumerable.Range(0, p).Select(i => $"D{i}")], s);
        var m = new EventMatrix(100, spill.Detectors);
        for (var c = 0; c < p; c++)
        {
            for (var e = 0; e < 100; e++)
            {
                m[e, c] = (float)(rng.NextDouble() * 1e4);
            }
        }

        var back = m.Compensate(spill);
        back.DecompensateInPlace(spill);
        for (var c = 0; c < p; c++)
        {
            for (var e = 0; e < 100; e++)
            {
                Assert.True(Math.Abs(m[e, c] - back[e, c]) <= 1e-6f * 1e4 * p, $"{m[e, c]} vs {back[e, c]}");
            }
        }
    }
}
