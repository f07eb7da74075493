using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Compensation;

/// <summary>
/// Compensation of events by a <see cref="Spillover"/>: the detector channels of each event are
/// multiplied by the inverse spillover matrix; every other channel passes through unchanged.
/// </summary>
public static class CompensationExtensions
{
    /// <summary>Returns compensated copies of the events (the input is unchanged).</summary>
    /// <param name="events">Events (channel values).</param>
    /// <param name="spillover">Spillover whose detectors are channels of <paramref name="events"/>.</param>
    /// <returns>A new matrix.</returns>
    /// <exception cref="KeyNotFoundException">A detector is not a channel of the events.</exception>
    /// <exception cref="CompensationException">The spillover matrix cannot be inverted.</exception>
    public static EventMatrix Compensate(this EventMatrix events, Spillover spillover)
    {
        ArgumentNullException.ThrowIfNull(events);
        var copy = events.Clone();
        copy.CompensateInPlace(spillover);
        return copy;
    }

    /// <summary>Compensates the events in place.</summary>
    /// <param name="events">Events (channel values).</param>
    /// <param name="spillover">Spillover whose detectors are channels of <paramref name="events"/>.</param>
    public static void CompensateInPlace(this EventMatrix events, Spillover spillover)
    {
        ArgumentNullException.ThrowIfNull(spillover);
        Apply(events, spillover.ColumnsIn(events), spillover.InverseRowMajor(), CompensateKernels.Best);
    }

    /// <summary>Undoes compensation in place (multiplies by the spillover matrix itself): what the detectors saw.</summary>
    /// <param name="events">Compensated events.</param>
    /// <param name="spillover">The spillover used to compensate them.</param>
    public static void DecompensateInPlace(this EventMatrix events, Spillover spillover)
    {
        ArgumentNullException.ThrowIfNull(spillover);
        var n = spillover.Count;
        var m = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[(i * n) + j] = spillover[i, j];
            }
        }

        Apply(events, spillover.ColumnsIn(events), m, CompensateKernels.Best);
    }

    internal static void Apply(EventMatrix events, int[] columns, double[] matrix, CompensateKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(events);
        var arrays = new float[columns.Length][];
        for (var i = 0; i < arrays.Length; i++)
        {
            arrays[i] = events.ColumnArray(columns[i]);
        }

        Apply(arrays, arrays, events.EventCount, matrix, kernel);
    }

    /// <summary>Compensates <paramref name="sources"/> (detector order of <paramref name="matrix"/>) into
    /// <paramref name="destinations"/>, events [0, <paramref name="eventCount"/>); the destinations may be the
    /// sources (in place). Out of place saves copying the sources first when they must stay as they are.</summary>
    internal static void Apply(float[][] sources, float[][] destinations, int eventCount, double[] matrix, CompensateKernel kernel)
    {
        using var pass = new CompensationPass(sources, destinations, matrix, kernel);
        pass.Run(0, eventCount);
    }
}
