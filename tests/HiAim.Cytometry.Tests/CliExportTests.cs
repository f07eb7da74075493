using static HiAim.Cytometry.Tests.CliRunner;
using System.Globalization;
using HiAim.Cytometry.Cli;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

public sealed class CliExportTests
{
    private static string Temp(string ext) => Path.Combine(Path.GetTempPath(), $"hiaim-export-{Guid.NewGuid():N}{ext}");

    [Fact]
    public void Csv_has_pnn_header_and_round_trip_values_of_the_channel_values()
    {
        var input = SharedData.Fcs("FlowIO/data1.fcs");
        var csv = Temp(".csv");
        try
        {
            var (code, _, err) = Hiaim("export", input, "--out", csv);
            Assert.True(code == 0, err);
            var lines = File.ReadAllLines(csv);
            var file = FcsFile.Read(input);
            var values = file.ToChannelValues();
            Assert.Equal(string.Join(',', file.Channels.Select(c => c.Name)), lines[0]);
            Assert.Equal(file.EventCount + 1, lines.Length);
            foreach (var e in new[] { 0, 1, file.EventCount - 1 })
            {
                var cells = lines[e + 1].Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                for (var c = 0; c < values.ChannelCount; c++)
                {
                    Assert.Equal(values[e, c], cells[c]); // shortest round-trip text parses back to the same float
                }
            }
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void Compensated_fcs_output_matches_the_library()
    {
        var input = SharedData.Fcs("fcsparser/FACS_Diva/facs_diva_test.fcs");
        var output = Temp(".fcs");
        try
        {
            var (code, _, err) = Hiaim("export", input, "--compensate", "--out", output);
            Assert.True(code == 0, err);
            var source = FcsFile.Read(input);
            var expected = source.ToChannelValues().Compensate(source.Spillover!);
            var written = FcsFile.Read(output);
            Assert.Equal(source.Spillover!.Source, written.Keywords["HIAIM COMPENSATED"]);
            for (var c = 0; c < expected.ChannelCount; c++)
            {
                Assert.True(expected.Column(c).SequenceEqual(written.Events.Column(c)), $"channel {expected.ChannelNames[c]}");
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Compensate_without_spillover_is_a_clear_error()
    {
        var (code, _, err) = Hiaim("export", SharedData.Fcs("FlowIO/data1.fcs"), "--compensate", "--out", Temp(".csv"));
        Assert.Equal(2, code);
        Assert.Contains("no spillover", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("export")]
    [InlineData("export", "x.fcs")]
    [InlineData("export", "x.fcs", "--out")]
    [InlineData("export", "x.fcs", "--out", "y.csv", "--bogus")]
    public void Usage_errors_exit_2(params string[] args)
    {
        var (code, _, err) = Hiaim(args);
        Assert.Equal(2, code);
        Assert.EndsWith("run 'hiaim export --help'", err.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("Usage", err, StringComparison.Ordinal);
    }
}

public sealed class CliExportTransformTests
{
    [Theory]
    [InlineData("logicle:T=262144,W=0.5,M=4.5,A=0")]
    [InlineData("arcsinh:cofactor=150")]
    [InlineData("asinh:T=262144,M=4.5,A=0")]
    public void Transform_applies_to_the_compensated_detectors_only(string spec)
    {
        var input = SharedData.Fcs("fcsparser/FACS_Diva/facs_diva_test.fcs");
        var output = Path.Combine(Path.GetTempPath(), $"hiaim-export-{Guid.NewGuid():N}.fcs");
        try
        {
            var (code, _, err) = Hiaim("export", input, "--compensate", "--transform", spec, "--out", output);
            Assert.True(code == 0, err);
            var source = HiAim.Cytometry.Fcs.FcsFile.Read(input);
            var expected = HiAim.Cytometry.Compensation.CompensationExtensions.Compensate(source.ToChannelValues(), source.Spillover!);
            var transform = HiAim.Cytometry.Transforms.Transform.Parse(spec);
            var written = HiAim.Cytometry.Fcs.FcsFile.Read(output);
            Assert.Equal(spec, written.Keywords["HIAIM TRANSFORM"]);
            for (var c = 0; c < expected.ChannelCount; c++)
            {
                var isDetector = source.Spillover!.Detectors.Contains(expected.ChannelNames[c]);
                for (var e = 0; e < 50; e++)
                {
                    var want = isDetector ? (float)transform.Apply(expected[e, c]) : expected[e, c];
                    Assert.True(Math.Abs(want - written.Events[e, c]) <= 2e-6f * Math.Max(1, Math.Abs(want)), $"{expected.ChannelNames[c]}[{e}]: {written.Events[e, c]} != {want}");
                }
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData("logicle:T=262144,W=3,M=4.5")]
    [InlineData("nonsense")]
    [InlineData("asinh:T=abc,M=4")]
    public void Bad_spec_is_a_clear_error(string spec)
    {
        var (code, _, err) = Hiaim("export", SharedData.Fcs("fcsparser/FACS_Diva/facs_diva_test.fcs"), "--transform", spec, "--out", "never.csv");
        Assert.Equal(2, code);
        Assert.Contains("--transform", err, StringComparison.Ordinal);
        Assert.False(File.Exists("never.csv"));
    }
}
