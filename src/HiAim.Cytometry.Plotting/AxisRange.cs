using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Plotting;

/// <summary>The visible range of one axis, in the dimension's own (transformed) units.</summary>
/// <param name="Min">Left or bottom end.</param>
/// <param name="Max">Right or top end (greater than <paramref name="Min"/>).</param>
public readonly record struct AxisRange(double Min, double Max)
{
    /// <summary>Max − Min.</summary>
    public double Span => Max - Min;

    /// <summary>Whether <paramref name="value"/> lies within the range (ends included).</summary>
    /// <param name="value">A value in axis units.</param>
    /// <returns>True when Min ≤ value ≤ Max.</returns>
    public bool Contains(double value) => value >= Min && value <= Max;

    /// <summary>
    /// A range that shows a population on a dimension: from the 0.1st to the 99.9th percentile of its
    /// values (at most 65,536 evenly spaced events are read), widened by 4 % each side; a transformed
    /// axis also shows data value 0, and a scatter axis (no transform) starts at 0.
    /// </summary>
    /// <param name="gating">The gated sample.</param>
    /// <param name="dimension">The dimension.</param>
    /// <param name="populationId">The population whose events are shown; null for all events.</param>
    /// <returns>The range.</returns>
    public static AxisRange For(GatingResult gating, Dimension dimension, string? populationId = null)
    {
        ArgumentNullException.ThrowIfNull(gating);
        ArgumentNullException.ThrowIfNull(dimension);
        var members = populationId is null ? null : gating[populationId].Members;
        return Of(gating.Values(dimension).Span, members, dimension);
    }

    internal static AxisRange Of(ReadOnlySpan<float> values, EventBitset? members, Dimension dimension)
    {
        var sample = EventSelection.Sample(values, members, 65_536);
        double lo, hi;
        if (sample.Count == 0)
        {
            lo = 0;
            hi = 1;
        }
        else
        {
            sample.Sort();
            lo = sample[(int)Math.Floor(0.001 * (sample.Count - 1))];
            hi = sample[(int)Math.Ceiling(0.999 * (sample.Count - 1))];
        }

        if (dimension.Transform is { } t)
        {
            var zero = t.Apply(0);
            if (double.IsFinite(zero))
            {
                lo = Math.Min(lo, zero);
                hi = Math.Max(hi, zero);
            }
        }
        else if (lo >= 0)
        {
            lo = 0;
        }

        if (!(hi > lo))
        {
            var half = Math.Max(Math.Abs(lo) * 0.05, 0.5);
            return new AxisRange(lo - half, hi + half);
        }

        var pad = 0.04 * (hi - lo);
        return new AxisRange(dimension.Transform is null && lo == 0 ? 0 : lo - pad, hi + pad);
    }
}
