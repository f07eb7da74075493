using System.Diagnostics;

namespace HiAim.Cytometry;

/// <summary>A stage timed by <see cref="StageTimings"/>.</summary>
internal enum Stage
{
    Compensate = 0,
    Transform = 1,
}

/// <summary>
/// Time spent compensating and transforming, summed over the samples (and threads) that were given this object: pass one
/// in <see cref="Panels.PanelRunOptions.Timings"/> or <see cref="Batch.BatchOptions.Timings"/> to see where a run's
/// time goes. Nothing is timed unless one is given (no process-wide switch). Safe to share between threads.
/// </summary>
public sealed class StageTimings
{
    private long _compensate;
    private long _transform;

    /// <summary>Time spent applying spillover compensation.</summary>
    public TimeSpan Compensate => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _compensate));

    /// <summary>Time spent applying transforms (scales) to channel values.</summary>
    public TimeSpan Transform => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _transform));

    /// <summary>Adds another object's totals to this one's.</summary>
    /// <param name="other">The totals to add.</param>
    public void Add(StageTimings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Interlocked.Add(ref _compensate, Interlocked.Read(ref other._compensate));
        Interlocked.Add(ref _transform, Interlocked.Read(ref other._transform));
    }

    /// <summary>A timestamp when <paramref name="timings"/> is given, else 0 (and nothing is read from the clock).</summary>
    internal static long Start(StageTimings? timings) => timings is null ? 0 : Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> to <paramref name="stage"/>.</summary>
    internal void Stop(Stage stage, long start)
    {
        var elapsed = Stopwatch.GetTimestamp() - start;
        Interlocked.Add(ref stage == Stage.Compensate ? ref _compensate : ref _transform, elapsed);
    }
}
