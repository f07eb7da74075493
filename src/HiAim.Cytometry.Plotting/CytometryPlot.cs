using ScottPlot;
using SkiaSharp;

namespace HiAim.Cytometry.Plotting;

/// <summary>
/// One plot with a data area at a fixed place (so <see cref="ToPixel"/> maps axis coordinates to image pixels
/// exactly), axis ranges, labels and a title.
/// </summary>
public abstract class CytometryPlot : CytometryFigure
{
    // Fixed padding around the data area: room for tick labels, axis labels and the title.
    internal const int PadLeft = 62, PadRight = 14, PadTop = 32, PadBottom = 44;

    private protected CytometryPlot(int width, int height)
        : base(width, height)
    {
    }

    /// <summary>Title above the data area; null for none.</summary>
    public string? Title { get; set; }

    /// <summary>Label of the horizontal axis.</summary>
    public string? XLabel { get; set; }

    /// <summary>Label of the vertical axis.</summary>
    public string? YLabel { get; set; }

    /// <summary>Visible horizontal range, in axis units.</summary>
    public AxisRange XRange { get; set; }

    /// <summary>Visible vertical range, in axis units.</summary>
    public AxisRange YRange { get; set; }

    /// <summary>The data area in image pixels at the current <see cref="CytometryFigure.Width"/> and <see cref="CytometryFigure.Height"/>.</summary>
    public PixelArea DataArea => new(PadLeft, PadTop, Width - PadRight, Height - PadBottom);

    /// <summary>Where an axis coordinate lands in the image.</summary>
    /// <param name="x">Horizontal coordinate, axis units.</param>
    /// <param name="y">Vertical coordinate, axis units.</param>
    /// <returns>Pixel position (origin top left).</returns>
    public (double X, double Y) ToPixel(double x, double y)
    {
        var a = DataArea;
        return (a.Left + ((x - XRange.Min) / XRange.Span * a.Width), a.Bottom - ((y - YRange.Min) / YRange.Span * a.Height));
    }

    /// <summary>Adds the plot's content to a ScottPlot plot whose axes, fonts and layout are already set.</summary>
    private protected abstract void Populate(Plot plot);

    /// <summary>Ticks of the horizontal axis.</summary>
    private protected abstract IReadOnlyList<AxisTick> XTicks();

    /// <summary>Ticks of the vertical axis.</summary>
    private protected abstract IReadOnlyList<AxisTick> YTicks();

    /// <summary>Whether to draw the light background grid (off for density plots).</summary>
    private protected virtual bool ShowGrid => false;

    private protected override void Draw(SKCanvas canvas) => DrawAt(canvas, 0, 0);

    /// <summary>Draws this plot at its own size with its top left corner at (<paramref name="left"/>, <paramref name="top"/>).</summary>
    internal void DrawAt(SKCanvas canvas, float left, float top)
    {
        using var plot = new Plot();
        var font = PlotFonts.Family;
        plot.Font.Set(font);
        plot.Layout.Fixed(new PixelPadding(PadLeft, PadRight, PadBottom, PadTop));
        plot.Axes.SetLimits(XRange.Min, XRange.Max, YRange.Min, YRange.Max);
        plot.Axes.Bottom.TickGenerator = Manual(XTicks());
        plot.Axes.Left.TickGenerator = Manual(YTicks());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plot.Axes.Left.TickLabelStyle.FontSize = 11;
        if (!ShowGrid)
        {
            plot.HideGrid();
        }
        else
        {
            plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        }

        plot.XLabel(XLabel ?? string.Empty, 12);
        plot.YLabel(YLabel ?? string.Empty, 12);
        if (Title is { Length: > 0 } title)
        {
            plot.Title(title, 13);
            plot.Axes.Title.Label.Bold = true;
        }

        Populate(plot);

        // ScottPlot clears its whole canvas: clip to this plot's rectangle so panel neighbours survive.
        canvas.Save();
        canvas.ClipRect(SKRect.Create(left, top, Width, Height));
        plot.Render(canvas, new PixelRect(left, left + Width, top + Height, top));
        canvas.Restore();
    }

    private static ScottPlot.TickGenerators.NumericManual Manual(IReadOnlyList<AxisTick> ticks)
    {
        var generator = new ScottPlot.TickGenerators.NumericManual();
        foreach (var t in ticks)
        {
            if (t.IsMajor)
            {
                generator.AddMajor(t.Position, t.Label);
            }
            else
            {
                generator.AddMinor(t.Position);
            }
        }

        return generator;
    }
}
