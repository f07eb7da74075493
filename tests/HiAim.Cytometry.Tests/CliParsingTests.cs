using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests;

/// <summary>The argument layer (System.CommandLine): per-command help, "did you mean", completions, option syntax.</summary>
public sealed class CliParsingTests
{
    [Theory]
    [InlineData("gate", "--help")]
    [InlineData("gate", "-h")]
    [InlineData("gate", "x.fcs", "--strategy", "s.xml", "--help")]
    [InlineData("gate", "--jsn", "--help")]
    public void Command_help_is_that_commands_help(params string[] args)
    {
        var (code, stdout, stderr) = Hiaim(args);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("hiaim gate FILE... --strategy GATES.xml", stdout, StringComparison.Ordinal);
        Assert.Contains("--tolerate-truncated", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hiaim count ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option '--jsn' for gate; did you mean '--json'?", "gate", "x.fcs", "--strategy", "s.xml", "--jsn")]
    [InlineData("unknown option '--tolerate-truncate' for info; did you mean '--tolerate-truncated'?", "info", "x.fcs", "--tolerate-truncate")]
    [InlineData("unknown option '--stratgy' for count; did you mean '--strategy'?", "count", "dir", "--out", "o", "--stratgy=s.xml")]
    [InlineData("unknown command 'gat'; did you mean 'gate'?", "gat", "x.fcs")]
    [InlineData("unknown option '--bogus' for info", "info", "x.fcs", "--bogus")]
    public void A_misspelt_name_is_refused_with_the_close_ones(string message, params string[] args)
    {
        var (code, stdout, stderr) = Hiaim(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal($"hiaim: {message}", lines[0]);
        Assert.StartsWith("run 'hiaim ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_double_dash_an_option_like_argument_is_a_file()
    {
        var (code, _, stderr) = Hiaim("info", "--", "--json");
        Assert.Equal(2, code);
        Assert.Contains("--json", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown option", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Suggest_directive_completes_options_and_commands()
    {
        var line = "hiaim gate --js";
        var (code, stdout, stderr) = Hiaim($"[suggest:{line.Length}]", line);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(["--json"], stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));

        line = "hiaim co";
        (code, stdout, _) = Hiaim($"[suggest:{line.Length}]", line);
        Assert.Equal(0, code);
        Assert.Contains("count", stdout.ReplaceLineEndings("\n").Split('\n'));

        line = "hiaim count --tolerate-";
        (_, stdout, _) = Hiaim($"[suggest:{line.Length}]", line);
        Assert.Contains("--tolerate-truncated", stdout.ReplaceLineEndings("\n").Split('\n'));

        line = "hiaim plot x.fcs --panel ";
        (_, stdout, _) = Hiaim($"[suggest:{line.Length}]", line);
        Assert.Equal(["nk", "tbnk"], stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Option_values_may_follow_an_equals_sign_and_an_option_missing_its_value_is_named()
    {
        var (code, _, stderr) = Hiaim("info", "x.fcs", "--dataset=abc");
        Assert.Equal(2, code);
        Assert.StartsWith("hiaim: --dataset needs a non-negative integer", stderr, StringComparison.Ordinal);

        (code, _, stderr) = Hiaim("gate", "x.fcs", "--strategy");
        Assert.Equal(2, code);
        Assert.StartsWith("hiaim: --strategy needs a value", stderr, StringComparison.Ordinal);
    }
}
