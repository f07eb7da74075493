namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// y = Gain · asinh(Scale · x) + Offset, the common form of Gating-ML <c>fasinh</c>
/// (Scale = sinh(M·ln10)/T, Gain = 1/((M+A)·ln10), Offset = A/(M+A)) and of the cofactor form
/// asinh(x / cofactor) (Scale = 1/cofactor, Gain = 1, Offset = 0).
/// </summary>
internal sealed class ArcsinhCoefficients
{
    /// <summary>|Scale·x| below this uses the odd Taylor polynomial (no log(1+u) cancellation).</summary>
    public const float SmallLimit = 0.25f;

    /// <summary>|Scale·x| above this uses asinh(u) = ln(2u), written as ln|x| + ln(2·Scale) so Scale·x cannot overflow.</summary>
    public const float BigLimit = 4096f;

    public ArcsinhCoefficients(double scale, double gain, double offset)
    {
        Scale = scale;
        Gain = gain;
        Offset = offset;
        ScaleF = (float)scale;
        GainF = (float)gain;
        OffsetF = (float)offset;
        LogTwoScaleF = (float)Math.Log(2 * scale);
    }

    public double Scale { get; }

    public double Gain { get; }

    public double Offset { get; }

    public float ScaleF { get; }

    public float GainF { get; }

    public float OffsetF { get; }

    /// <summary>ln(2·Scale), added to ln|x| for large arguments.</summary>
    public float LogTwoScaleF { get; }

    // Odd Taylor coefficients of asinh(u) = Σ (-1)^n (2n)! / (4^n (n!)^2 (2n+1)) u^(2n+1), n = 1..5.
    // Truncation after u^11 leaves a relative error below 2e-9 for |u| ≤ 0.25.
    public const float P3 = -1f / 6f;
    public const float P5 = 3f / 40f;
    public const float P7 = -5f / 112f;
    public const float P9 = 35f / 1152f;
    public const float P11 = -63f / 2816f;
}
