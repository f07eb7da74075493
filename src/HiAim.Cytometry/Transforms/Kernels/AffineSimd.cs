using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>y = x · gain + offset on the vector width <typeparamref name="W"/> (Vector256 or Vector512) with one FMA per vector (float gain and offset); scalar tail.</summary>
internal static class AffineSimd<W, F, I, D>
    where W : struct, ISimdWidth<F, I, D>
    where F : unmanaged
    where I : unmanaged
    where D : unmanaged
{
    public static void Apply(float gain, float offset, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)W.Count)
        {
            var g = W.Create(gain);
            var o = W.Create(offset);
            var last = n - (nuint)W.Count;
            for (; i <= last; i += (nuint)W.Count)
            {
                W.Store(W.FusedMultiplyAdd(W.Load(ref src, i), g, o), ref dst, i);
            }
        }

        AffineScalar.Apply(gain, offset, source[(int)i..], destination[(int)i..]);
    }
}
