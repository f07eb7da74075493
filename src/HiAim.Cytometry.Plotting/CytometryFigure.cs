using System.Text;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace HiAim.Cytometry.Plotting;

/// <summary>
/// An image this library draws (a plot, a gating panel): a size in pixels and PNG or SVG output. The same
/// input gives the same bytes (PNG and SVG) on the same machine and fonts.
/// </summary>
public abstract partial class CytometryFigure
{
    private int _width;
    private int _height;

    private protected CytometryFigure(int width, int height)
    {
        Width = width;
        Height = height;
    }

    /// <summary>Image width in pixels (16–20,000).</summary>
    public int Width
    {
        get => _width;
        set => _width = CheckSize(value);
    }

    /// <summary>Image height in pixels (16–20,000).</summary>
    public int Height
    {
        get => _height;
        set => _height = CheckSize(value);
    }

    /// <summary>Renders the figure as a PNG image.</summary>
    /// <returns>The PNG file's bytes.</returns>
    public byte[] ToPng()
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {Width}×{Height} surface.");
        surface.Canvas.Clear(SKColors.White);
        Draw(surface.Canvas);
        surface.Canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders the figure as an SVG document (text as text; the density bitmap as an embedded PNG).</summary>
    /// <returns>The SVG document.</returns>
    public string ToSvg()
    {
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(Width, Height), stream))
        {
            canvas.Clear(SKColors.White);
            Draw(canvas);
        }

        return NormaliseSvgIds(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Writes the figure as PNG.</summary>
    /// <param name="path">Output file.</param>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Internals.AtomicFile.WriteAllBytes(path, ToPng());
    }

    /// <summary>Writes the figure as SVG (UTF-8).</summary>
    /// <param name="path">Output file.</param>
    public void SaveSvg(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Internals.AtomicFile.WriteAllText(path, ToSvg());
    }

    /// <summary>Writes the figure as SVG when <paramref name="path"/> ends in <c>.svg</c>, else as PNG.</summary>
    /// <param name="path">Output file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            SaveSvg(path);
        }
        else
        {
            SavePng(path);
        }
    }

    /// <summary>Draws the whole figure onto a canvas already cleared to white, at (0, 0) with <see cref="Width"/> × <see cref="Height"/>.</summary>
    private protected abstract void Draw(SKCanvas canvas);

    // Skia's SVG canvas numbers clip paths with a process-wide counter; renumber in document order so the
    // same figure gives the same SVG however many were drawn before it.
    private static string NormaliseSvgIds(string svg)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        return ClipId().Replace(svg, m =>
        {
            if (!map.TryGetValue(m.Value, out var id))
            {
                id = "cl_" + map.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                map[m.Value] = id;
            }

            return id;
        });
    }

    [GeneratedRegex(@"\bcl_[0-9a-f]+\b")]
    private static partial Regex ClipId();

    private static int CheckSize(int value) =>
        value is >= 16 and <= 20_000 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Image sizes must be 16–20,000 pixels.");
}
