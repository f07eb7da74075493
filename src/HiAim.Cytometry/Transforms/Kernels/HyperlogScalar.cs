namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Scalar twin of the hyperlog kernels (double precision, the specification). Forward solves
/// EH(y) = |x| by Halley's method (Taylor series of EH near data zero) and reflects negative data
/// about x1. NaN maps to NaN, ±∞ to ±∞, 0 to x1 exactly.
/// </summary>
internal static class HyperlogScalar
{
    public static double Forward(HyperlogCoefficients k, double value)
    {
        if (double.IsNaN(value))
        {
            return value;
        }

        if (value == 0)
        {
            return k.X1;
        }

        var negative = value < 0;
        value = Math.Abs(value);
        if (double.IsPositiveInfinity(value))
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        // The root lies in [x1, x1 + value/EH'(x1)] because EH is convex: start from the smaller of
        // that tangent bound and ln(value/a)/b, never below x1.
        var y = Math.Max(k.X1, Math.Min(k.X1 + (value / k.Taylor[0]), Math.Log(value / k.LowerA) / k.B));
        var tolerance = 3 * 2.220446049250313e-16 * Math.Max(1, y); // 3·DBL_EPSILON, relative above 1
        for (var i = 0; i < 60; i++)
        {
            var ae = k.LowerA * Math.Exp(k.B * y);
            var residual = y < k.XTaylor ? Series(k, y) - value : (ae + (k.C * y)) - (k.F + value);
            var d1 = (k.B * ae) + k.C;
            var d2 = k.B * k.B * ae;
            var step = residual / (d1 * (1 - (residual * d2 / (2 * d1 * d1))));
            y -= step;
            if (Math.Abs(step) < tolerance)
            {
                break;
            }
        }

        return negative ? (2 * k.X1) - y : y;
    }

    public static double Inverse(HyperlogCoefficients k, double scale)
    {
        if (double.IsNaN(scale))
        {
            return scale;
        }

        var negative = scale < k.X1;
        if (negative)
        {
            scale = (2 * k.X1) - scale;
        }

        var value = scale < k.XTaylor
            ? Series(k, scale)
            : ((k.LowerA * Math.Exp(k.B * scale)) + (k.C * scale)) - k.F;
        return negative ? -value : value;
    }

    /// <summary>Taylor series of EH about x1 (all terms; EH(x1) = 0).</summary>
    public static double Series(HyperlogCoefficients k, double scale)
    {
        var x = scale - k.X1;
        var t = k.Taylor;
        var sum = t[HyperlogCoefficients.TaylorLength - 1] * x;
        for (var i = HyperlogCoefficients.TaylorLength - 2; i >= 0; i--)
        {
            sum = (sum + t[i]) * x;
        }

        return sum;
    }

    public static void Forward(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Forward(k, source[i]);
        }
    }

    public static void Inverse(HyperlogCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Inverse(k, source[i]);
        }
    }
}
