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

    [Fact]
    public void Readme_example_is_the_quickstart_sample_that_CI_runs()
    {
        var repo = SharedData.RepositoryRoot();
        Assert.SkipWhen(repo is null, "the repository root (HiAim.Cytometry.sln) is not above the test binaries");
        var readme = File.ReadAllText(Path.Combine(repo!, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no csharp example");
        start += "```csharp\n".Length;
        var block = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)].TrimEnd('\n').Split('\n');

        var sample = File.ReadAllText(Path.Combine(repo!, "samples", "quickstart.cs")).ReplaceLineEndings("\n").Split('\n');
        var usings = sample.Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        var begin = Array.IndexOf(sample, "// README:begin");
        var end = Array.IndexOf(sample, "// README:end");
        Assert.True(begin >= 0 && end > begin, "samples/quickstart.cs lost its // README:begin / // README:end markers");

        Assert.Equal(usings, block.Where(l => l.StartsWith("using ", StringComparison.Ordinal)));
        Assert.Equal(sample[(begin + 1)..end], block.Where(l => !l.StartsWith("using ", StringComparison.Ordinal) && l.Length > 0));
    }
}
