using System.Globalization;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Statistics;

namespace HiAim.Cytometry.Panels;

/// <summary>An interval of the acquisition whose event rate was far from the tube's median rate (a clog, a flow-rate drop or burst).</summary>
/// <param name="StartTime">Start, in seconds when the file has <c>$TIMESTEP</c> (the Time channel × <c>$TIMESTEP</c>, as
/// <see cref="Fcs.FcsFile.ToChannelValues"/> gives it), else in Time-channel units.</param>
/// <param name="EndTime">End, in the same unit.</param>
/// <param name="Events">Events acquired in the interval (0 for a clog that stopped the flow).</param>
/// <param name="RateDeviationPercent">100 · (events − median events per interval) / median: negative for a drop, positive for a burst.</param>
public sealed record UnstableInterval(double StartTime, double EndTime, int Events, double RateDeviationPercent);

/// <summary>
/// Acquisition stability over Time, in the spirit of flowAI's flow-rate check and PeacoQC: the acquisition is cut into
/// equal Time intervals (one per 500 events on average, 8 to 200 of them), events are counted per interval, and an
/// interval whose count is more than max(5 robust SD, 20 % of the median) from the median count is unstable. Robust SD =
/// 1.4826 · MAD over the intervals, so a few bad intervals do not widen the limit; the 20 % floor keeps Poisson noise
/// (±4.5 % at 500 events) and slow drifts a lab tolerates quiet on long tubes. One pass over Time: O(n), deterministic.
/// </summary>
internal static class AcquisitionStability
{
    /// <summary>Events per interval on average, and the fewest intervals worth judging (a tube below 8 × 500 events is not assessed).</summary>
    public const int EventsPerInterval = 500, MinIntervals = 8, MaxIntervals = 200;

    /// <summary>Robust SDs, and the smallest relative deviation in percent, that make an interval unstable.</summary>
    public const double RobustSds = 5, MinDeviationPercent = 20;

    /// <summary>The unstable intervals of one tube and the events in them.</summary>
    /// <param name="Intervals">The unstable intervals in Time order.</param>
    /// <param name="Unstable">Events acquired in an unstable interval.</param>
    /// <param name="Total">Intervals the acquisition was cut into.</param>
    /// <param name="MedianEvents">Median events per interval.</param>
    /// <param name="LimitPercent">The deviation limit used, percent of the median.</param>
    public sealed record Assessment(IReadOnlyList<UnstableInterval> Intervals, EventBitset Unstable, int Total, double MedianEvents, double LimitPercent)
    {
        /// <summary>The largest |deviation| of an unstable interval, percent.</summary>
        public double WorstDeviationPercent => Intervals.Count == 0 ? 0 : Intervals.Max(i => Math.Abs(i.RateDeviationPercent));
    }

    /// <summary>Assesses a non-decreasing Time column; null when there are too few events or Time does not advance.</summary>
    public static Assessment? Assess(ReadOnlySpan<float> time)
    {
        var n = time.Length;
        var k = Math.Min(MaxIntervals, n / EventsPerInterval);
        if (k < MinIntervals || !(time[n - 1] > time[0]))
        {
            return null;
        }

        double t0 = time[0], width = (time[n - 1] - t0) / k;
        var counts = new int[k];
        for (var i = 0; i < n; i++)
        {
            counts[Bin(time[i], t0, width, k)]++;
        }

        var sorted = counts.Select(c => (double)c).ToArray();
        var median = Density.Select(sorted, k / 2);
        for (var i = 0; i < k; i++)
        {
            sorted[i] = Math.Abs(counts[i] - median);
        }

        var sd = 1.4826 * Density.Select(sorted, k / 2);
        var limit = Math.Max(RobustSds * sd, MinDeviationPercent / 100 * median);
        var unstable = new bool[k];
        var intervals = new List<UnstableInterval>();
        for (var b = 0; b < k; b++)
        {
            if (Math.Abs(counts[b] - median) > limit)
            {
                unstable[b] = true;
                intervals.Add(new UnstableInterval(t0 + (b * width), t0 + ((b + 1) * width), counts[b], median == 0 ? double.PositiveInfinity : 100 * (counts[b] - median) / median));
            }
        }

        var mask = new EventBitset(n);
        if (intervals.Count > 0)
        {
            for (var i = 0; i < n; i++)
            {
                if (unstable[Bin(time[i], t0, width, k)])
                {
                    mask[i] = true;
                }
            }
        }

        return new Assessment(intervals, mask, k, median, median == 0 ? 0 : 100 * limit / median);
    }

    private static int Bin(float t, double t0, double width, int k) => Math.Clamp((int)((t - t0) / width), 0, k - 1);

    /// <summary>The <see cref="QcCheck.AcquisitionUnstable"/> flag: intervals, their share of events, and the reported counts with and without them.</summary>
    public static QcFlag Flag(Assessment a, int totalEvents, IReadOnlyList<PopulationCount> with, IReadOnlyList<PopulationCount> without)
    {
        var inv = CultureInfo.InvariantCulture;
        var share = totalEvents == 0 ? 0 : 100.0 * a.Unstable.Count / totalEvents;
        var ranges = string.Join(", ", a.Intervals.Take(5).Select(i => string.Create(inv, $"Time {i.StartTime:0.##}–{i.EndTime:0.##} ({i.Events} events, {i.RateDeviationPercent:+0;-0} %)")))
            + (a.Intervals.Count > 5 ? string.Create(inv, $", +{a.Intervals.Count - 5} more") : string.Empty);
        var counts = string.Join(", ", with.Zip(without).Select(p => string.Create(inv, $"{p.First.Name} {p.First.Events}→{p.Second.Events}")));
        return new QcFlag(
            QcCheck.AcquisitionUnstable,
            string.Create(inv, $"event rate unstable in {a.Intervals.Count} of {a.Total} Time intervals (median {a.MedianEvents:F0} events each, limit ±{a.LimitPercent:F0} %): {ranges}; {share:F1} % of events; counts with→without them: {counts}"),
            a.WorstDeviationPercent,
            string.Create(inv, $"≤ {a.LimitPercent:F0} % from the median rate"));
    }
}
