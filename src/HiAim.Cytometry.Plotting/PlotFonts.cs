using SkiaSharp;

namespace HiAim.Cytometry.Plotting;

/// <summary>The font family plots use: the first installed of a few common sans-serif families.</summary>
internal static class PlotFonts
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Segoe UI"];

    // ScottPlot's own "Sans" lookup picks DejaVu Serif on Linux with SkiaSharp's dependency-free native assets,
    // so ask the font manager which families exist.
    public static string Family { get; } = Pick();

    public static SKTypeface Typeface(bool bold) =>
        ScottPlot.Fonts.GetTypeface(Family, bold, false);

    private static string Pick()
    {
        var installed = SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Preferred.FirstOrDefault(installed.Contains) ?? ScottPlot.Fonts.Default;
    }
}
