using HiAim.Cytometry.Cli;

namespace HiAim.Cytometry.Tests;

/// <summary>Runs <c>hiaim</c> in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Hiaim(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = HiaimCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
