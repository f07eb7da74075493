using SkiaSharp;

namespace HiAim.Cytometry.Tests.Plotting;

/// <summary>A decoded PNG and the checks the plot tests make on it.</summary>
internal sealed class PlotImage : IDisposable
{
    private readonly SKBitmap _bitmap;

    public PlotImage(byte[] png)
    {
        _bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("not a decodable image");
    }

    public int Width => _bitmap.Width;

    public int Height => _bitmap.Height;

    public SKColor this[int x, int y] => _bitmap.GetPixel(x, y);

    /// <summary>Distinct colours in the image.</summary>
    public int DistinctColors()
    {
        var set = new HashSet<uint>();
        foreach (var p in _bitmap.Pixels)
        {
            set.Add((uint)p);
        }

        return set.Count;
    }

    /// <summary>Fraction of pixels in a rectangle that are not (near) white.</summary>
    public double InkFraction(int left, int top, int right, int bottom)
    {
        int ink = 0, all = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                all++;
                var c = _bitmap.GetPixel(x, y);
                if (c.Red < 235 || c.Green < 235 || c.Blue < 235)
                {
                    ink++;
                }
            }
        }

        return all == 0 ? 0 : (double)ink / all;
    }

    /// <summary>Whether a near-black pixel (the gate outline colour) lies within <paramref name="radius"/> pixels of (x, y).</summary>
    public bool DarkNear(double x, double y, int radius = 3)
    {
        int cx = (int)Math.Round(x), cy = (int)Math.Round(y);
        for (var dy = -radius; dy <= radius; dy++)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                int px = cx + dx, py = cy + dy;
                if (px < 0 || py < 0 || px >= Width || py >= Height)
                {
                    continue;
                }

                var c = _bitmap.GetPixel(px, py);
                if (c.Red < 60 && c.Green < 60 && c.Blue < 60)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a pixel within <paramref name="radius"/> of (x, y) is close to <paramref name="color"/>.</summary>
    public bool ColorNear(double x, double y, SKColor color, int radius = 3, int tolerance = 40)
    {
        int cx = (int)Math.Round(x), cy = (int)Math.Round(y);
        for (var dy = -radius; dy <= radius; dy++)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                var c = _bitmap.GetPixel(Math.Clamp(cx + dx, 0, Width - 1), Math.Clamp(cy + dy, 0, Height - 1));
                if (Math.Abs(c.Red - color.Red) + Math.Abs(c.Green - color.Green) + Math.Abs(c.Blue - color.Blue) <= tolerance)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public void Dispose() => _bitmap.Dispose();
}
