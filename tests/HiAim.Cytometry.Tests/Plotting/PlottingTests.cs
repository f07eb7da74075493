using System.Globalization;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Plotting;
using HiAim.Cytometry.Simulation;
using SkiaSharp;

namespace HiAim.Cytometry.Tests.Plotting;

public sealed class PlottingTests
{
    private static readonly Lazy<(TbnkSimulatedFile File, TbnkResult Result)> Sample = new(() =>
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 30_000, Seed = 11 });
        var file = sim.Simulate(sim.Samples[0]);
        return (file, TbnkPanel.Default.Analyze(FcsFile.Read(file.ToArray())));
    });

    private static TbnkResult Result => Sample.Value.Result;

    private static GatingResult Gating => Result.Gating;

    private static Dimension Fsc => Result.Strategy.GateOf("Singlets").Dimensions[0];

    private static Dimension Ssc => Result.Strategy.GateOf("Lymphocytes").Dimensions[0];

    private static (double X, double Y) At(CytometryPlot plot, double fx, double fy) =>
        (plot.XRange.Min + (fx * plot.XRange.Span), plot.YRange.Min + (fy * plot.YRange.Span));

    [Fact]
    public void Density_plot_has_its_size_many_colours_and_ink_in_the_data_area()
    {
        var plot = new DensityPlot(Gating, Fsc, Ssc, "Singlets") { Width = 500, Height = 450 };
        using var image = new PlotImage(plot.ToPng());
        Assert.Equal((500, 450), (image.Width, image.Height));
        Assert.True(image.DistinctColors() > 100, $"{image.DistinctColors()} colours");
        var a = plot.DataArea;
        var ink = image.InkFraction((int)a.Left + 2, (int)a.Top + 2, (int)a.Right - 2, (int)a.Bottom - 2);
        Assert.InRange(ink, 0.02, 0.9);
    }

    [Fact]
    public void Density_counts_cover_every_event_of_the_population_once()
    {
        var plot = new DensityPlot(Gating, Fsc, Ssc, "Lymphocytes") { Bins = 64 };
        var counts = plot.Counts();
        Assert.Equal(64 * 64, counts.Length);
        Assert.Equal(Gating["Lymphocytes"].Count, counts.Sum());

        // Narrowing the view piles events on the edge bins instead of dropping them.
        plot.XRange = new AxisRange(plot.XRange.Min, plot.XRange.Min + (plot.XRange.Span / 4));
        Assert.Equal(Gating["Lymphocytes"].Count, plot.Counts().Sum());
    }

    [Fact]
    public void Polygon_outline_pixels_lie_on_the_gate_vertices_and_are_absent_without_the_gate()
    {
        var bare = new DensityPlot(Gating, Fsc, Ssc, "Singlets");
        (double X, double Y)[] vertices = [At(bare, 0.3, 0.3), At(bare, 0.7, 0.35), At(bare, 0.6, 0.75), At(bare, 0.35, 0.6)];
        var gated = new DensityPlot(Gating, Fsc, Ssc, "Singlets");
        gated.Gates.Add(new PolygonGate("Test polygon", "Singlets", Fsc, Ssc, vertices));

        using var withGate = new PlotImage(gated.ToPng());
        using var without = new PlotImage(bare.ToPng());
        foreach (var (x, y) in vertices)
        {
            var (px, py) = gated.ToPixel(x, y);
            Assert.True(withGate.DarkNear(px, py), $"no outline pixel near vertex ({px:F0}, {py:F0})");
            Assert.False(without.DarkNear(px, py), $"dark pixel at ({px:F0}, {py:F0}) without any gate");
        }

        // Edge midpoints too (the outline is drawn between the vertices, not just at them).
        var (mx, my) = gated.ToPixel((vertices[0].X + vertices[1].X) / 2, (vertices[0].Y + vertices[1].Y) / 2);
        Assert.True(withGate.DarkNear(mx, my));
    }

    [Fact]
    public void Swapped_axes_draw_the_polygon_mirrored()
    {
        var plot = new DensityPlot(Gating, Ssc, Fsc, "Singlets");
        var v = At(plot, 0.4, 0.5);
        plot.Gates.Add(new PolygonGate("P", "Singlets", Fsc, Ssc, [(v.Y, v.X), (v.Y * 1.2, v.X), (v.Y * 1.1, v.X * 1.2)]));
        using var image = new PlotImage(plot.ToPng());
        var (px, py) = plot.ToPixel(v.X, v.Y);
        Assert.True(image.DarkNear(px, py));
    }

    [Fact]
    public void Ellipse_outline_follows_the_gate()
    {
        var plot = new DensityPlot(Gating, Fsc, Ssc, "Singlets");
        var centre = At(plot, 0.5, 0.5);
        var (sx, sy) = (plot.XRange.Span / 6, plot.YRange.Span / 8);
        var gate = new EllipsoidGate("Ellipse", "Singlets", [Fsc, Ssc], [centre.X, centre.Y], new double[,] { { sx * sx, 0.3 * sx * sy }, { 0.3 * sx * sy, sy * sy } }, 1);
        plot.Gates.Add(gate);
        using var image = new PlotImage(plot.ToPng());

        // On the boundary along x from the centre: (v − m)ᵀC⁻¹(v − m) = 1 ⇒ dx = sx·√(1 − ρ²).
        var dx = sx * Math.Sqrt(1 - (0.3 * 0.3));
        var (px, py) = plot.ToPixel(centre.X + dx, centre.Y);
        Assert.True(image.DarkNear(px, py));
        var (cx, cy) = plot.ToPixel(centre.X, centre.Y);
        Assert.False(image.DarkNear(cx, cy, 2), "the ellipse's centre is not on its outline");
    }

    [Fact]
    public void Quadrant_dividers_and_open_rectangle_bounds_are_drawn_across_the_plot()
    {
        var quadrant = (QuadrantGate)Result.Strategy.GateOf("CD4");
        var plot = new DensityPlot(Gating, quadrant.Dimensions[0], quadrant.Dimensions[1], "T");
        plot.Gates.Add(quadrant);
        using var image = new PlotImage(plot.ToPng());
        var xCut = quadrant.Dividers[0].Values[0];
        var yCut = quadrant.Dividers[1].Values[0];
        foreach (var f in new[] { 0.1, 0.5, 0.9 })
        {
            var (px, py) = plot.ToPixel(xCut, plot.YRange.Min + (f * plot.YRange.Span));
            Assert.True(image.DarkNear(px, py, 2), $"vertical divider missing at {f}");
            var (qx, qy) = plot.ToPixel(plot.XRange.Min + (f * plot.XRange.Span), yCut);
            Assert.True(image.DarkNear(qx, qy, 2), $"horizontal divider missing at {f}");
        }

        // T: CD3 ≥ cut, no upper bound: on CD3 vs SSC the gate is one vertical line spanning the plot.
        var t = (RectangleGate)Result.Strategy.GateOf("T");
        var cd3 = new DensityPlot(Gating, t.Dimensions[0], Ssc, "Lymphocytes");
        cd3.Gates.Add(t);
        using var cd3Image = new PlotImage(cd3.ToPng());
        foreach (var f in new[] { 0.2, 0.5 })
        {
            var (px, py) = cd3.ToPixel(t.Ranges[0].Min!.Value, cd3.YRange.Min + (f * cd3.YRange.Span));
            Assert.True(cd3Image.DarkNear(px, py, 2));
        }
    }

    [Fact]
    public void Histogram_shows_the_range_gate_ends()
    {
        var t = (RectangleGate)Result.Strategy.GateOf("T");
        var plot = new HistogramPlot(Gating, t.Dimensions[0], "Lymphocytes") { Width = 400, Height = 300 };
        plot.Gates.Add(t);
        Assert.Equal(Gating["Lymphocytes"].Count, plot.Counts().Sum());
        using var image = new PlotImage(plot.ToPng());
        Assert.Equal((400, 300), (image.Width, image.Height));
        Assert.True(image.DistinctColors() > 20);
        var (px, py) = plot.ToPixel(t.Ranges[0].Min!.Value, plot.YRange.Span * 0.3);
        Assert.True(image.DarkNear(px, py, 2));
        var a = plot.DataArea;
        Assert.InRange(image.InkFraction((int)a.Left + 2, (int)a.Top + 2, (int)a.Right - 2, (int)a.Bottom - 2), 0.03, 0.9);
    }

    [Fact]
    public void Gating_panel_has_a_plot_per_gate_group_in_hierarchy_order_with_outlines()
    {
        var panel = GatingPanel.For(Result);
        var titles = panel.Plots.Select(p => p.Title!).ToList();
        Assert.StartsWith("All events", titles[0]);
        Assert.Contains(titles, t => t.StartsWith("T (", StringComparison.Ordinal));
        Assert.True(titles.FindIndex(t => t.StartsWith("Lymphocytes", StringComparison.Ordinal)) < titles.FindIndex(t => t.StartsWith("T (", StringComparison.Ordinal)), "parents come before children");
        Assert.StartsWith(Result.Sample, panel.Title);
        Assert.Contains(panel.Notes, n => n.Contains("NK_dim = NOT NK_bright", StringComparison.Ordinal));

        var png = panel.ToPng();
        using var image = new PlotImage(png);
        Assert.Equal((panel.Width, panel.Height), (image.Width, image.Height));
        Assert.True(image.DistinctColors() > 200);

        var quadrant = (QuadrantGate)Result.Strategy.GateOf("CD4");
        var index = panel.Plots.ToList().FindIndex(p => p is DensityPlot d && d.Gates.Contains(quadrant));
        Assert.True(index >= 0);
        var cell = panel.Plots[index];
        var (px, py) = panel.ToPixel(index, quadrant.Dividers[0].Values[0], cell.YRange.Min + (0.5 * cell.YRange.Span));
        Assert.True(image.DarkNear(px, py, 2));
        Assert.Equal(png, GatingPanel.For(Result).ToPng());
    }

    [Fact]
    public void Flagged_results_put_the_flags_in_the_panel_title()
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 8_000, Seed = 5 });
        var result = TbnkPanel.Default.Analyze(FcsFile.Read(sim.Simulate(sim.Samples[0]).ToArray()));
        Assert.NotEmpty(result.Flags); // 8,000 events: too few lymphocytes and beads
        var panel = GatingPanel.For(result);
        Assert.Contains("QC", panel.Title);
        Assert.Equal(result.Flags.Count, panel.Warnings.Count);
        Assert.All(result.Flags, f => Assert.Contains(f.Check.ToString(), panel.Title));
    }

    [Fact]
    public void Cohort_plot_medians_and_lines()
    {
        var points = new List<CohortPoint>();
        double[][] exercise = [[100, 200, 300], [110, 210, 330], [90, 260, 280], [120, 190, 350]];
        double[][] control = [[150, 150, 150], [160, 140, double.NaN], [140, 170, 160]];
        for (var i = 0; i < exercise.Length; i++)
        {
            points.AddRange(exercise[i].Select((v, t) => new CohortPoint($"E{i}", "exercise", new[] { "pre", "mid", "post" }[t], v)));
        }

        for (var i = 0; i < control.Length; i++)
        {
            points.AddRange(control[i].Select((v, t) => new CohortPoint($"C{i}", "control", new[] { "pre", "mid", "post" }[t], v)));
        }

        var plot = new CohortPlot("NK", points, ["pre", "mid", "post"]);
        Assert.Equal(["exercise", "control"], plot.Arms);
        Assert.Equal([105, 205, 315], plot.Medians("exercise"));
        Assert.Equal([150, 150, 155], plot.Medians("control"));

        using var image = new PlotImage(plot.ToPng());
        Assert.Equal((plot.Width, plot.Height), (image.Width, image.Height));
        var blue = SKColor.Parse(plot.ArmColor("exercise"));
        var red = SKColor.Parse(plot.ArmColor("control"));
        var (bx, by) = plot.ToPixel(2 - 0.04, 315);
        Assert.True(image.ColorNear(bx, by, blue, 4), "exercise median marker at post");
        var (rx, ry) = plot.ToPixel(1 + 0.04, 150);
        Assert.True(image.ColorNear(rx, ry, red, 4), "control median marker at mid");
        Assert.False(image.ColorNear(bx, plot.ToPixel(0, 50).Y, blue, 2), "no exercise line near 50 cells/µL at post");
    }

    [Fact]
    public void Png_and_svg_are_byte_identical_for_the_same_input()
    {
        var q = (QuadrantGate)Result.Strategy.GateOf("CD4");
        DensityPlot Make()
        {
            var p = new DensityPlot(Gating, q.Dimensions[0], q.Dimensions[1], "T") { Colormap = DensityColormap.Viridis };
            p.Gates.Add(q);
            return p;
        }

        Assert.Equal(Make().ToPng(), Make().ToPng());
        var svg = Make().ToSvg();
        Assert.Equal(svg, Make().ToSvg());
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        Assert.Contains("CD4", svg);
    }

    [Fact]
    public void Arcsinh_axis_ticks_are_decades_at_their_transformed_positions()
    {
        var scale = GateTemplate.Scale;
        var ticks = AxisTicks.For(scale, new AxisRange(scale.Apply(-300), 1.0));
        var major = ticks.Where(t => t.IsMajor).ToDictionary(t => t.Label, t => t.Position);
        Assert.Equal(0, major["0"], 9);
        Assert.Equal(scale.Apply(1_000), major["10³"], 9);
        Assert.Equal(scale.Apply(10_000), major["10⁴"], 9);
        Assert.Equal(scale.Apply(100_000), major["10⁵"], 9);
        Assert.Contains(ticks, t => !t.IsMajor && Math.Abs(t.Position - scale.Apply(2_000)) < 1e-9);
        Assert.All(ticks, t => Assert.InRange(t.Position, scale.Apply(-300), 1.0));

        var linear = AxisTicks.For((HiAim.Cytometry.Transforms.Transform?)null, new AxisRange(0, 262_144));
        Assert.Equal(["0", "50K", "100K", "150K", "200K", "250K"], linear.Where(t => t.IsMajor).Select(t => t.Label));
    }

    [Fact]
    public void Report_is_offline_html_with_highlighted_flags_and_existing_images()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-report-{Guid.NewGuid():N}");
        try
        {
            var cohort = new CohortPlot("NK", [new("P1", "exercise", "pre", 100), new("P1", "exercise", "post", 150), new("P2", "control", "pre", 120), new("P2", "control", "post", 118)], ["pre", "post"]);
            var model = new CohortReportModel("HI AIM TBNK <cohort>", ["NK cells/µL", "Lymphosum %"],
            [
                new ReportSample("P1_pre.fcs", ["189", "99.1"]) { Panel = () => GatingPanel.For(Result) },
                new ReportSample("P2_pre.fcs", ["201", "93.0"]) { Flags = ["Lymphosum: 93.0 %"], FlaggedColumns = ["Lymphosum %"] },
                new ReportSample("P3_pre.fcs", ["", ""]) { Error = "marker CD3 not found" },
            ])
            { CohortPlots = [cohort], Notes = ["made by a test"] };
            var index = CohortReport.Write(dir, model);
            var html = File.ReadAllText(index);
            Assert.Contains("HI AIM TBNK &lt;cohort&gt;", html);
            Assert.Contains("<tr class=\"flagged\">", html);
            Assert.Contains("<td class=\"flagcell\">93.0</td>", html);
            Assert.Contains("marker CD3 not found", html);
            Assert.DoesNotContain("http", html);
            Assert.DoesNotContain("<script", html);
            var sources = System.Text.RegularExpressions.Regex.Matches(html, "src=\"([^\"]+)\"").Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).ToList();
            Assert.Equal(2, sources.Count);
            Assert.All(sources, s => Assert.True(File.Exists(Path.Combine(dir, s)), s));
            using var panel = new PlotImage(File.ReadAllBytes(Path.Combine(dir, sources[1])));
            Assert.True(panel.Width > 600);

            var first = File.ReadAllBytes(index);
            CohortReport.Write(dir, model);
            Assert.Equal(first, File.ReadAllBytes(index));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Cli_plot_writes_a_panel_png_and_svg()
    {
        var dir = Directory.CreateTempSubdirectory("hiaim-plot-");
        try
        {
            var fcs = Path.Combine(dir.FullName, "sample.fcs");
            Sample.Value.File.Write(fcs);
            var png = Path.Combine(dir.FullName, "panel.png");
            var (code, output, error) = CliRunner.Hiaim("plot", fcs, "--panel", "tbnk", "--out", png);
            Assert.True(code == 0, error);
            Assert.Contains("plots", output);
            using (var image = new PlotImage(File.ReadAllBytes(png)))
            {
                Assert.True(image.Width >= 1000 && image.DistinctColors() > 200);
            }

            var svg = Path.Combine(dir.FullName, "panel.svg");
            Assert.Equal(0, CliRunner.Hiaim("plot", fcs, "--panel", "tbnk", "--out", svg, "--columns", "3").Code);
            Assert.Contains("<svg", File.ReadAllText(svg));
            Assert.Equal(2, CliRunner.Hiaim("plot", fcs, "--out", png).Code);
            Assert.Equal(2, CliRunner.Hiaim("plot", fcs, "--panel", "nope", "--out", png).Code);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Cli_plot_takes_the_panel_names_and_marker_overrides_of_count()
    {
        var dir = Directory.CreateTempSubdirectory("hiaim-plot-");
        try
        {
            var fcs = Path.Combine(dir.FullName, "sample.fcs");
            Sample.Value.File.Write(fcs);
            var png = Path.Combine(dir.FullName, "panel.png");

            // count's spellings: nk-subsets as well as nk (an NK tube's markers are missing from a TBNK tube: refused by name).
            var (code, _, error) = CliRunner.Hiaim("plot", fcs, "--panel", "nksubsets", "--out", png);
            Assert.Equal(2, code);
            Assert.Contains("CD56", error, StringComparison.Ordinal);

            // The override reaches the panel: a channel that is not in the file is named in the refusal.
            (code, _, error) = CliRunner.Hiaim("plot", fcs, "--panel", "tbnk", "--marker", "CD3=NoSuchChannel", "--out", png);
            Assert.Equal(2, code);
            Assert.Contains("NoSuchChannel", error, StringComparison.Ordinal);

            // An override to the channel the label matching finds gives the same panel.
            (code, _, error) = CliRunner.Hiaim("plot", fcs, "--panel", "tbnk", "--marker", "CD3=FITC-A", "--out", png);
            Assert.True(code == 0, error);
            Assert.True(new FileInfo(png).Length > 10_000);

            (code, _, error) = CliRunner.Hiaim("plot", fcs, "--panel", "tbnk", "--marker", "CD3", "--out", png);
            Assert.Equal(2, code);
            Assert.Contains("MARKER=CHANNEL", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
