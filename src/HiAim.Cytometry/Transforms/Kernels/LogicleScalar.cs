namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Scalar twin of the logicle kernels (double precision, the specification). Forward solves
/// B(y) = |x| by Halley's method from a linear or logarithmic first guess, using the Taylor
/// series of B near data zero, and reflects negative data about x1. NaN maps to NaN, ±∞ to ±∞,
/// 0 to x1 exactly.
/// </summary>
internal static class LogicleScalar
{
    public static double Forward(LogicleCoefficients k, double value)
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

        // The root lies in [x1, x1 + value/B'(x1)] because B is convex above x1: start from the
        // smaller of that tangent bound and ln(value/a)/b, never below x1. (A start below x1, as a
        // pure log guess gives for tiny values when W = 0, makes Halley crawl.)
        var y = Math.Max(k.X1, Math.Min(k.X1 + (value / k.Taylor[0]), Math.Log(value / k.LowerA) / k.B));
        var tolerance = 3 * 2.220446049250313e-16 * Math.Max(1, y); // 3·DBL_EPSILON, relative above 1
        for (var i = 0; i < 60; i++)
        {
            var ae = k.LowerA * Math.Exp(k.B * y);
            var ce = k.C / Math.Exp(k.D * y);
            var residual = y < k.XTaylor ? Series(k, y) - value : (ae + k.F) - (ce + value);
            var d1 = (k.B * ae) + (k.D * ce);
            var d2 = (k.B * k.B * ae) - (k.D * k.D * ce);
            var step = residual / (d1 * (1 - (residual * d2 / (2 * d1 * d1))));
            y -= step;
            if (Math.Abs(step) < tolerance)
            {
                break;
            }
        }

        return negative ? (2 * k.X1) - y : y;
    }

    public static double Inverse(LogicleCoefficients k, double scale)
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
            : ((k.LowerA * Math.Exp(k.B * scale)) + k.F) - (k.C / Math.Exp(k.D * scale));
        return negative ? -value : value;
    }

    /// <summary>Taylor series of B about x1 (Taylor[1] is zero by the logicle condition).</summary>
    public static double Series(LogicleCoefficients k, double scale)
    {
        var x = scale - k.X1;
        var t = k.Taylor;
        var sum = t[LogicleCoefficients.TaylorLength - 1] * x;
        for (var i = LogicleCoefficients.TaylorLength - 2; i >= 2; i--)
        {
            sum = (sum + t[i]) * x;
        }

        return ((sum * x) + t[0]) * x;
    }

    public static void Forward(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Forward(k, source[i]);
        }
    }

    public static void Inverse(LogicleCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)Inverse(k, source[i]);
        }
    }
}
