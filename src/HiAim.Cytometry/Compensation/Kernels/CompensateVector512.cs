using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Compensation.Kernels;

/// <summary>
/// 16 events per block, 8 output detectors per pass so eight independent FMA chains hide the FMA
/// latency; the block's results go to a scratch buffer first, so compensating in place (destinations = columns) is safe.
/// </summary>
internal static unsafe class CompensateVector512
{
    public static void Run(float** columns, float** destinations, int channels, float* matrix, int start, int end)
    {
        // Pre-broadcast coefficients so each FMA takes its coefficient as a memory operand (no shuffle per term).
        var broadcast = GC.AllocateUninitializedArray<Vector512<float>>(channels * channels, pinned: true);
        for (var k = 0; k < broadcast.Length; k++)
        {
            broadcast[k] = Vector512.Create(matrix[k]);
        }

        fixed (Vector512<float>* coefficients = broadcast)
        {
            Blocks(columns, destinations, channels, coefficients, start, end);
        }

        CompensateScalar.Run(columns, destinations, channels, matrix, start + ((end - start) / 16 * 16), end);
    }

    private static void Blocks(float** columns, float** destinations, int channels, Vector512<float>* matrix, int start, int end)
    {
        const int lanes = 16;
        var scratch = stackalloc float[channels * lanes];
        var e = start;
        for (; e + lanes <= end; e += lanes)
        {
            var j0 = 0;
            for (; j0 + 8 <= channels; j0 += 8)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                for (var i = 0; i < channels; i++)
                {
                    var x = Vector512.Load(columns[i] + e);
                    var m = matrix + (i * channels) + j0;
                    a0 = Vector512.FusedMultiplyAdd(x, m[0], a0);
                    a1 = Vector512.FusedMultiplyAdd(x, m[1], a1);
                    a2 = Vector512.FusedMultiplyAdd(x, m[2], a2);
                    a3 = Vector512.FusedMultiplyAdd(x, m[3], a3);
                    a4 = Vector512.FusedMultiplyAdd(x, m[4], a4);
                    a5 = Vector512.FusedMultiplyAdd(x, m[5], a5);
                    a6 = Vector512.FusedMultiplyAdd(x, m[6], a6);
                    a7 = Vector512.FusedMultiplyAdd(x, m[7], a7);
                }

                var s = scratch + (j0 * lanes);
                a0.Store(s);
                a1.Store(s + lanes);
                a2.Store(s + (2 * lanes));
                a3.Store(s + (3 * lanes));
                a4.Store(s + (4 * lanes));
                a5.Store(s + (5 * lanes));
                a6.Store(s + (6 * lanes));
                a7.Store(s + (7 * lanes));
            }

            for (; j0 + 4 <= channels; j0 += 4)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var i = 0; i < channels; i++)
                {
                    var x = Vector512.Load(columns[i] + e);
                    var m = matrix + (i * channels) + j0;
                    a0 = Vector512.FusedMultiplyAdd(x, m[0], a0);
                    a1 = Vector512.FusedMultiplyAdd(x, m[1], a1);
                    a2 = Vector512.FusedMultiplyAdd(x, m[2], a2);
                    a3 = Vector512.FusedMultiplyAdd(x, m[3], a3);
                }

                var s = scratch + (j0 * lanes);
                a0.Store(s);
                a1.Store(s + lanes);
                a2.Store(s + (2 * lanes));
                a3.Store(s + (3 * lanes));
            }

            for (; j0 < channels; j0++)
            {
                Vector512<float> a0 = default;
                for (var i = 0; i < channels; i++)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(columns[i] + e), matrix[(i * channels) + j0], a0);
                }

                a0.Store(scratch + (j0 * lanes));
            }

            for (var j = 0; j < channels; j++)
            {
                Vector512.Load(scratch + (j * lanes)).Store(destinations[j] + e);
            }
        }

    }
}
