using static HiAim.Cytometry.Tests.CliRunner;
using HiAim.Cytometry.Cli;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

public sealed class CliSimulateTests
{
    private static string TempDir() => Path.Combine(Path.GetTempPath(), $"hiaim-simcli-{Guid.NewGuid():N}");

    [Fact]
    public void Simulate_writes_files_truth_and_sample_sheet_and_prints_one_line()
    {
        var dir = TempDir();
        try
        {
            var (code, stdout, err) = Hiaim("simulate", "--out", dir, "--patients", "2", "--timepoints", "pre,post", "--events", "800", "--seed", "3", "--nk-effect", "15");
            Assert.True(code == 0, err);
            Assert.Equal(string.Empty, err);
            Assert.Single(stdout.TrimEnd().Split('\n'));
            Assert.StartsWith("hiaim: simulated 4 files (2 patients × 2 timepoints [pre,post], 800 events each, seed 3, NK effect 15 %/timepoint", stdout, StringComparison.Ordinal);
            Assert.Equal(["P001_post.fcs", "P001_pre.fcs", "P002_post.fcs", "P002_pre.fcs", "samples.csv", "truth.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var file = FcsFile.Read(Path.Combine(dir, "P002_post.fcs"));
            Assert.Equal(800, file.EventCount);
            Assert.Equal("3", file.Keywords["HIAIM SIM SEED"]);
            Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, "truth.csv")).Length);
            Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, "samples.csv")).Length);

            // Same arguments, other thread count: the same bytes.
            var again = TempDir();
            try
            {
                Assert.Equal(0, Hiaim("simulate", "--out", again, "--patients", "2", "--timepoints", "pre,post", "--events", "800", "--seed", "3", "--nk-effect", "15", "--threads", "1").Code);
                foreach (var name in Directory.GetFiles(dir).Select(Path.GetFileName))
                {
                    Assert.Equal(File.ReadAllBytes(Path.Combine(dir, name!)), File.ReadAllBytes(Path.Combine(again, name!)));
                }
            }
            finally
            {
                Directory.Delete(again, true);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("needs --out DIR")]
    [InlineData("--patients needs an integer", "--patients", "0")]
    [InlineData("--patients needs an integer", "--patients", "two")]
    [InlineData("--events needs an integer", "--events", "-5")]
    [InlineData("--seed needs a non-negative integer", "--seed", "-1")]
    [InlineData("--nk-effect needs a percentage", "--nk-effect", "-100")]
    [InlineData("--nk-effect needs a percentage", "--nk-effect", "lots")]
    [InlineData("--threads needs a positive integer", "--threads", "0")]
    [InlineData("appears twice", "--timepoints", "pre,pre")]
    [InlineData("becomes part of a file name", "--timepoints", "pre,../x")]
    [InlineData("unknown option '--bogus'", "--bogus")]
    [InlineData("--patients needs a value", "--patients")]
    [InlineData("takes no FILE arguments", "extra.fcs")]
    public void Bad_arguments_exit_2_with_a_clear_message(string message, params string[] extra)
    {
        var dir = TempDir();
        string[] args = extra.Length > 0 && extra[0] == "--patients" && extra.Length == 1
            ? ["simulate", "--out", dir, .. extra]
            : message == "needs --out DIR" ? ["simulate", "--patients", "2"] : ["simulate", "--out", dir, .. extra];
        var (code, _, err) = Hiaim(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Out_naming_an_existing_file_exits_2()
    {
        var path = Path.GetTempFileName();
        try
        {
            var (code, _, err) = Hiaim("simulate", "--out", path, "--patients", "1", "--events", "10");
            Assert.Equal(2, code);
            Assert.Contains(path, err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Usage_lists_simulate()
    {
        var (code, stdout, _) = Hiaim("--help");
        Assert.Equal(0, code);
        Assert.Contains("hiaim simulate --out DIR", stdout, StringComparison.Ordinal);
    }
}
