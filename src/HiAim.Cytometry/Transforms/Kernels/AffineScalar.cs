using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>y = x · gain + offset in float with a fused multiply-add, one value at a time; <see cref="Best"/> dispatches by ISA.</summary>
internal static class AffineScalar
{
    public static void Apply(float gain, float offset, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = MathF.FusedMultiplyAdd(source[i], gain, offset);
        }
    }

    /// <summary>The widest affine kernel this machine accelerates.</summary>
    public static void Best(float gain, float offset, ReadOnlySpan<float> source, Span<float> destination)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            AffineV512.Apply(gain, offset, source, destination);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            AffineV256.Apply(gain, offset, source, destination);
        }
        else
        {
            Apply(gain, offset, source, destination);
        }
    }
}
