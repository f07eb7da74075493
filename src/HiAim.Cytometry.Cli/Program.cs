namespace HiAim.Cytometry.Cli;

/// <summary>Entry point of the <c>hiaim</c> tool.</summary>
internal static class Program
{
    /// <summary>When <c>Main</c> was entered (<see cref="System.Diagnostics.Stopwatch"/> ticks), for <c>HIAIM_TIMING</c>.</summary>
    internal static long MainEntered { get; private set; }

    private static int Main(string[] args)
    {
        MainEntered = System.Diagnostics.Stopwatch.GetTimestamp();
        return HiaimCli.Run(args, Console.Out, Console.Error);
    }
}
