using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Ellipsoid kernel, 16 events per vector; same operation order as <see cref="EllipsoidScalar"/>.</summary>
internal static class EllipsoidV512
{
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    public static void Run(float[][] columns, float[] mean, float[] q, float distanceSquare, ulong[] words, int count)
    {
        var n = columns.Length;
        Span<Vector512<float>> d = stackalloc Vector512<float>[n];
        var limit = Vector512.Create(distanceSquare);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            ulong bits = 0;
            for (var k = 0; k < 4; k++)
            {
                var offset = (nuint)((w << 6) + (k * 16));
                for (var i = 0; i < n; i++)
                {
                    d[i] = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(columns[i]), offset) - Vector512.Create(mean[i]);
                }

                var sum = Vector512<float>.Zero;
                for (var i = 0; i < n; i++)
                {
                    var row = Vector512.Create(q[i * n]) * d[0];
                    for (var j = 1; j < n; j++)
                    {
                        row += Vector512.Create(q[(i * n) + j]) * d[j];
                    }

                    sum += d[i] * row;
                }

                bits |= (ulong)Vector512.ExtractMostSignificantBits(Vector512.LessThanOrEqual(sum, limit)) << (k * 16);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = EllipsoidScalar.Word(columns, mean, q, distanceSquare, full << 6, count);
        }
    }
}
