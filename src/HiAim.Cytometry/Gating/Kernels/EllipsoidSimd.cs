using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Ellipsoid kernel, one vector of events (8 or 16) at a time; same operation order as <see cref="EllipsoidScalar"/>.</summary>
internal static class EllipsoidSimd<W, F, I, D>
    where W : struct, ISimdWidth<F, I, D>
    where F : unmanaged
    where I : unmanaged
    where D : unmanaged
{
    public static void Run(float[][] columns, float[] mean, float[] q, float distanceSquare, ulong[] words, int count)
    {
        var n = columns.Length;
        Span<F> d = stackalloc F[n];
        var limit = W.Create(distanceSquare);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            ulong bits = 0;
            for (var k = 0; k < 64 / W.Count; k++)
            {
                var offset = (nuint)((w << 6) + (k * W.Count));
                for (var i = 0; i < n; i++)
                {
                    d[i] = W.Subtract(W.Load(ref MemoryMarshal.GetArrayDataReference(columns[i]), offset), W.Create(mean[i]));
                }

                var sum = W.Create(0f);
                for (var i = 0; i < n; i++)
                {
                    var row = W.Multiply(W.Create(q[i * n]), d[0]);
                    for (var j = 1; j < n; j++)
                    {
                        row = W.Add(row, W.Multiply(W.Create(q[(i * n) + j]), d[j]));
                    }

                    sum = W.Add(sum, W.Multiply(d[i], row));
                }

                bits |= (ulong)W.ExtractMostSignificantBits(W.LessThanOrEqual(sum, limit)) << (k * W.Count);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = EllipsoidScalar.Word(columns, mean, q, distanceSquare, full << 6, count);
        }
    }
}
