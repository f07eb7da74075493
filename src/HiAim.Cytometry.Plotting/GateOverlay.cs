using System.Globalization;
using HiAim.Cytometry.Gating;
using ScottPlot;

namespace HiAim.Cytometry.Plotting;

/// <summary>
/// Draws gates in their own coordinates on a plot of one or two dimensions: outlines (black over a white halo, so
/// they read on any density colour), quadrant dividers, and each population's name with its % of parent.
/// </summary>
internal static class GateOverlay
{
    public static readonly Color Line = Colors.Black;
    private static readonly Color Halo = Colors.White.WithAlpha(0.85);

    /// <summary>Whether <paramref name="gate"/> has anything to draw on these axes.</summary>
    public static bool Fits(Gate gate, Dimension x, Dimension? y) => gate switch
    {
        PolygonGate p => y is not null && ((p.X.Equals(x) && p.Y.Equals(y)) || (p.X.Equals(y) && p.Y.Equals(x))),
        EllipsoidGate e => y is not null && e.Dimensions.Contains(x) && e.Dimensions.Contains(y),
        RectangleGate r => r.Ranges.Any(g => g.Dimension.Equals(x) || g.Dimension.Equals(y)),
        QuadrantGate q => q.Dividers.Any(d => d.Dimension.Equals(x) || d.Dimension.Equals(y)),
        _ => false,
    };

