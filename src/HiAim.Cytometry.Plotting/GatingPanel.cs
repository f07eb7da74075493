using System.Globalization;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using SkiaSharp;

namespace HiAim.Cytometry.Plotting;

/// <summary>A second axis for a one-dimensional gate in a <see cref="GatingPanel"/>, so it is drawn on a density plot instead of a histogram.</summary>
/// <param name="Dimension">The companion dimension.</param>
/// <param name="OnX">True to put the companion on the horizontal axis (the gate's own dimension then goes up the vertical axis).</param>
public sealed record CompanionAxis(Dimension Dimension, bool OnX);

/// <summary>Settings of a <see cref="GatingPanel"/>.</summary>
public sealed record GatingPanelOptions
{
    /// <summary>Plots per row (default 4).</summary>
    public int Columns { get; init; } = 4;

    /// <summary>Width of one plot, pixels (default 330).</summary>
    public int CellWidth { get; init; } = 330;

    /// <summary>Height of one plot, pixels (default 310).</summary>
    public int CellHeight { get; init; } = 310;

    /// <summary>Density colour scale.</summary>
    public DensityColormap Colormap { get; init; } = DensityColormap.Jet;

    /// <summary>Density bins per axis (default 256).</summary>
    public int Bins { get; init; } = 256;

    /// <summary>For a one-dimensional gate: a second axis to plot it against (e.g. SSC-A), or null for a histogram. Null: histograms.</summary>
    public Func<Gate, CompanionAxis?>? Companion { get; init; }

    /// <summary>Axis label per channel name (e.g. <c>FITC-A</c> → <c>CD3 FITC-A</c>); channels not in it are labelled by name.</summary>
    public IReadOnlyDictionary<string, string>? ChannelLabels { get; init; }

    /// <summary>Axis labels "marker channel" from a sample's channels ($PnS then $PnN; $PnN alone when $PnS is empty).</summary>
    /// <param name="channels">The sample's channels (<see cref="FcsFile.Channels"/>).</param>
    /// <returns>Channel name → label.</returns>
    public static IReadOnlyDictionary<string, string> LabelsFrom(IEnumerable<FcsChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in channels)
        {
            labels[c.Name] = string.IsNullOrWhiteSpace(c.Label) || c.Label == c.Name ? c.Name : $"{c.Label} {c.Name}";
        }

        return labels;
    }
}

/// <summary>
/// Every gate of a strategy on one image, in hierarchy order (each gate after its parent, children of a population
/// in the strategy's order): one plot per (parent, dimensions), showing the parent's events with all gates drawn on
/// those axes. Two- and more-dimensional gates get a density plot of their first two dimensions; one-dimensional gates
/// a histogram (or a density plot with a <see cref="GatingPanelOptions.Companion"/> axis). Boolean gates are listed
/// as text under the title.
/// </summary>
public sealed class GatingPanel : CytometryFigure
{
    private const int TitleHeight = 30, LineHeight = 18, HeaderPad = 8;
    private readonly List<CytometryPlot> _plots = [];
    private readonly int _columns;

    /// <summary>Lays out the plots of a gated sample.</summary>
    /// <param name="strategy">The strategy (its gates are drawn).</param>
    /// <param name="gating">The strategy applied to the sample.</param>
    /// <param name="options">Layout and scales; null for defaults.</param>
    public GatingPanel(GatingStrategy strategy, GatingResult gating, GatingPanelOptions? options = null)
        : base(16, 16)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(gating);
        options ??= new GatingPanelOptions();
        if (options.Columns < 1 || options.CellWidth < 120 || options.CellHeight < 120)
        {
            throw new ArgumentException("A gating panel needs at least one column and cells of at least 120 × 120 pixels.", nameof(options));
        }

        Options = options;
        var cells = new List<(string? Parent, Dimension X, Dimension? Y, CytometryPlot Plot)>();
        var booleans = new List<string>();
        foreach (var gate in HierarchyOrder(strategy))
        {
            if (gate is BooleanGate b)
            {
                booleans.Add(Describe(b, gating));
                continue;
            }

            var (x, y) = Axes(gate, options);
            if (x is null)
            {
                continue;
            }

            var cell = cells.FirstOrDefault(c => c.Parent == gate.ParentId && c.X.Equals(x) && Equals(c.Y, y));
            if (cell.Plot is null)
            {
                CytometryPlot plot = y is null
                    ? new HistogramPlot(gating, x, gate.ParentId) { XLabel = LabelOf(x, options) }
                    : new DensityPlot(gating, x, y, gate.ParentId) { XLabel = LabelOf(x, options), YLabel = LabelOf(y, options), Colormap = options.Colormap, Bins = options.Bins };
                cell = (gate.ParentId, x, y, plot);
                cells.Add(cell);
            }

            (cell.Plot switch
            {
                DensityPlot d => d.Gates,
                HistogramPlot h => h.Gates,
                _ => throw new InvalidOperationException(),
            }).Add(gate);
        }

