using System.Diagnostics;

namespace HiAim.Cytometry.Internals;

/// <summary>Stages timed by <see cref="StageClock"/>.</summary>
internal enum Stage
{
    Compensate = 0,
    Transform = 1,
}

/// <summary>
/// Opt-in per-thread stage timing for cohort runs (share of time in compensation and transforms inside
/// placement and gating). Off by default: then <see cref="Start"/> costs one static read.
/// </summary>
internal static class StageClock
{
    [ThreadStatic]
    private static long[]? t_ticks;

    /// <summary>Whether timing is on (process-wide).</summary>
    public static bool Enabled { get; set; }

    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Stop(Stage stage, long start)
    {
        if (start != 0)
        {
            (t_ticks ??= new long[2])[(int)stage] += Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>This thread's totals in Stopwatch ticks since the last call, then reset.</summary>
    public static (long Compensate, long Transform) Take()
    {
        var t = t_ticks;
        t_ticks = null;
        return t is null ? (0, 0) : (t[0], t[1]);
    }
}
