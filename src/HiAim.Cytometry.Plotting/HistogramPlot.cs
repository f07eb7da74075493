using System.Globalization;
using HiAim.Cytometry.Gating;
using ScottPlot;

namespace HiAim.Cytometry.Plotting;

/// <summary>
/// A histogram of one dimension of a population (in transformed units, ticks in data units) with range gates:
/// each gate's ends as vertical lines and a labelled bracket with the population name and % of parent.
/// </summary>
public sealed class HistogramPlot : CytometryPlot
{
    private int _bins = 256;

    /// <summary>Creates a histogram; the vertical range fits the tallest bin.</summary>
    /// <param name="gating">The gated sample.</param>
    /// <param name="x">The dimension.</param>
    /// <param name="populationId">The population to show (usually the gates' parent); null for all events.</param>
    /// <exception cref="KeyNotFoundException">No such population.</exception>
    public HistogramPlot(GatingResult gating, Dimension x, string? populationId = null)
        : base(420, 320)
    {
        ArgumentNullException.ThrowIfNull(gating);
        ArgumentNullException.ThrowIfNull(x);
        Gating = gating;
        X = x;
        PopulationId = populationId;
        Members = populationId is null ? null : gating[populationId].Members;
        XRange = AxisRange.Of(gating.Values(x).Span, Members, x);
        FitYRange();
        XLabel = x.Name;
        YLabel = "events";
        EventCount = Members?.Count ?? gating.EventCount;
        Title = string.Create(CultureInfo.InvariantCulture, $"{populationId ?? "All events"} ({EventCount:N0})");
    }

    /// <summary>The gated sample.</summary>
    public GatingResult Gating { get; }

    /// <summary>The dimension.</summary>
    public Dimension X { get; }

    /// <summary>The population shown, or null for all events.</summary>
    public string? PopulationId { get; }

    /// <summary>Number of events shown.</summary>
    public int EventCount { get; }

    /// <summary>Number of bins (8–4,096; default 256). Setting it refits <see cref="CytometryPlot.YRange"/>.</summary>
    public int Bins
    {
        get => _bins;
        set
        {
            _bins = value is >= 8 and <= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Bins must be 8–4,096.");
            FitYRange();
        }
    }

    /// <summary>Gates to draw; range (rectangle) gates and quadrant dividers on <see cref="X"/> are shown.</summary>
    public IList<Gate> Gates { get; } = [];

    internal EventBitset? Members { get; }

    /// <summary>Events per bin over <see cref="CytometryPlot.XRange"/>; events outside it count in the end bins, NaN values are left out.</summary>
    /// <returns><see cref="Bins"/> counts.</returns>
    public int[] Counts()
    {
        var counts = new int[_bins];
        var binner = new Binner(Gating.Values(X).Span, XRange, _bins, counts);
        EventSelection.ForEach(Members, Gating.EventCount, ref binner);
        return counts;
    }

    private protected override IReadOnlyList<AxisTick> XTicks() => AxisTicks.For(X, XRange);

    private protected override IReadOnlyList<AxisTick> YTicks() => AxisTicks.For((Transforms.Transform?)null, YRange);

    private protected override void Populate(Plot plot)
    {
        var counts = Counts();
        var width = XRange.Span / _bins;
        var outline = new List<Coordinates>(2 * (_bins + 1)) { new(XRange.Min, 0) };
        for (var i = 0; i < _bins; i++)
        {
            outline.Add(new(XRange.Min + (i * width), counts[i]));
            outline.Add(new(XRange.Min + ((i + 1) * width), counts[i]));
        }

        outline.Add(new(XRange.Max, 0));
        var area = plot.Add.Polygon([.. outline]);
        area.FillColor = Color.FromHex("#6C8EBF").WithAlpha(0.55);
        area.LineColor = Color.FromHex("#2F4F7F");
        area.LineWidth = 1;

        var gates = Gates.Where(g => GateOverlay.Fits(g, X, null)).ToList();
        for (var i = 0; i < gates.Count; i++)
        {
            // Stagger the brackets of several gates so their labels do not overlap.
            GateOverlay.Draw1D(plot, gates[i], X, XRange, YRange, 0.9 - (0.1 * (i % 6)), Gating);
        }
    }

    private void FitYRange()
    {
        var max = Counts().DefaultIfEmpty(0).Max();
        YRange = new AxisRange(0, Math.Max(1, max) * 1.3);
    }

    private ref struct Binner(ReadOnlySpan<float> xs, AxisRange xr, int bins, int[] counts) : IEventVisitor
    {
        private readonly ReadOnlySpan<float> _xs = xs;
        private readonly double _x0 = xr.Min, _fx = bins / xr.Span;
        private readonly int _last = bins - 1;
        private readonly int[] _counts = counts;

        public void Visit(int eventIndex)
        {
            double x = _xs[eventIndex];
            if (!double.IsNaN(x))
            {
                _counts[(int)Math.Clamp((x - _x0) * _fx, 0, _last)]++;
            }
        }
    }
}
