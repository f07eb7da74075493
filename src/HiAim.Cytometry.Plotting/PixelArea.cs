namespace HiAim.Cytometry.Plotting;

/// <summary>A rectangle in image pixels (origin top left, y down).</summary>
/// <param name="Left">Left edge.</param>
/// <param name="Top">Top edge.</param>
/// <param name="Right">Right edge.</param>
/// <param name="Bottom">Bottom edge.</param>
public readonly record struct PixelArea(double Left, double Top, double Right, double Bottom)
{
    /// <summary>Right − Left.</summary>
    public double Width => Right - Left;

    /// <summary>Bottom − Top.</summary>
    public double Height => Bottom - Top;
}
