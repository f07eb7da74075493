namespace HiAim.Cytometry.Tests;

/// <summary>Keeps docs/ in step with the code it describes.</summary>
public class DocsTests
{
    [Fact]
    public void CliReference_UsageBlock_IsTheToolsHelpText()
    {
        var repo = SharedData.RepositoryRoot();
        Assert.SkipWhen(repo is null, "the repository root (HiAim.Cytometry.sln) is not above the test binaries");
        var doc = File.ReadAllText(Path.Combine(repo!, "docs", "cli.md")).ReplaceLineEndings("\n");
        var begin = doc.IndexOf("<!-- usage:begin -->\n```text\n", StringComparison.Ordinal);
        var end = doc.IndexOf("```\n<!-- usage:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/cli.md lost its <!-- usage:begin --> ```text ... ``` <!-- usage:end --> block");

        var documented = doc[(begin + "<!-- usage:begin -->\n```text\n".Length)..end].TrimEnd();
        var help = CliRunner.Hiaim("--help").Out.ReplaceLineEndings("\n").TrimEnd();
        Assert.True(
            documented == help,
            "docs/cli.md's usage block differs from `hiaim --help` (HiaimCli.Usage): paste the help text between the usage markers.");
    }
}
