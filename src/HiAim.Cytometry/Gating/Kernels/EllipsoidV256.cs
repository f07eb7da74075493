using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>Ellipsoid kernel, 8 events per vector; same operation order as <see cref="EllipsoidScalar"/>.</summary>
internal static class EllipsoidV256
{
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public static void Run(float[][] columns, float[] mean, float[] q, float distanceSquare, ulong[] words, int count)
    {
        var n = columns.Length;
        Span<Vector256<float>> d = stackalloc Vector256<float>[n];
        var limit = Vector256.Create(distanceSquare);
        var full = count >> 6;
        for (var w = 0; w < full; w++)
        {
            ulong bits = 0;
            for (var k = 0; k < 8; k++)
            {
                var offset = (nuint)((w << 6) + (k * 8));
                for (var i = 0; i < n; i++)
                {
                    d[i] = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(columns[i]), offset) - Vector256.Create(mean[i]);
                }

                var sum = Vector256<float>.Zero;
                for (var i = 0; i < n; i++)
                {
                    var row = Vector256.Create(q[i * n]) * d[0];
                    for (var j = 1; j < n; j++)
                    {
                        row += Vector256.Create(q[(i * n) + j]) * d[j];
                    }

                    sum += d[i] * row;
                }

                bits |= (ulong)Vector256.ExtractMostSignificantBits(Vector256.LessThanOrEqual(sum, limit)) << (k * 8);
            }

            words[w] = bits;
        }

        if ((count & 63) != 0)
        {
            words[full] = EllipsoidScalar.Word(columns, mean, q, distanceSquare, full << 6, count);
        }
    }
}
