namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Scalar twin of the ellipsoid kernels (the specification). With d = v − mean, the squared
/// Mahalanobis distance is accumulated as Σᵢ dᵢ·(Σⱼ Qᵢⱼ·dⱼ) in that exact order (no fused
/// multiply-add), so every width gives the same bits; inside when it is ≤ distanceSquare.
/// </summary>
internal static class EllipsoidScalar
{
    public static void Run(float[][] columns, float[] mean, float[] q, float distanceSquare, ulong[] words, int count)
    {
        for (var w = 0; (w << 6) < count; w++)
        {
            words[w] = Word(columns, mean, q, distanceSquare, w << 6, count);
        }
    }

    public static ulong Word(float[][] columns, float[] mean, float[] q, float distanceSquare, int start, int count)
    {
        var n = columns.Length;
        Span<float> d = stackalloc float[n];
        var end = Math.Min(start + 64, count);
        ulong bits = 0;
        for (var e = start; e < end; e++)
        {
            for (var i = 0; i < n; i++)
            {
                d[i] = columns[i][e] - mean[i];
            }

            var sum = 0f;
            for (var i = 0; i < n; i++)
            {
                var row = q[i * n] * d[0];
                for (var j = 1; j < n; j++)
                {
                    row += q[(i * n) + j] * d[j];
                }

                sum += d[i] * row;
            }

            if (sum <= distanceSquare)
            {
                bits |= 1UL << (e - start);
            }
        }

        return bits;
    }
}
