using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Statistics;

/// <summary>
/// Summary statistics of a population on one dimension. NaN values are left out of every
/// statistic; <see cref="GeometricMean"/> uses the positive values only. Percentiles interpolate
/// linearly between order statistics (position p·(n − 1), as numpy's default and R's type 7).
/// <see cref="RobustCv"/> = 100 · ½ (P84.13 − P15.87) / median: for a normal distribution it equals the CV.
/// Every statistic is NaN when no value qualifies.
/// </summary>
/// <param name="Count">Number of member events with a non-NaN value.</param>
/// <param name="Median">Median.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="GeometricMean">exp(mean(ln x)) over the positive values.</param>
/// <param name="RobustCv">Robust coefficient of variation, in percent.</param>
public readonly record struct PopulationStatistics(int Count, double Median, double Mean, double GeometricMean, double RobustCv)
{
    internal static PopulationStatistics Of(float[] column, EventBitset members)
    {
        var values = new List<double>(members.Count);
        foreach (var i in members.ToIndices())
        {
            var v = column[i];
            if (!float.IsNaN(v))
            {
                values.Add(v);
            }
        }

        if (values.Count == 0)
        {
            return new(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        values.Sort();
        double sum = 0, logSum = 0;
        var positives = 0;
        foreach (var v in values)
        {
            sum += v;
            if (v > 0)
            {
                logSum += Math.Log(v);
                positives++;
            }
        }

        var median = Percentile(values, 0.5);
        var rcv = 100 * 0.5 * (Percentile(values, 0.8413) - Percentile(values, 0.1587)) / median;
        return new(values.Count, median, sum / values.Count, positives == 0 ? double.NaN : Math.Exp(logSum / positives), rcv);
    }

    /// <summary>The <paramref name="p"/> quantile of sorted values, interpolated linearly between order statistics at
    /// position p·(n − 1) (numpy's default, R's type 7), as every statistic here uses.</summary>
    /// <param name="sorted">Values in ascending order; not empty.</param>
    /// <param name="p">Probability in [0, 1].</param>
    /// <returns>The quantile.</returns>
    /// <exception cref="ArgumentException"><paramref name="sorted"/> is empty, or <paramref name="p"/> is outside [0, 1].</exception>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count, nameof(sorted));
        if (!(p is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability in [0, 1].");
        }

        var pos = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
