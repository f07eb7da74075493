namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Constants of the float32 exp, expm1 and log kernels (<see cref="ExpLogScalar"/>, <see cref="ExpLogV256"/>,
/// <see cref="ExpLogV512"/>). The polynomial coefficients are near-minimax (Chebyshev) fits computed for this
/// project with mpmath at 40 digits (<c>mpmath.chebyfit</c>) and rounded to float:
/// <list type="bullet">
/// <item>exp: expm1(r) = r + r²·Q(r) on |r| ≤ ln2/2, Q of degree 5 (fit error of Q 1.4e-9 absolute, i.e.
/// below 2e-10 relative to e^r after the r² factor).</item>
/// <item>log: log1p(f) = f − f²/2 + f³·R(f) on f ∈ [√½ − 1, √2 − 1], R of degree 8 (fit error of R 2.9e-8
/// absolute, i.e. below 5e-9 relative to log1p(f)).</item>
/// </list>
/// Range reduction is Cody–Waite with ln 2 split as <see cref="Ln2Hi"/> (9 significant bits, so n·Ln2Hi is
/// exact for |n| ≤ 2^15) plus <see cref="Ln2Lo"/>.
/// </summary>
internal static class ExpLogCoefficients
{
    /// <summary>ln 2 high part, 355/512 (exact in 9 bits).</summary>
    public const float Ln2Hi = 0.693359375f;

    /// <summary>ln 2 − <see cref="Ln2Hi"/>, rounded to float.</summary>
    public const float Ln2Lo = -2.12194442e-4f;

    /// <summary>1/ln 2 rounded to float.</summary>
    public const float Log2E = 1.44269502f;

    /// <summary>1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits.</summary>
    public const float RoundMagic = 12582912f;

    /// <summary>exp and expm1 clamp their argument to [<see cref="ExpLow"/>, <see cref="ExpHigh"/>] before reduction (n stays in [−150, 129]).</summary>
    public const float ExpLow = -104f;

    /// <summary>Upper clamp of the exp argument: e^89 already overflows float.</summary>
    public const float ExpHigh = 89f;

    /// <summary>expm1 computes x ≤ <see cref="Expm1Split"/> as 2^n·em + (2^n − 1) with a normal 2^n; above it, as exp(x) − 1.</summary>
    public const float Expm1Split = 88f;

    /// <summary>Lower clamp of expm1: below it the result is −1 in float (2^n underflows to 0 exactly at n = −127).</summary>
    public const float Expm1Low = -88f;

    // Q(r) = (expm1(r) − r)/r², highest degree first.
    public const float Q5 = 1.98909809e-4f;
    public const float Q4 = 1.39336410e-3f;
    public const float Q3 = 8.33331093e-3f;
    public const float Q2 = 4.16664650e-2f;
    public const float Q1 = 1.66666667e-1f;
    public const float Q0 = 5.00000001e-1f;

    /// <summary>Bits of √½ rounded to float: subtracting them from a float's bits puts the mantissa in [√½, √2).</summary>
    public const int SqrtHalfBits = 0x3F3504F3;

    /// <summary>Smallest positive normal float, 2^−126.</summary>
    public const float MinNormal = 1.17549435e-38f;

    /// <summary>2^23: scales a subnormal into the normal range.</summary>
    public const float TwoTo23 = 8388608f;

    // R(f) = (log1p(f) − f + f²/2)/f³, highest degree first.
    public const float R8 = 6.97161147e-2f;
    public const float R7 = -1.14797338e-1f;
    public const float R6 = 1.16854199e-1f;
    public const float R5 = -1.24256873e-1f;
    public const float R4 = 1.42490576e-1f;
    public const float R3 = -1.66678023e-1f;
    public const float R2 = 2.00007157e-1f;
    public const float R1 = -2.49999970e-1f;
    public const float R0 = 3.33333312e-1f;
}
