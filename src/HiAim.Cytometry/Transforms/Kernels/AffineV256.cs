using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>y = x · gain + offset on <see cref="Vector256{T}"/> with one FMA per vector (float gain and offset); scalar tail.</summary>
/// <remarks>Kept as hand-written Vector256 and Vector512 copies: a generic body over ISimdWidth measured slower in a
/// Stopwatch loop over LinearTransform.Apply (65,536 values, best of 15 rounds): V256 0.297 / 0.300 ns/value against
/// 0.185 / 0.199 for these classes, V512 0.304 / 0.292 against 0.185 / 0.165 (benchmarks/README.md, "Width-generic
/// kernels").</remarks>
internal static class AffineV256
{
    public static void Apply(float gain, float offset, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector256<float>.Count)
        {
            var g = Vector256.Create(gain);
            var o = Vector256.Create(offset);
            var last = n - (nuint)Vector256<float>.Count;
            for (; i <= last; i += (nuint)Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref src, i), g, o).StoreUnsafe(ref dst, i);
            }
        }

        AffineScalar.Apply(gain, offset, source[(int)i..], destination[(int)i..]);
    }
}
