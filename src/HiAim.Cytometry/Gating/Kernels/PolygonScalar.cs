namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Scalar twin of the polygon kernels (the specification): crossing number with the even-odd rule.
/// See <see cref="PolygonEdges"/> for the exact per-edge test, which decides points on edges and
/// vertices the same way every time (the winding-number "is left" sign test, half-open in y).
/// </summary>
internal static class PolygonScalar
{
    public static void Run(float[] x, float[] y, PolygonEdges edges, ulong[] words, int count)
    {
        for (var w = 0; (w << 6) < count; w++)
        {
            words[w] = Word(x, y, edges, w << 6, count);
        }
    }

    public static ulong Word(float[] x, float[] y, PolygonEdges edges, int start, int count)
    {
        var end = Math.Min(start + 64, count);
        ulong bits = 0;
        for (var i = start; i < end; i++)
        {
            if (Inside(x[i], y[i], edges))
            {
                bits |= 1UL << (i - start);
            }
        }

        return bits;
    }

    public static bool Inside(float px, float py, PolygonEdges edges)
    {
        var odd = false;
        for (var k = 0; k < edges.Count; k++)
        {
            var inY = py >= edges.Lo[k] && py < edges.Hi[k];
            var west = edges.Dx[k] * (py - edges.Ay[k]) > (px - edges.Ax[k]) * edges.Dy[k];
            odd ^= inY && west;
        }

        return odd;
    }
}
