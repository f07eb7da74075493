namespace HiAim.Cytometry.Compensation.Kernels;

/// <summary>
/// The specification of compensation: for each event, out[j] = Σ_i in[i]·M[i,j] with one fused
/// multiply-add per term, i ascending. The vector kernels do exactly the same operations per lane,
/// so their results are bit-identical to this one. An event's results are written after all its inputs
/// are read, so <c>destinations</c> may be <c>columns</c> (in place).
/// </summary>
internal static unsafe class CompensateScalar
{
    public static void Run(float** columns, float** destinations, int channels, float* matrix, int start, int end)
    {
        var tmp = stackalloc float[channels];
        for (var e = start; e < end; e++)
        {
            for (var j = 0; j < channels; j++)
            {
                var acc = 0f;
                for (var i = 0; i < channels; i++)
                {
                    acc = MathF.FusedMultiplyAdd(columns[i][e], matrix[(i * channels) + j], acc);
                }

                tmp[j] = acc;
            }

            for (var j = 0; j < channels; j++)
            {
                destinations[j][e] = tmp[j];
            }
        }
    }
}
