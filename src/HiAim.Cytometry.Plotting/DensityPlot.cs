using System.Globalization;
using HiAim.Cytometry.Gating;
using ScottPlot;

namespace HiAim.Cytometry.Plotting;

/// <summary>Colour scales for density plots (low → high event counts).</summary>
public enum DensityColormap
{
    /// <summary>Blue → cyan → yellow → red, the classic flow cytometry pseudocolour.</summary>
    Jet,

    /// <summary>Perceptually uniform purple → green → yellow.</summary>
    Viridis,

    /// <summary>Improved rainbow (Google's Turbo).</summary>
    Turbo,
}

/// <summary>
/// A bivariate density (pseudocolour) plot: a population's events binned on two dimensions in their transformed
/// units, each bin coloured by log event count (empty bins white), axis ticks in data units, and gate outlines
/// with population names and % of parent.
/// </summary>
/// <example>
/// <code>
/// var result = TbnkPanel.Default.Analyze(FcsFile.Read("sample.fcs"));
/// var cd4 = (QuadrantGate)result.Strategy.GateOf("CD4");
/// var plot = new DensityPlot(result.Gating, cd4.Dimensions[0], cd4.Dimensions[1], "T");
/// plot.Gates.Add(cd4);
/// plot.SavePng("cd4-cd8.png");
/// </code>
/// </example>
public sealed class DensityPlot : CytometryPlot
{
    private int _bins = 256;

    /// <summary>Creates a density plot with ranges that show the population (see <see cref="AxisRange.For"/>).</summary>
    /// <param name="gating">The gated sample.</param>
    /// <param name="x">Horizontal dimension.</param>
    /// <param name="y">Vertical dimension.</param>
    /// <param name="populationId">The population to show (usually the gates' parent); null for all events.</param>
    /// <exception cref="KeyNotFoundException">No such population.</exception>
    public DensityPlot(GatingResult gating, Dimension x, Dimension y, string? populationId = null)
        : base(420, 400)
    {
        ArgumentNullException.ThrowIfNull(gating);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Gating = gating;
        X = x;
        Y = y;
        PopulationId = populationId;
        Members = populationId is null ? null : gating[populationId].Members;
        XRange = AxisRange.Of(gating.Values(x).Span, Members, x);
        YRange = AxisRange.Of(gating.Values(y).Span, Members, y);
        XLabel = x.Name;
        YLabel = y.Name;
        EventCount = Members?.Count ?? gating.EventCount;
        Title = string.Create(CultureInfo.InvariantCulture, $"{populationId ?? "All events"} ({EventCount:N0})");
    }

    /// <summary>The gated sample.</summary>
    public GatingResult Gating { get; }

    /// <summary>Horizontal dimension.</summary>
    public Dimension X { get; }

    /// <summary>Vertical dimension.</summary>
    public Dimension Y { get; }

    /// <summary>The population shown, or null for all events.</summary>
    public string? PopulationId { get; }

    /// <summary>Number of events shown.</summary>
    public int EventCount { get; }

    /// <summary>Bins per axis (8–2,048; default 256).</summary>
    public int Bins
    {
        get => _bins;
        set => _bins = value is >= 8 and <= 2048 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Bins must be 8–2,048.");
    }

    /// <summary>Colour scale (default <see cref="DensityColormap.Jet"/>).</summary>
    public DensityColormap Colormap { get; set; } = DensityColormap.Jet;

    /// <summary>Gates to outline; each is drawn in its own coordinates when it uses <see cref="X"/> or <see cref="Y"/>.</summary>
    public IList<Gate> Gates { get; } = [];

    internal EventBitset? Members { get; }

    /// <summary>
    /// Event counts per bin, row-major from the bottom-left bin: index <c>row · Bins + column</c>. Events outside
    /// the ranges are counted in the edge bins (piled on the axes, as cytometry software shows them); NaN values are left out.
    /// </summary>
    /// <returns><see cref="Bins"/>² counts.</returns>
    public int[] Counts()
    {
        var counts = new int[_bins * _bins];
        var binner = new Binner(Gating.Values(X).Span, Gating.Values(Y).Span, XRange, YRange, _bins, counts);
        EventSelection.ForEach(Members, Gating.EventCount, ref binner);
        return counts;
    }

    private protected override IReadOnlyList<AxisTick> XTicks() => AxisTicks.For(X, XRange);

    private protected override IReadOnlyList<AxisTick> YTicks() => AxisTicks.For(Y, YRange);

    private protected override void Populate(Plot plot)
    {
        var counts = Counts();
        var max = counts.Max();
        var cells = new double[_bins, _bins];
        for (var row = 0; row < _bins; row++)
        {
            for (var col = 0; col < _bins; col++)
            {
                var n = counts[(row * _bins) + col];

                // ScottPlot's heatmap row 0 is the top row.
                cells[_bins - 1 - row, col] = n == 0 ? double.NaN : Math.Log10(n);
            }
        }

        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Extent = new CoordinateRect(XRange.Min, XRange.Max, YRange.Min, YRange.Max);
        heatmap.Smooth = false;
        heatmap.NaNCellColor = Colors.Transparent;
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(Math.Log10(Math.Max(max, 1)), 0.5));
        heatmap.Colormap = Colormap switch
        {
            DensityColormap.Viridis => new ScottPlot.Colormaps.Viridis(),
            DensityColormap.Turbo => new ScottPlot.Colormaps.Turbo(),
            _ => new ScottPlot.Colormaps.Jet(),
        };

        foreach (var gate in Gates.Where(g => GateOverlay.Fits(g, X, Y)))
        {
            GateOverlay.Draw2D(plot, gate, X, Y, XRange, YRange, Gating);
        }
    }

    private ref struct Binner(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, AxisRange xr, AxisRange yr, int bins, int[] counts) : IEventVisitor
    {
        private readonly ReadOnlySpan<float> _xs = xs;
        private readonly ReadOnlySpan<float> _ys = ys;
        private readonly double _x0 = xr.Min, _y0 = yr.Min, _fx = bins / xr.Span, _fy = bins / yr.Span;
        private readonly int _last = bins - 1, _bins = bins;
        private readonly int[] _counts = counts;

        public void Visit(int eventIndex)
        {
            double x = _xs[eventIndex], y = _ys[eventIndex];
            if (double.IsNaN(x) || double.IsNaN(y))
            {
                return;
            }

            var col = (int)Math.Clamp((x - _x0) * _fx, 0, _last);
            var row = (int)Math.Clamp((y - _y0) * _fy, 0, _last);
            _counts[(row * _bins) + col]++;
        }
    }
}
