using HiAim.Cytometry.Internals;

namespace HiAim.Cytometry.Fcs;

/// <summary>Specialised DATA decoders for the common uniform layouts; the scalar
/// <see cref="FcsDataDecoder.DecodeAligned{T}"/> and <see cref="FcsDataDecoder.DecodePacked{T}"/> are their specification.</summary>
internal static class FcsFastKernels
{
    /// <summary>Decodes with the best kernel for the layout, or returns <see langword="false"/> when none fits.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, FcsDataLayout layout, int events, float[][] columns, int firstRow)
    {
        var plan = layout.DecodePlan;
        var kernel = plan is null ? null : FcsDecodeKernels.Best(plan);
        if (kernel is null)
        {
            return false;
        }

        kernel.Decode(data, plan!, events, columns, firstRow);
        return true;
    }
}
