namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Derived constants of the hyperlog scale (Bagwell 2005, Gating-ML 2.0 section 6.6). The data
/// value for scale value y ≥ x1 is EH(y) = a·e^(b·y) + c·y − f, reflected for y &lt; x1; near x1
/// a Taylor series of EH avoids cancellation.
/// </summary>
internal sealed class HyperlogCoefficients
{
    public const int TaylorLength = 16;

    public HyperlogCoefficients(double t, double w, double m, double a)
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
        var e0 = Math.Exp(B * X0);
        var cOverA = e0 / LowerW;
        var fOverA = Math.Exp(B * X1) + (cOverA * X1);
        LowerA = t / (Math.Exp(B) + cOverA - fOverA);
        C = cOverA * LowerA;
        F = fOverA * LowerA;
        XTaylor = X1 + (LowerW / 4);

        Taylor = new double[TaylorLength];
        var coefficient = LowerA * Math.Exp(B * X1);
        for (var i = 0; i < TaylorLength; i++)
        {
            coefficient *= B / (i + 1);
            Taylor[i] = coefficient;
        }

        Taylor[0] += C; // the linear term c·y

        // First guess switch: EH(x0), the data value at the top of the linear region.
        Knee = ((LowerA * Math.Exp(B * X0)) + (C * X0)) - F;

        X1F = (float)X1;
        TwoX1F = (float)(2 * X1);
        XTaylorF = (float)XTaylor;
        BF = (float)B;
        BSquaredF = (float)(B * B);
        LogAF = (float)Math.Log(LowerA);
        CF = (float)C;
        FF = (float)F;
        InverseBF = (float)(1 / B);
        KneeF = (float)Knee;
        LinearSlopeF = (float)(1 / Taylor[0]); // tangent at x1: an upper bound of the root (EH is convex)
        TaylorF = [.. Taylor.Select(v => (float)v)];

        // Above BigX, c·y and f are below 1e-9 of x: y = ln(x/a)/b to float precision.
        BigX = Math.Min(1e30, Math.Max(1e9 * (Math.Abs(F) + (64 * C) + LowerA), 1e6));
        BigXF = (float)BigX;
        YBigF = (float)(Math.Log(BigX / LowerA) / B);
    }

    /// <summary>Table of u = y − x1 and its derivatives over [0, BigX] for the SIMD forward, built on first use.</summary>
    public InverseGuessTable GuessTable => LazyInitializer.EnsureInitialized(ref _guessTable, () =>
        new InverseGuessTable(
            v => HyperlogScalar.Forward(this, v) - X1,
            u =>
            {
                var ae = LowerA * Math.Exp(B * (X1 + u));
                return ((B * ae) + C, B * B * ae);
            },
            Taylor[0] / B,
            BigX));

    private InverseGuessTable? _guessTable;

    public double T { get; }

    public double W { get; }

    public double M { get; }

    public double A { get; }

    public double LowerW { get; }

    public double X0 { get; }

    public double X1 { get; }

    public double X2 { get; }

    public double B { get; }

    public double LowerA { get; }

    public double C { get; }

    public double F { get; }

    public double XTaylor { get; }

    public double Knee { get; }

    public double[] Taylor { get; }

    public double BigX { get; }

    public float X1F { get; }

    public float TwoX1F { get; }

    public float XTaylorF { get; }

    public float BF { get; }

    public float BSquaredF { get; }

    public float LogAF { get; }

    public float CF { get; }

    public float FF { get; }

    public float InverseBF { get; }

    public float KneeF { get; }

    public float LinearSlopeF { get; }

    public float[] TaylorF { get; }

    public float BigXF { get; }

    /// <summary>ln(BigX/a)/b: the pure-log scale value at BigX (caps the first guess).</summary>
    public float YBigF { get; }
}
