using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Statistics;

/// <summary>
/// Deterministic 1-D density tools for placing gates: a Gaussian-smoothed histogram, its modes ranked by
/// topographic prominence, the valley between two modes, and a two-component Gaussian split.
/// </summary>
internal static class Density
{
    /// <summary>A smoothed histogram on [lo, lo + bins·width).</summary>
    internal sealed record Histogram(double Lo, double Width, double[] Heights)
    {
        public double Center(int bin) => Lo + ((bin + 0.5) * Width);
    }

    /// <summary>
    /// The k-th smallest value (0-based) — the same element a full sort would put at k — by quickselect with a
    /// median-of-three pivot; reorders <paramref name="values"/>. O(n) instead of a sort for medians and MADs.
    /// </summary>
    public static double Select(Span<double> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, values.Length);
        int lo = 0, hi = values.Length - 1;
        while (hi > lo)
        {
            var mid = lo + ((hi - lo) / 2);
            if (values[mid] < values[lo])
            {
                (values[mid], values[lo]) = (values[lo], values[mid]);
            }

            if (values[hi] < values[lo])
            {
                (values[hi], values[lo]) = (values[lo], values[hi]);
            }

            if (values[hi] < values[mid])
            {
                (values[hi], values[mid]) = (values[mid], values[hi]);
            }

            var pivot = values[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    public static Histogram Smoothed(IReadOnlyList<double> values, double lo, double hi, double width, double sigmaBins) =>
        Smoothed(AsSpan(values), lo, hi, width, sigmaBins);

    public static Histogram Smoothed(ReadOnlySpan<double> values, double lo, double hi, double width, double sigmaBins)
    {
        var raw = new double[Bins(lo, hi, width)];
        foreach (var v in values)
        {
            Add(raw, v, lo, width);
        }

        return Smooth(raw, lo, width, sigmaBins);
    }

    /// <summary>
    /// The same histogram as <see cref="Smoothed(ReadOnlySpan{double}, double, double, double, double)"/> over the values of
    /// <paramref name="column"/> at <paramref name="members"/>, read in place: placement histograms a population's values
    /// without first copying them out (each copy was a large-object array to allocate and fault in, per cut and sample).
    /// </summary>
    public static Histogram Smoothed(ReadOnlySpan<float> column, EventBitset members, double lo, double hi, double width, double sigmaBins)
    {
        var raw = new double[Bins(lo, hi, width)];
        var words = members.Words;
        for (var w = 0; w < words.Length; w++)
        {
            var bits = words[w];
            while (bits != 0)
            {
                Add(raw, column[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)], lo, width);
                bits &= bits - 1;
            }
        }

        return Smooth(raw, lo, width, sigmaBins);
    }

    private static int Bins(double lo, double hi, double width) => Math.Max(8, (int)Math.Ceiling((hi - lo) / width));

    private static void Add(double[] raw, double v, double lo, double width)
    {
        if (double.IsFinite(v))
        {
            var b = (int)Math.Floor((v - lo) / width);
            raw[Math.Clamp(b, 0, raw.Length - 1)]++;
        }
    }

    private static ReadOnlySpan<double> AsSpan(IReadOnlyList<double> values) => values switch
    {
        double[] a => a,
        List<double> l => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(l),
        _ => values.ToArray(),
    };

    private static Histogram Smooth(double[] raw, double lo, double width, double sigmaBins)
    {
        var bins = raw.Length;
        var radius = (int)Math.Ceiling(4 * sigmaBins);
        var kernel = new double[(2 * radius) + 1];
        for (var k = -radius; k <= radius; k++)
        {
            kernel[k + radius] = Math.Exp(-0.5 * k * k / (sigmaBins * sigmaBins));
        }

        var sum = kernel.Sum();
        var h = new double[bins];
        for (var i = 0; i < bins; i++)
        {
            var acc = 0.0;
            for (var k = -radius; k <= radius; k++)
            {
                var j = i + k;
                if (j >= 0 && j < bins)
                {
                    acc += raw[j] * kernel[k + radius];
                }
            }

            h[i] = acc / sum;
        }

        return new Histogram(lo, width, h);
    }

    /// <summary>Local maxima with their prominence (height above the higher of the two bases), in bin order.</summary>
    public static List<(int Bin, double Height, double Prominence)> Modes(double[] h)
    {
        var modes = new List<(int, double, double)>();
        for (var i = 0; i < h.Length; i++)
        {
            var left = i == 0 ? double.NegativeInfinity : h[i - 1];
            var right = i == h.Length - 1 ? double.NegativeInfinity : h[i + 1];
            if (!(h[i] > left && h[i] >= right) || h[i] <= 0)
            {
                continue;
            }

            var baseLeft = h[i];
            for (var j = i - 1; j >= 0 && h[j] <= h[i]; j--)
            {
                baseLeft = Math.Min(baseLeft, h[j]);
            }

            var leftOpen = i == 0 || Enumerable.Range(0, i).All(j => h[j] <= h[i]);
            var baseRight = h[i];
            for (var j = i + 1; j < h.Length && h[j] <= h[i]; j++)
            {
                baseRight = Math.Min(baseRight, h[j]);
            }

            var rightOpen = i == h.Length - 1 || Enumerable.Range(i + 1, h.Length - i - 1).All(j => h[j] <= h[i]);
            var key = (leftOpen, rightOpen) switch
            {
                (true, true) => 0,
                (true, false) => baseRight,
                (false, true) => baseLeft,
                _ => Math.Max(baseLeft, baseRight),
            };
            modes.Add((i, h[i], h[i] - key));
        }

        return modes;
    }

    /// <summary>The centre of the lowest run of bins between two bins (the middle of a flat floor).</summary>
    public static double Floor(Histogram hist, int from, int to)
    {
        var h = hist.Heights;
        var min = double.PositiveInfinity;
        for (var i = from; i <= to; i++)
        {
            min = Math.Min(min, h[i]);
        }

        var first = -1;
        var bestStart = -1;
        var bestLength = 0;
        for (var i = from; i <= to + 1; i++)
        {
            var atMin = i <= to && h[i] <= min;
            if (atMin && first < 0)
            {
                first = i;
            }
            else if (!atMin && first >= 0)
            {
                if (i - first > bestLength)
                {
                    bestLength = i - first;
                    bestStart = first;
                }

                first = -1;
            }
        }

        return hist.Lo + ((bestStart + (bestLength / 2.0)) * hist.Width);
    }

    /// <summary>The valley between the two most prominent modes, or null when the density has one mode.</summary>
    public static double? ValleyBetweenMainModes(IReadOnlyList<double> values, double lo, double hi, double width, double sigmaBins, double minProminence = 0.02) =>
        values.Count < 20 ? null : ValleyBetweenMainModes(Smoothed(values, lo, hi, width, sigmaBins), minProminence);

    /// <summary>The same over <paramref name="column"/> at <paramref name="members"/>, read in place.</summary>
    public static double? ValleyBetweenMainModes(ReadOnlySpan<float> column, EventBitset members, double lo, double hi, double width, double sigmaBins, double minProminence = 0.02) =>
        members.Count < 20 ? null : ValleyBetweenMainModes(Smoothed(column, members, lo, hi, width, sigmaBins), minProminence);

    /// <summary>The same over <paramref name="values"/>.</summary>
    public static double? ValleyBetweenMainModes(ReadOnlySpan<double> values, double lo, double hi, double width, double sigmaBins, double minProminence = 0.02) =>
        values.Length < 20 ? null : ValleyBetweenMainModes(Smoothed(values, lo, hi, width, sigmaBins), minProminence);

    private static double? ValleyBetweenMainModes(Histogram hist, double minProminence)
    {
        var modes = Modes(hist.Heights);
        var max = hist.Heights.Max();
        var top = modes.Where(m => m.Prominence >= minProminence * max).OrderByDescending(m => m.Prominence).ThenBy(m => m.Bin).Take(2).OrderBy(m => m.Bin).ToList();
        return top.Count < 2 ? null : Floor(hist, top[0].Bin, top[1].Bin);
    }

    /// <summary>
    /// The valley right of the lowest mode: the first mode (in value order) with prominence ≥
    /// <paramref name="firstProminence"/> of the highest bin, then the next mode whose prominence is ≥
    /// <paramref name="secondProminence"/> of that first mode's height. Null when there is no such pair.
    /// </summary>
    public static (double Valley, double FirstMode)? FirstValley(IReadOnlyList<double> values, double lo, double hi, double width, double sigmaBins, double firstProminence, double secondProminence) =>
        values.Count < 20 ? null : FirstValley(Smoothed(values, lo, hi, width, sigmaBins), firstProminence, secondProminence);

    /// <summary>The same over <paramref name="column"/> at <paramref name="members"/>, read in place.</summary>
    public static (double Valley, double FirstMode)? FirstValley(ReadOnlySpan<float> column, EventBitset members, double lo, double hi, double width, double sigmaBins, double firstProminence, double secondProminence) =>
        members.Count < 20 ? null : FirstValley(Smoothed(column, members, lo, hi, width, sigmaBins), firstProminence, secondProminence);

    /// <summary>The same over <paramref name="values"/>.</summary>
    public static (double Valley, double FirstMode)? FirstValley(ReadOnlySpan<double> values, double lo, double hi, double width, double sigmaBins, double firstProminence, double secondProminence) =>
        values.Length < 20 ? null : FirstValley(Smoothed(values, lo, hi, width, sigmaBins), firstProminence, secondProminence);

    private static (double Valley, double FirstMode)? FirstValley(Histogram hist, double firstProminence, double secondProminence)
    {
        var modes = Modes(hist.Heights);
        var max = hist.Heights.Max();
        var first = modes.FirstOrDefault(m => m.Prominence >= firstProminence * max);
        if (first.Height <= 0)
        {
            return null;
        }

        var second = modes.FirstOrDefault(m => m.Bin > first.Bin && m.Prominence >= secondProminence * first.Height);
        return second.Height <= 0 ? null : (Floor(hist, first.Bin, second.Bin), hist.Center(first.Bin));
    }

    /// <summary>
    /// Two-component Gaussian mixture by EM (start: the 50th and 97th percentiles), and the point between the
    /// means where the weighted densities are equal: the split of a dim majority from a bright minority that
    /// may show only as a shoulder. Null when the fit collapses.
    /// </summary>
    public static double? GaussianSplit(IReadOnlyList<double> values)
    {
        var x = values.Where(double.IsFinite).ToArray();
        Array.Sort(x);
        if (x.Length < 20)
        {
            return null;
        }

        double Q(double p) => x[(int)Math.Round(p * (x.Length - 1))];
        double m1 = Q(0.5), m2 = Q(0.97), w1 = 0.9;
        var sd0 = (Q(0.84) - Q(0.16)) / 2;
        double s1 = Math.Max(sd0, 1e-3), s2 = s1;
        var r = new double[x.Length];
        for (var iter = 0; iter < 200; iter++)
        {
            for (var i = 0; i < x.Length; i++)
            {
                var a = w1 * Normal(x[i], m1, s1);
                var b = (1 - w1) * Normal(x[i], m2, s2);
                r[i] = a + b > 0 ? a / (a + b) : (x[i] < (m1 + m2) / 2 ? 1 : 0);
            }

            double n1 = 0, sx1 = 0, sx2 = 0;
            for (var i = 0; i < x.Length; i++)
            {
                n1 += r[i];
                sx1 += r[i] * x[i];
                sx2 += (1 - r[i]) * x[i];
            }

            var n2 = x.Length - n1;
            if (n1 < 3 || n2 < 3)
            {
                return null;
            }

            m1 = sx1 / n1;
            m2 = sx2 / n2;
            double v1 = 0, v2 = 0;
            for (var i = 0; i < x.Length; i++)
            {
                v1 += r[i] * (x[i] - m1) * (x[i] - m1);
                v2 += (1 - r[i]) * (x[i] - m2) * (x[i] - m2);
            }

            var before = (m1, m2, s1, s2, w1);
            s1 = Math.Max(Math.Sqrt(v1 / n1), 1e-3);
            s2 = Math.Max(Math.Sqrt(v2 / n2), 1e-3);
            w1 = n1 / x.Length;

            // Converged: parameters move < 1e-7 per step on a 0–1 axis whose histogram bins are 5e-3 wide; more iterations cannot move a cut meaningfully.
            if (Math.Abs(before.m1 - m1) + Math.Abs(before.m2 - m2) + Math.Abs(before.s1 - s1) + Math.Abs(before.s2 - s2) + Math.Abs(before.w1 - w1) < 1e-7)
            {
                break;
            }
        }

        if (!(m2 > m1))
        {
            return null;
        }

        const int Steps = 2000;
        for (var k = 0; k <= Steps; k++)
        {
            var t = m1 + ((m2 - m1) * k / Steps);
            if ((1 - w1) * Normal(t, m2, s2) >= w1 * Normal(t, m1, s1))
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>
    /// Two-component diagonal Gaussian mixture in 2-D by EM, started from the 1-D split on x, and the linear
    /// discriminant between the components (pooled variances): bright when Wx·x + Wy·y ≥ C. Null when the fit collapses.
    /// </summary>
    public static (double Wx, double Wy, double C)? LinearSplit2D(IReadOnlyList<double> x, IReadOnlyList<double> y, double xSplit)
    {
        var n = x.Count;
        if (n < 40)
        {
            return null;
        }

        var r = new double[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = x[i] >= xSplit ? 0 : 1; // responsibility of the dim component
        }

        double w1 = 0, mx1 = 0, my1 = 0, mx2 = 0, my2 = 0, vx1 = 0, vy1 = 0, vx2 = 0, vy2 = 0;
        for (var iter = 0; iter < 100; iter++)
        {
            double n1 = 0, sx1 = 0, sy1 = 0, sx2 = 0, sy2 = 0;
            for (var i = 0; i < n; i++)
            {
                n1 += r[i];
                sx1 += r[i] * x[i];
                sy1 += r[i] * y[i];
                sx2 += (1 - r[i]) * x[i];
                sy2 += (1 - r[i]) * y[i];
            }

            var n2 = n - n1;
            if (n1 < 5 || n2 < 5)
            {
                return null;
            }

            var before = (mx1, my1, mx2, my2, w1);
            (mx1, my1, mx2, my2) = (sx1 / n1, sy1 / n1, sx2 / n2, sy2 / n2);
            (vx1, vy1, vx2, vy2) = (0, 0, 0, 0);
            for (var i = 0; i < n; i++)
            {
                vx1 += r[i] * (x[i] - mx1) * (x[i] - mx1);
                vy1 += r[i] * (y[i] - my1) * (y[i] - my1);
                vx2 += (1 - r[i]) * (x[i] - mx2) * (x[i] - mx2);
                vy2 += (1 - r[i]) * (y[i] - my2) * (y[i] - my2);
            }

            (vx1, vy1, vx2, vy2) = (Math.Max(vx1 / n1, 1e-6), Math.Max(vy1 / n1, 1e-6), Math.Max(vx2 / n2, 1e-6), Math.Max(vy2 / n2, 1e-6));
            w1 = n1 / n;
            if (iter > 0 && Math.Abs(before.mx1 - mx1) + Math.Abs(before.my1 - my1) + Math.Abs(before.mx2 - mx2) + Math.Abs(before.my2 - my2) + Math.Abs(before.w1 - w1) < 1e-7)
            {
                break; // converged: the discriminant below no longer moves
            }

            for (var i = 0; i < n; i++)
            {
                var a = w1 * Math.Exp(-0.5 * (((x[i] - mx1) * (x[i] - mx1) / vx1) + ((y[i] - my1) * (y[i] - my1) / vy1))) / Math.Sqrt(vx1 * vy1);
                var b = (1 - w1) * Math.Exp(-0.5 * (((x[i] - mx2) * (x[i] - mx2) / vx2) + ((y[i] - my2) * (y[i] - my2) / vy2))) / Math.Sqrt(vx2 * vy2);
                r[i] = a + b > 0 ? a / (a + b) : (x[i] < xSplit ? 1 : 0);
            }
        }

        if (!(mx2 > mx1))
        {
            return null;
        }

        var vx = (w1 * vx1) + ((1 - w1) * vx2);
        var vy = (w1 * vy1) + ((1 - w1) * vy2);
        var wx = (mx2 - mx1) / vx;
        var wy = (my2 - my1) / vy;
        var c = (wx * (mx1 + mx2) / 2) + (wy * (my1 + my2) / 2) + Math.Log(w1 / (1 - w1));
        return double.IsFinite(wx) && double.IsFinite(wy) && double.IsFinite(c) ? (wx, wy, c) : null;
    }

    /// <summary>The part of a convex polygon where wx·x + wy·y ≥ c (one Sutherland–Hodgman step).</summary>
    public static List<(double X, double Y)> ClipHalfPlane(List<(double X, double Y)> polygon, double wx, double wy, double c)
    {
        var result = new List<(double X, double Y)>();
        for (var i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            var fa = (wx * a.X) + (wy * a.Y) - c;
            var fb = (wx * b.X) + (wy * b.Y) - c;
            if (fa >= 0)
            {
                result.Add(a);
            }

            if ((fa >= 0) != (fb >= 0))
            {
                var t = fa / (fa - fb);
                result.Add((a.X + (t * (b.X - a.X)), a.Y + (t * (b.Y - a.Y))));
            }
        }

        return result;
    }

    private static double Normal(double x, double m, double s) => Math.Exp(-0.5 * (x - m) * (x - m) / (s * s)) / s;
}
