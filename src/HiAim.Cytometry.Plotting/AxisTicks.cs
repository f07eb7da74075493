using System.Globalization;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Plotting;

/// <summary>One axis tick: its position in axis (transformed) units and its label in data units (empty for a minor tick).</summary>
/// <param name="Position">Position on the axis, in the dimension's transformed units.</param>
/// <param name="Label">Label in data units (e.g. <c>10³</c>); empty for a minor tick.</param>
public readonly record struct AxisTick(double Position, string Label)
{
    /// <summary>Whether the tick has a label.</summary>
    public bool IsMajor => Label.Length > 0;
}

/// <summary>
/// Axis ticks in data units for a dimension's scale: 0 and the decades ±10ⁿ (labelled 10², 10³, …, with unlabelled
/// 2–9 × 10ⁿ minor ticks) on a log-like scale (arcsinh, logicle, hyperlog, log, FlowJo), placed where the
/// transform puts them; round numbers (50K, 100K, …) on a linear scale or a dimension without transform.
/// </summary>
public static class AxisTicks
{
    private const string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /// <summary>The ticks of a dimension's axis over a range.</summary>
    /// <param name="dimension">The dimension (its transform decides the scale).</param>
    /// <param name="range">The visible range, in transformed units.</param>
    /// <returns>Ticks within the range, in increasing position.</returns>
    public static IReadOnlyList<AxisTick> For(Dimension dimension, AxisRange range)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        return For(dimension.Transform, range);
    }

    /// <summary>The ticks of an axis scaled by <paramref name="transform"/> over a range.</summary>
    /// <param name="transform">The scale; null for data values as they are.</param>
    /// <param name="range">The visible range, in transformed units.</param>
    /// <returns>Ticks within the range, in increasing position.</returns>
    public static IReadOnlyList<AxisTick> For(Transform? transform, AxisRange range)
    {
        if (!(range.Span > 0) || !double.IsFinite(range.Span))
        {
            return [];
        }

        return transform is null or LinearTransform ? Linear(transform, range) : Decades(transform, range);
    }

    /// <summary>A decade label: 0, 10, 10², −10³, …</summary>
    /// <param name="exponent">The power of ten.</param>
    /// <param name="negative">Whether the value is negative.</param>
    /// <returns>The label.</returns>
    public static string DecadeLabel(int exponent, bool negative)
    {
        var digits = exponent.ToString(CultureInfo.InvariantCulture);
        var power = exponent == 1 ? "10" : "10" + string.Concat(digits.Select(c => c == '-' ? '⁻' : Superscripts[c - '0']));
        return negative ? "−" + power : power;
    }

    private static List<AxisTick> Decades(Transform t, AxisRange range)
    {
        var candidates = new List<(double Position, double Value, int Exponent, bool Major)>();
        void Add(double value, int exponent, bool major)
        {
            var p = t.Apply(value);
            if (double.IsFinite(p) && range.Contains(p))
            {
                candidates.Add((p, value, exponent, major));
            }
        }

        // On scales that show 0 (arcsinh, logicle, …) decades below 10 crowd at 0: start at 10.
        var firstExponent = double.IsFinite(t.Apply(0)) ? 1 : -3;
        Add(0, 0, true);
        for (var e = firstExponent; e <= 9; e++)
        {
            var decade = Math.Pow(10, e);
            for (var m = 1; m <= 9; m++)
            {
                Add(m * decade, e, m == 1);
                Add(-m * decade, e, m == 1);
            }
        }

        candidates.Sort((a, b) => a.Position.CompareTo(b.Position));

        // Label 0 first, then decades outward from it; a decade closer than 9 % of the axis to a labelled one stays unlabelled.
        var labelled = new List<double>();
        var zeroIndex = candidates.FindIndex(c => c.Value == 0);
        var order = candidates
            .Select((c, i) => (c, i))
            .Where(x => x.c.Major)
            .OrderBy(x => x.c.Value == 0 ? 0 : 1)
            .ThenBy(x => Math.Abs(x.c.Value) < 1 ? 1 : 0)
            .ThenBy(x => zeroIndex < 0 ? -Math.Abs(x.c.Value) : Math.Abs(x.c.Value))
            .ToList();
        var labels = new Dictionary<int, string>();
        foreach (var (c, i) in order)
        {
            if (labelled.All(p => Math.Abs(p - c.Position) >= 0.09 * range.Span))
            {
                labelled.Add(c.Position);
                labels[i] = c.Value == 0 ? "0" : DecadeLabel(c.Exponent, c.Value < 0);
            }
        }

        return [.. candidates.Select((c, i) => new AxisTick(c.Position, labels.GetValueOrDefault(i, string.Empty)))];
    }

    private static List<AxisTick> Linear(Transform? t, AxisRange range)
    {
        double lo = t?.Inverse(range.Min) ?? range.Min, hi = t?.Inverse(range.Max) ?? range.Max;
        // The roundest step that gives at most 6 intervals.
        var raw = (hi - lo) / 6;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        var ticks = new List<AxisTick>();
        for (var k = Math.Ceiling(lo / step); k * step <= hi; k++)
        {
            var v = k * step;
            var minor = v + (step / 2);
            ticks.Add(new AxisTick(t?.Apply(v) ?? v, Format(v, step)));
            if (minor <= hi)
            {
                ticks.Add(new AxisTick(t?.Apply(minor) ?? minor, string.Empty));
            }
        }

        return ticks;
    }

    private static string Format(double v, double step)
    {
        var inv = CultureInfo.InvariantCulture;
        if (Math.Abs(v) < step / 1e6)
        {
            return "0";
        }

        return Math.Abs(v) >= 1000 && step >= 100 ? (v / 1000).ToString("0.#", inv) + "K" : v.ToString("G6", inv);
    }
}