    /// <summary>Draws a gate on a bivariate plot of (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static void Draw2D(Plot plot, Gate gate, Dimension x, Dimension y, AxisRange xr, AxisRange yr, GatingResult gating)
    {
        switch (gate)
        {
            case PolygonGate p when p.X.Equals(x) && p.Y.Equals(y):
                Outline(plot, [.. p.Vertices], gate.Id, xr, yr, gating);
                break;
            case PolygonGate p when p.X.Equals(y) && p.Y.Equals(x):
                Outline(plot, [.. p.Vertices.Select(v => (v.Y, v.X))], gate.Id, xr, yr, gating);
                break;
            case EllipsoidGate e when e.Dimensions.Contains(x) && e.Dimensions.Contains(y):
                Outline(plot, EllipsePoints(e, x, y), gate.Id, xr, yr, gating);
                break;
            case RectangleGate r:
            {
                var (x0, x1) = Bounds(r, x, xr);
                var (y0, y1) = Bounds(r, y, yr);
                Outline(plot, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], gate.Id, xr, yr, gating);
                break;
            }

            case QuadrantGate q:
                Quadrants(plot, q, x, y, xr, yr, gating);
                break;
        }
    }

    /// <summary>Draws a gate on a histogram of <paramref name="x"/>: range ends as vertical lines and a labelled bracket at <paramref name="level"/>.</summary>
    public static void Draw1D(Plot plot, Gate gate, Dimension x, AxisRange xr, AxisRange yr, double level, GatingResult gating)
    {
        switch (gate)
        {
            case RectangleGate r when r.Ranges.FirstOrDefault(g => g.Dimension.Equals(x)) is { } range:
            {
                foreach (var end in new[] { range.Min, range.Max })
                {
                    if (end is { } v)
                    {
                        Segment(plot, [(v, yr.Min - yr.Span), (v, yr.Max + yr.Span)]);
                    }
                }

                var lo = Math.Max(range.Min ?? double.NegativeInfinity, xr.Min);
                var hi = Math.Min(range.Max ?? double.PositiveInfinity, xr.Max);
                var y = yr.Min + (level * yr.Span);
                Segment(plot, [(lo, y), (hi, y)]);
                var (at, alignment) = Across(lo, hi, xr, upper: false);
                Label(plot, at, y, Label(gate.Id, gating), alignment);
                break;
            }

            case QuadrantGate q:
                foreach (var d in q.Dividers.Where(d => d.Dimension.Equals(x)))
                {
                    foreach (var v in d.Values)
                    {
                        Segment(plot, [(v, yr.Min - yr.Span), (v, yr.Max + yr.Span)]);
                    }
                }

                break;
        }
    }

    /// <summary>"Name 12.3 %" (% of parent), or the name alone when the population is not in the result.</summary>
    public static string Label(string populationId, GatingResult gating)
    {
        var found = gating.Populations.FirstOrDefault(p => p.Id == populationId);
        return found is null ? populationId : string.Create(CultureInfo.InvariantCulture, $"{populationId} {found.PercentOfParent:0.0} %");
    }

    /// <summary>The boundary of an ellipsoid gate's projection on two of its dimensions (the 2×2 block of its covariance), 180 points.</summary>
    public static List<(double X, double Y)> EllipsePoints(EllipsoidGate e, Dimension x, Dimension y)
    {
        var dims = e.Dimensions;
        int i = IndexOf(dims, x), j = IndexOf(dims, y);
        var c = e.Covariance();
        double a = c[i, i], b = c[i, j], d = c[j, j];
        var mid = (a + d) / 2;
        var root = Math.Sqrt((((a - d) / 2) * ((a - d) / 2)) + (b * b));
        double l1 = Math.Max(mid + root, 0), l2 = Math.Max(mid - root, 0);
        var theta = 0.5 * Math.Atan2(2 * b, a - d);
        double r1 = Math.Sqrt(e.DistanceSquare * l1), r2 = Math.Sqrt(e.DistanceSquare * l2);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        var points = new List<(double X, double Y)>(180);
        for (var k = 0; k < 180; k++)
        {
            var t = 2 * Math.PI * k / 180;
            double u = r1 * Math.Cos(t), v = r2 * Math.Sin(t);
            points.Add((e.Mean[i] + (u * cos) - (v * sin), e.Mean[j] + (u * sin) + (v * cos)));
        }

        return points;
    }

    /// <summary>A label over [lo, hi]: centred, or aligned to the near side of the plot so it is not cut off there.</summary>
    private static (double X, Alignment Alignment) Across(double lo, double hi, AxisRange xr, bool upper) =>
        ((((lo + hi) / 2) - xr.Min) / xr.Span) switch
        {
            > 0.75 => (Math.Min(hi, xr.Max - (0.02 * xr.Span)), upper ? Alignment.UpperRight : Alignment.LowerRight),
            < 0.25 => (Math.Max(lo, xr.Min + (0.02 * xr.Span)), upper ? Alignment.UpperLeft : Alignment.LowerLeft),
            _ => ((lo + hi) / 2, upper ? Alignment.UpperCenter : Alignment.LowerCenter),
        };

    private static int IndexOf(IReadOnlyList<Dimension> dims, Dimension d)
    {
        for (var k = 0; k < dims.Count; k++)
        {
            if (dims[k].Equals(d))
            {
                return k;
            }
        }

        return -1;
    }

    // An open bound (or a dimension the gate does not test) reaches past the axis, where the data-area clip cuts it.
    private static (double Lo, double Hi) Bounds(RectangleGate r, Dimension d, AxisRange range)
    {
        var g = r.Ranges.FirstOrDefault(g => g.Dimension.Equals(d));
        return (g?.Min ?? (range.Min - range.Span), g?.Max ?? (range.Max + range.Span));
    }

    private static void Outline(Plot plot, List<(double X, double Y)> vertices, string populationId, AxisRange xr, AxisRange yr, GatingResult gating)
    {
        var closed = vertices.Append(vertices[0]).ToList();
        Segment(plot, closed);
        var visible = ClipToBox(vertices, xr, yr);
        if (visible.Count == 0)
        {
            return;
        }

        // Label at the top of the visible part of the gate, centred over it.
        double xLo = visible.Min(v => v.X), xHi = visible.Max(v => v.X), yHi = visible.Max(v => v.Y);
        // Above the gate's top when there is room (the label then hides none of the outline), else just inside it.
        var above = yHi < yr.Max - (0.08 * yr.Span);
        var (x, alignment) = Across(xLo, xHi, xr, upper: !above);
        Label(plot, x, above ? yHi : yr.Max - (0.02 * yr.Span), Label(populationId, gating), alignment);
    }

    private static void Segment(Plot plot, List<(double X, double Y)> points)
    {
        var coordinates = points.Select(p => new Coordinates(p.X, p.Y)).ToArray();
        foreach (var (color, width) in new[] { (Halo, 3.5f), (Line, 1.5f) })
        {
            var s = plot.Add.ScatterLine(coordinates, color);
            s.LineWidth = width;
            s.MarkerSize = 0;
        }
    }

    private static void Label(Plot plot, double x, double y, string text, Alignment alignment)
    {
        var t = plot.Add.Text(text, x, y);
        t.Alignment = alignment;
        t.LabelFontSize = 11;
        t.LabelBold = true;
        t.LabelFontColor = Line;
        t.LabelBackgroundColor = Colors.White.WithAlpha(0.75);
        t.LabelPadding = 2;
        t.OffsetY = alignment is Alignment.LowerCenter or Alignment.LowerLeft or Alignment.LowerRight ? -3 : 0;
        t.LabelFontName = PlotFonts.Family;
    }

    private static void Quadrants(Plot plot, QuadrantGate q, Dimension x, Dimension y, AxisRange xr, AxisRange yr, GatingResult gating)
    {
        foreach (var d in q.Dividers)
        {
            foreach (var v in d.Values)
            {
                if (d.Dimension.Equals(x))
                {
                    Segment(plot, [(v, yr.Min - yr.Span), (v, yr.Max + yr.Span)]);
                }
                else if (d.Dimension.Equals(y))
                {
                    Segment(plot, [(xr.Min - xr.Span, v), (xr.Max + xr.Span, v)]);
                }
            }
        }

        foreach (var quadrant in q.Quadrants)
        {
            (double? Lo, double? Hi) bx = (null, null), by = (null, null);
            foreach (var p in quadrant.Positions)
            {
                var divider = q.Dividers.First(d => d.Id == p.DividerId);
                if (divider.Dimension.Equals(x))
                {
                    bx = Bin(divider.Values, p.Location);
                }
                else if (divider.Dimension.Equals(y))
                {
                    by = Bin(divider.Values, p.Location);
                }
            }

            double x0 = Math.Max(bx.Lo ?? xr.Min, xr.Min), x1 = Math.Min(bx.Hi ?? xr.Max, xr.Max);
            double y0 = Math.Max(by.Lo ?? yr.Min, yr.Min), y1 = Math.Min(by.Hi ?? yr.Max, yr.Max);
            if (x1 <= x0 || y1 <= y0)
            {
                continue;
            }

            // Corner labels: an open-ended bin puts its label at the far edge, like FlowJo's quadrant statistics.
            double mx = 0.02 * xr.Span, my = 0.02 * yr.Span;
            var (lx, hx) = bx.Lo is null && bx.Hi is not null ? (x0 + mx, -1) : bx.Hi is null && bx.Lo is not null ? (x1 - mx, 1) : ((x0 + x1) / 2, 0);
            var (ly, vy) = by.Lo is null && by.Hi is not null ? (y0 + my, -1) : by.Hi is null && by.Lo is not null ? (y1 - my, 1) : ((y0 + y1) / 2, 0);
            var alignment = (hx, vy) switch
            {
                (-1, -1) => Alignment.LowerLeft,
                (-1, 1) => Alignment.UpperLeft,
                (1, -1) => Alignment.LowerRight,
                (1, 1) => Alignment.UpperRight,
                (-1, _) => Alignment.MiddleLeft,
                (1, _) => Alignment.MiddleRight,
                (_, -1) => Alignment.LowerCenter,
                (_, 1) => Alignment.UpperCenter,
                _ => Alignment.MiddleCenter,
            };
            Label(plot, lx, ly, Label(quadrant.Id, gating), alignment);
        }
    }

    private static (double? Lo, double? Hi) Bin(IReadOnlyList<double> cuts, double location)
    {
        var k = 0;
        while (k < cuts.Count && location >= cuts[k])
        {
            k++;
        }

        return (k == 0 ? null : cuts[k - 1], k == cuts.Count ? null : cuts[k]);
    }

    /// <summary>Sutherland–Hodgman clip of a polygon to the visible box.</summary>
    private static List<(double X, double Y)> ClipToBox(List<(double X, double Y)> polygon, AxisRange xr, AxisRange yr)
    {
        var result = polygon;
        var edges = new (Func<(double X, double Y), bool> Inside, Func<(double X, double Y), (double X, double Y), (double X, double Y)> Cross)[]
        {
            (p => p.X >= xr.Min, (a, b) => AtX(a, b, xr.Min)),
            (p => p.X <= xr.Max, (a, b) => AtX(a, b, xr.Max)),
            (p => p.Y >= yr.Min, (a, b) => AtY(a, b, yr.Min)),
            (p => p.Y <= yr.Max, (a, b) => AtY(a, b, yr.Max)),
        };
        foreach (var (inside, cross) in edges)
        {
            var input = result;
            result = [];
            for (var i = 0; i < input.Count; i++)
            {
                var current = input[i];
                var previous = input[(i + input.Count - 1) % input.Count];
                if (inside(current))
                {
                    if (!inside(previous))
                    {
                        result.Add(cross(previous, current));
                    }

                    result.Add(current);
                }
                else if (inside(previous))
                {
                    result.Add(cross(previous, current));
                }
            }

            if (result.Count == 0)
            {
                break;
            }
        }

        return result;

        static (double X, double Y) AtX((double X, double Y) a, (double X, double Y) b, double x) =>
            (x, a.Y + ((b.Y - a.Y) * (x - a.X) / (b.X - a.X)));
        static (double X, double Y) AtY((double X, double Y) a, (double X, double Y) b, double y) =>
            (a.X + ((b.X - a.X) * (y - a.Y) / (b.Y - a.Y)), y);
    }
}