        _plots.AddRange(cells.Select(c => c.Plot));
        _columns = Math.Max(1, Math.Min(options.Columns, _plots.Count));
        if (booleans.Count > 0)
        {
            Notes.Add(string.Join("; ", booleans));
        }

        Relayout();
    }

    /// <summary>The settings used.</summary>
    public GatingPanelOptions Options { get; }

    /// <summary>Title line; null for none.</summary>
    public string? Title { get; set; }

    /// <summary>Lines under the title shown in red (e.g. QC flags).</summary>
    public IList<string> Warnings { get; } = [];

    /// <summary>Lines under the title and warnings shown in grey (boolean gates are listed here).</summary>
    public IList<string> Notes { get; } = [];

    /// <summary>The plots, in hierarchy order (row by row).</summary>
    public IReadOnlyList<CytometryPlot> Plots => _plots;

    /// <summary>Plots per row.</summary>
    public int Columns => _columns;

    /// <summary>Height of the header (title, warnings, notes), pixels.</summary>
    public int HeaderHeight =>
        (Title is null ? 0 : TitleHeight) + ((Warnings.Count + Notes.Count) * LineHeight) + HeaderPad;

    /// <summary>
    /// A panel for a TBNK (or NK-subset) result: title with the sample name and QC status, each QC flag in red,
    /// the reported populations' cells/µL (or % of lymphocytes) in a note, and the one-dimensional gates drawn
    /// against SSC-A (CD45 for the SSC-A lymphocyte gate) like a cytometrist's worksheet.
    /// </summary>
    /// <param name="result">The panel result (<see cref="Panel.Analyze(HiAim.Cytometry.Fcs.FcsFile, PanelRunOptions?)"/>).</param>
    /// <param name="options">Layout and scales; null for defaults (<see cref="GatingPanelOptions.Companion"/> is set when null).</param>
    /// <returns>The panel.</returns>
    public static GatingPanel For(TbnkResult result, GatingPanelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new GatingPanelOptions();
        if (options.Companion is null && OneDimension(result.Strategy, "Lymphocytes") is { } ssc && OneDimension(result.Strategy, "Leukocytes") is { } cd45)
        {
            options = options with { Companion = g => g.Dimensions.Count != 1 ? null : g.Dimensions[0].Equals(ssc) ? new CompanionAxis(cd45, true) : new CompanionAxis(ssc, false) };
        }

        var inv = CultureInfo.InvariantCulture;
        var panel = new GatingPanel(result.Strategy, result.Gating, options)
        {
            Title = result.Flags.Count == 0
                ? $"{result.Sample}: QC pass"
                : $"{result.Sample}: QC {string.Join(", ", result.Flags.Select(f => f.Check))}",
        };
        foreach (var f in result.Flags)
        {
            panel.Warnings.Add($"{f.Check}: {f.Reason}");
        }

        var absolute = result.Populations.Any(p => double.IsFinite(p.CellsPerUl));
        var counts = string.Join("  ·  ", result.Populations.Select(p => absolute
            ? string.Create(inv, $"{p.Name} {p.CellsPerUl:0}")
            : string.Create(inv, $"{p.Name} {p.PercentOfLymphocytes:0.0} %")));
        panel.Notes.Insert(0, (absolute ? "cells/µL: " : "% of lymphocytes: ") + counts);
        panel.Relayout();
        return panel;
    }

    /// <summary>The top left corner of plot <paramref name="index"/> in the image.</summary>
    /// <param name="index">Plot index in <see cref="Plots"/>.</param>
    /// <returns>Pixel position.</returns>
    public (double X, double Y) PlotOrigin(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _plots.Count);
        var (w, h) = CellSize();
        return ((index % _columns) * w, HeaderHeight + ((index / _columns) * h));
    }

    /// <summary>Where an axis coordinate of plot <paramref name="index"/> lands in the panel image.</summary>
    /// <param name="index">Plot index in <see cref="Plots"/>.</param>
    /// <param name="x">Horizontal coordinate, axis units.</param>
    /// <param name="y">Vertical coordinate, axis units.</param>
    /// <returns>Pixel position.</returns>
    public (double X, double Y) ToPixel(int index, double x, double y)
    {
        var (ox, oy) = PlotOrigin(index);
        Relayout(keepSize: true);
        var (px, py) = _plots[index].ToPixel(x, y);
        return (ox + px, oy + py);
    }

    /// <summary>Sets <see cref="CytometryFigure.Width"/> and <see cref="CytometryFigure.Height"/> from the cell size, columns and header.</summary>
    public void Relayout() => Relayout(keepSize: false);

    private protected override void Draw(SKCanvas canvas)
    {
        Relayout(keepSize: true);
        var y = 0f;
        using var paint = new SKPaint { IsAntialias = true };
        if (Title is { } title)
        {
            using var bold = new SKFont(PlotFonts.Typeface(bold: true), 17);
            paint.Color = SKColors.Black;
            canvas.DrawText(Fit(title, bold), 10, y + 22, SKTextAlign.Left, bold, paint);
            y += TitleHeight;
        }

        using var font = new SKFont(PlotFonts.Typeface(bold: false), 12.5f);
        foreach (var (text, color) in Warnings.Select(w => (w, new SKColor(0xC6, 0x28, 0x28))).Concat(Notes.Select(n => (n, new SKColor(0x44, 0x44, 0x44)))))
        {
            paint.Color = color;
            canvas.DrawText(Fit(text, font), 10, y + 13, SKTextAlign.Left, font, paint);
            y += LineHeight;
        }

        for (var i = 0; i < _plots.Count; i++)
        {
            var (ox, oy) = PlotOrigin(i);
            _plots[i].DrawAt(canvas, (float)ox, (float)oy);
        }
    }

    private string Fit(string text, SKFont font)
    {
        var room = Width - 20;
        if (font.MeasureText(text) <= room)
        {
            return text;
        }

        var n = text.Length;
        while (n > 1 && font.MeasureText(string.Concat(text.AsSpan(0, n), "…")) > room)
        {
            n--;
        }

        return string.Concat(text.AsSpan(0, n), "…");
    }

    private (double W, double H) CellSize()
    {
        var rows = Math.Max(1, (_plots.Count + _columns - 1) / _columns);
        return ((double)Width / _columns, (double)(Height - HeaderHeight) / rows);
    }

    private void Relayout(bool keepSize)
    {
        var rows = Math.Max(1, (_plots.Count + _columns - 1) / _columns);
        if (!keepSize)
        {
            Width = _columns * Options.CellWidth;
            Height = HeaderHeight + (rows * Options.CellHeight);
        }

        var (w, h) = CellSize();
        foreach (var p in _plots)
        {
            p.Width = Math.Max(16, (int)Math.Floor(w));
            p.Height = Math.Max(16, (int)Math.Floor(h));
        }
    }

    private static Dimension? OneDimension(GatingStrategy strategy, string populationId)
    {
        var gate = strategy.Gates.FirstOrDefault(g => g.PopulationIds.Contains(populationId));
        return gate is { Dimensions.Count: 1 } ? gate.Dimensions[0] : null;
    }

    private static (Dimension? X, Dimension? Y) Axes(Gate gate, GatingPanelOptions options)
    {
        var dims = gate.Dimensions;
        if (dims.Count >= 2)
        {
            return (dims[0], dims[1]);
        }

        if (dims.Count == 0)
        {
            return (null, null);
        }

        return options.Companion?.Invoke(gate) switch
        {
            { OnX: true } c => (c.Dimension, dims[0]),
            { } c => (dims[0], c.Dimension),
            null => (dims[0], null),
        };
    }

    private static string LabelOf(Dimension d, GatingPanelOptions options) =>
        d.Channel is { } channel && options.ChannelLabels?.GetValueOrDefault(channel) is { } label ? label : d.Name;

    private static string Describe(BooleanGate b, GatingResult gating)
    {
        var operands = b.Operands.Select(o => o.Complement ? $"not {o.PopulationId}" : o.PopulationId).ToList();
        var expression = b.Operator switch
        {
            BooleanOperator.Not => $"NOT {operands[0]}",
            BooleanOperator.And => string.Join(" AND ", operands),
            _ => string.Join(" OR ", operands),
        };
        var p = gating.Populations.FirstOrDefault(p => p.Id == b.Id);
        return p is null
            ? $"{b.Id} = {expression}"
            : string.Create(CultureInfo.InvariantCulture, $"{b.Id} = {expression}: {p.Count:N0} ({p.PercentOfParent:0.0} % of {b.ParentId ?? "all"})");
    }

    /// <summary>Gates depth-first from the roots: each gate, then the gates under each of its populations, siblings in strategy order.</summary>
    private static List<Gate> HierarchyOrder(GatingStrategy strategy)
    {
        var children = strategy.Gates.Where(g => g.ParentId is not null).ToLookup(g => g.ParentId!, StringComparer.Ordinal);
        var order = new List<Gate>(strategy.Gates.Count);
        var seen = new HashSet<Gate>();
        var pending = new Stack<Gate>();
        void Visit(Gate gate)
        {
            // Iterative pre-order (children pushed last-first), so a chain of any depth cannot exhaust the stack.
            pending.Push(gate);
            while (pending.TryPop(out var next))
            {
                if (!seen.Add(next))
                {
                    continue;
                }

                order.Add(next);
                var under = next.PopulationIds.SelectMany(p => children[p]).ToList();
                for (var i = under.Count - 1; i >= 0; i--)
                {
                    pending.Push(under[i]);
                }
            }
        }

        foreach (var root in strategy.Gates.Where(g => g.ParentId is null))
        {
            Visit(root);
        }

        // Gates whose parent is missing (an invalid strategy) still get drawn, last.
        foreach (var gate in strategy.Gates)
        {
            Visit(gate);
        }

        return order;
    }
}
