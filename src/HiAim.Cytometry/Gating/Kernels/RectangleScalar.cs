namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Scalar twin of the rectangle kernels: the specification.</summary>
internal static class RectangleScalar
{
    public static void Run(float[][] columns, float[] lo, float[] hi, ulong[] words, int count)
    {
        for (var w = 0; (w << 6) < count; w++)
        {
            words[w] = Word(columns, lo, hi, w << 6, count);
        }
    }

    /// <summary>The word for events [start, min(start + 64, count)).</summary>
    public static ulong Word(float[][] columns, float[] lo, float[] hi, int start, int count)
    {
        var end = Math.Min(start + 64, count);
        ulong bits = 0;
        for (var i = start; i < end; i++)
        {
            var inside = true;
            for (var d = 0; d < columns.Length; d++)
            {
                var x = columns[d][i];
                inside &= x >= lo[d] && x <= hi[d];
            }

            if (inside)
            {
                bits |= 1UL << (i - start);
            }
        }

        return bits;
    }
}
