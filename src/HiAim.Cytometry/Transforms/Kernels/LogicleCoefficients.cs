namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Derived constants of the logicle scale (Parks, Roederer and Moore 2006; Moore and Parks 2012;
/// Gating-ML 2.0 section 6.5). The data value for scale value y is
/// B(y) = a·e^(b·y) − c·e^(−d·y) + f (here f carries the sign that makes B(x1) = 0), reflected
/// for y &lt; x1. Near x1 a Taylor series of B avoids cancellation.
/// </summary>
internal sealed class LogicleCoefficients
{
    public const int TaylorLength = 16;

    public LogicleCoefficients(double t, double w, double m, double a)
    {
        T = t;
        W = w;
        M = m;
        A = a;
        LowerW = w / (m + a);
        X2 = a / (m + a);
        X1 = X2 + LowerW;
        X0 = X2 + (2 * LowerW);
        B = (m + a) * Math.Log(10);
        D = SolveD(B, LowerW);
        var cOverA = Math.Exp(X0 * (B + D));
        var minusFOverA = Math.Exp(B * X1) - (cOverA / Math.Exp(D * X1));
        LowerA = t / ((Math.Exp(B) - minusFOverA) - (cOverA / Math.Exp(D)));
        C = cOverA * LowerA;
        F = -minusFOverA * LowerA;
        XTaylor = X1 + (LowerW / 4);

        Taylor = new double[TaylorLength];
        var positive = LowerA * Math.Exp(B * X1);
        var negative = -C / Math.Exp(D * X1);
        for (var i = 0; i < TaylorLength; i++)
        {
            positive *= B / (i + 1);
            negative *= -D / (i + 1);
            Taylor[i] = positive + negative;
        }

        Taylor[1] = 0; // the logicle condition makes the second derivative at x1 vanish

        // Float constants for the SIMD kernels.
        X1F = (float)X1;
        TwoX1F = (float)(2 * X1);
        XTaylorF = (float)XTaylor;
        BF = (float)B;
        DF = (float)D;
        BSquaredF = (float)(B * B);
        DSquaredF = (float)(D * D);
        LogAF = (float)Math.Log(LowerA);
        LogCF = (float)Math.Log(C);
        FF = (float)F;
        InverseBF = (float)(1 / B);
        InverseSlopeF = (float)(1 / Taylor[0]);
        TaylorF = [.. Taylor.Select(v => (float)v)];

        // Above BigX the c·e^(−d·y) and f terms are below 1e-9 of x, so y = ln(x/a)/b exactly
        // (to float precision); below it the Halley iteration cannot overflow a float.
        BigX = Math.Min(1e30, Math.Max(1e9 * (Math.Abs(F) + (C * Math.Exp(-D * X1)) + LowerA), 1e6));
        BigXF = (float)BigX;
        YBigF = (float)(Math.Log(BigX / LowerA) / B);

    }

    /// <summary>Table of u = y − x1 and its derivatives over [0, BigX] for the SIMD forward, built on first use.</summary>
    public InverseGuessTable GuessTable => LazyInitializer.EnsureInitialized(ref _guessTable, () =>
        new InverseGuessTable(
            v => LogicleScalar.Forward(this, v) - X1,
            u =>
            {
                var ae = LowerA * Math.Exp(B * (X1 + u));
                var ce = C * Math.Exp(-D * (X1 + u));
                return ((B * ae) + (D * ce), (B * B * ae) - (D * D * ce));
            },
            Taylor[0] / B,
            BigX));

    private InverseGuessTable? _guessTable;

    public double T { get; }

    public double W { get; }

    public double M { get; }

    public double A { get; }

    /// <summary>w = W/(M+A).</summary>
    public double LowerW { get; }

    public double X0 { get; }

    public double X1 { get; }

    public double X2 { get; }

    public double B { get; }

    public double D { get; }

    /// <summary>a of B(y).</summary>
    public double LowerA { get; }

    public double C { get; }

    public double F { get; }

    public double XTaylor { get; }

    public double[] Taylor { get; }

    public double BigX { get; }

    public float X1F { get; }

    public float TwoX1F { get; }

    public float XTaylorF { get; }

    public float BF { get; }

    public float DF { get; }

    public float BSquaredF { get; }

    public float DSquaredF { get; }

    public float LogAF { get; }

    public float LogCF { get; }

    public float FF { get; }

    public float InverseBF { get; }

    public float InverseSlopeF { get; }

    public float[] TaylorF { get; }

    public float BigXF { get; }

    /// <summary>ln(BigX/a)/b: the pure-log scale value at BigX (caps the first guess).</summary>
    public float YBigF { get; }

    /// <summary>
    /// Solves 2·ln(d/b) + w·(b + d) = 0 for d in (0, b] (the logicle condition), with a
    /// bracketed Newton iteration that falls back to bisection. w = 0 gives d = b (arcsinh).
    /// </summary>
    public static double SolveD(double b, double w)
    {
        if (w == 0)
        {
            return b;
        }

        var tolerance = 2 * b * 2.220446049250313e-16; // 2·b·DBL_EPSILON
        double lo = 0, hi = b;
        var d = (lo + hi) / 2;
        var previousStep = hi - lo;
        var fb = (-2 * Math.Log(b)) + (w * b);
        var f = (2 * Math.Log(d)) + (w * d) + fb;
        for (var i = 0; i < 100; i++)
        {
            var df = (2 / d) + w;
            double step;
            var newtonLeavesBracket = ((((d - hi) * df) - f) * (((d - lo) * df) - f)) >= 0;
            if (newtonLeavesBracket || Math.Abs(1.9 * f) > Math.Abs(previousStep * df))
            {
                step = (hi - lo) / 2;
                d = lo + step;
                if (d == lo)
                {
                    return d;
                }
            }
            else
            {
                step = f / df;
                var before = d;
                d -= step;
                if (d == before)
                {
                    return d;
                }
            }

            if (Math.Abs(step) < tolerance)
            {
                return d;
            }

            previousStep = step;
            f = (2 * Math.Log(d)) + (w * d) + fb;
            if (f == 0)
            {
                return d;
            }

            if (f < 0)
            {
                lo = d;
            }
            else
            {
                hi = d;
            }
        }

        return d;
    }
}
