namespace HiAim.Cytometry.Cli;

/// <summary>Entry point of the <c>hiaim</c> tool.</summary>
internal static class Program
{
    private static int Main(string[] args) => HiaimCli.Run(args, Console.Out, Console.Error);
}
