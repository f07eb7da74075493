using System.Globalization;
using ScottPlot;

namespace HiAim.Cytometry.Plotting;

/// <summary>One patient's value of a population at one timepoint (e.g. NK cells/µL at "mid").</summary>
/// <param name="Patient">Patient id.</param>
/// <param name="Arm">Trial arm.</param>
/// <param name="Timepoint">Timepoint name; one of the plot's timepoints.</param>
/// <param name="Value">The value; NaN when missing (the patient's line skips it).</param>
public sealed record CohortPoint(string Patient, string Arm, string Timepoint, double Value);

/// <summary>
/// The trial-outcome picture: a population's value (cells/µL) per timepoint, one thin line per patient coloured by
/// arm, and a thick line through each arm's median per timepoint.
/// </summary>
public sealed class CohortPlot : CytometryPlot
{
    private static readonly Color[] ArmColors = [Color.FromHex("#1F77B4"), Color.FromHex("#D62728"), Color.FromHex("#2CA02C"), Color.FromHex("#9467BD"), Color.FromHex("#FF7F0E"), Color.FromHex("#8C564B")];
    private readonly List<CohortPoint> _points;
    private readonly Dictionary<string, double[]> _medians = new(StringComparer.Ordinal);

    /// <summary>Creates a cohort plot.</summary>
    /// <param name="population">Population name, for the title (e.g. <c>NK</c>).</param>
    /// <param name="points">Values; points at a timepoint not in <paramref name="timepoints"/> are ignored.</param>
    /// <param name="timepoints">Timepoints in order (left to right).</param>
    public CohortPlot(string population, IEnumerable<CohortPoint> points, IReadOnlyList<string> timepoints)
        : base(640, 420)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(population);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(timepoints);
        if (timepoints.Count == 0 || timepoints.Distinct(StringComparer.Ordinal).Count() != timepoints.Count)
        {
            throw new ArgumentException("Give at least one timepoint, each once.", nameof(timepoints));
        }

        Population = population;
        Timepoints = [.. timepoints];
        _points = [.. points.Where(p => Timepoints.Contains(p.Timepoint))];
        Arms = [.. _points.Select(p => p.Arm).Distinct(StringComparer.Ordinal)];
        foreach (var arm in Arms)
        {
            _medians[arm] = [.. Timepoints.Select(t => Median(_points.Where(p => p.Arm == arm && p.Timepoint == t && double.IsFinite(p.Value)).Select(p => p.Value)))];
        }

        var finite = _points.Where(p => double.IsFinite(p.Value)).Select(p => p.Value).DefaultIfEmpty(1).ToList();
        var max = Math.Max(finite.Max(), 1e-9);
        XRange = new AxisRange(-0.4, Timepoints.Count - 0.6);
        YRange = new AxisRange(Math.Min(0, finite.Min()), max * 1.08);
        Title = $"{population}: {ValueLabel} per timepoint";
        YLabel = $"{population} {ValueLabel}";
        XLabel = "timepoint";
    }

    /// <summary>Population name.</summary>
    public string Population { get; }

    /// <summary>Unit of the values, shown in the title and axis label (default cells/µL).</summary>
    public string ValueLabel { get; init; } = "cells/µL";

    /// <summary>Timepoints in order.</summary>
    public IReadOnlyList<string> Timepoints { get; }

    /// <summary>Arms in order of first appearance.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>An arm's median per timepoint (NaN where it has no value).</summary>
    /// <param name="arm">The arm.</param>
    /// <returns>One median per <see cref="Timepoints"/> entry.</returns>
    public IReadOnlyList<double> Medians(string arm) =>
        _medians.TryGetValue(arm, out var m) ? m : throw new KeyNotFoundException($"No arm '{arm}'; arms: {string.Join(", ", Arms)}.");

    /// <summary>The colour of an arm's lines, as <c>#RRGGBB</c>.</summary>
    /// <param name="arm">The arm.</param>
    /// <returns>Hex colour.</returns>
    public string ArmColor(string arm)
    {
        var i = Arms.ToList().IndexOf(arm);
        return i < 0 ? throw new KeyNotFoundException($"No arm '{arm}'.") : ArmColors[i % ArmColors.Length].ToHex()[..7];
    }

    private protected override bool ShowGrid => true;

    private protected override IReadOnlyList<AxisTick> XTicks() => [.. Timepoints.Select((t, i) => new AxisTick(i, t))];

    private protected override IReadOnlyList<AxisTick> YTicks() => AxisTicks.For((Transforms.Transform?)null, YRange);

    private protected override void Populate(Plot plot)
    {
        var index = Timepoints.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        for (var a = 0; a < Arms.Count; a++)
        {
            var arm = Arms[a];
            var color = ArmColors[a % ArmColors.Length];

            // Arms side by side a little, so their points do not hide each other.
            var shift = Arms.Count == 1 ? 0 : (a - ((Arms.Count - 1) / 2.0)) * 0.08;
            foreach (var patient in _points.Where(p => p.Arm == arm).GroupBy(p => p.Patient, StringComparer.Ordinal))
            {
                var line = patient.Where(p => double.IsFinite(p.Value)).OrderBy(p => index[p.Timepoint]).Select(p => new Coordinates(index[p.Timepoint] + shift, p.Value)).ToArray();
                if (line.Length == 0)
                {
                    continue;
                }

                var s = plot.Add.Scatter(line, color.WithAlpha(0.3));
                s.LineWidth = 1;
                s.MarkerSize = 3;
            }

            var medians = _medians[arm].Select((m, i) => new Coordinates(i + shift, m)).Where(c => double.IsFinite(c.Y)).ToArray();
            if (medians.Length > 0)
            {
                var m = plot.Add.Scatter(medians, color);
                m.LineWidth = 4;
                m.MarkerSize = 9;
                var patients = _points.Where(p => p.Arm == arm).Select(p => p.Patient).Distinct(StringComparer.Ordinal).Count();
                m.LegendText = string.Create(CultureInfo.InvariantCulture, $"{arm} median (n = {patients})");
            }
        }

        plot.Legend.FontName = PlotFonts.Family;
        plot.Legend.FontSize = 11;
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
