using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Transforms.Kernels;

/// <summary>
/// Fused single-pass arcsinh on <see cref="Vector512{T}"/> (16 floats): |x|, scale, then either the odd
/// Taylor polynomial (small |u|, full relative accuracy near 0), ln(u + sqrt(u² + 1)) (FMA, Sqrt,
/// Add, Log) or ln|x| + ln(2·scale) (large |u|, no overflow), CopySign, and one FMA for gain and
/// offset. The tail (fewer than 16 values) goes to <see cref="ArcsinhScalar"/>.
/// </summary>
internal static class ArcsinhV512
{
    public static void Forward(ArcsinhCoefficients k, ReadOnlySpan<float> source, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)source.Length;
        nuint i = 0;
        if (n >= (nuint)Vector512<float>.Count)
        {
            var c = new Constants(k);
            var last = n - (nuint)Vector512<float>.Count;
            for (; i <= last; i += (nuint)Vector512<float>.Count)
            {
                Invoke(Vector512.LoadUnsafe(ref src, i), c).StoreUnsafe(ref dst, i);
            }
        }

        if (i < n)
        {
            ArcsinhScalar.Forward(k, source[(int)i..], destination[(int)i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Invoke(Vector512<float> x, in Constants c)
    {
        var t = Vector512.Abs(x);
        var u = t * c.Scale;
        var big = Vector512.GreaterThan(u, c.BigLimit);

        // Small |u|: odd polynomial u + u³·P(u²).
        var u2 = u * u;
        var p = Vector512.FusedMultiplyAdd(u2, Vector512.Create(ArcsinhCoefficients.P11), Vector512.Create(ArcsinhCoefficients.P9));
        p = Vector512.FusedMultiplyAdd(u2, p, Vector512.Create(ArcsinhCoefficients.P7));
        p = Vector512.FusedMultiplyAdd(u2, p, Vector512.Create(ArcsinhCoefficients.P5));
        p = Vector512.FusedMultiplyAdd(u2, p, Vector512.Create(ArcsinhCoefficients.P3));
        var series = Vector512.FusedMultiplyAdd(u * u2, p, u);

        // General |u|: ln(u + sqrt(u² + 1)); large |u|: ln|x| + ln(2·scale).
        var s = u + Vector512.Sqrt(Vector512.FusedMultiplyAdd(u, u, Vector512<float>.One));
        s = Vector512.ConditionalSelect(big, t, s);
        var log = Vector512.Log(s) + (big & c.LogTwoScale);

        var r = Vector512.ConditionalSelect(Vector512.LessThan(u, c.SmallLimit), series, log);
        r = Vector512.CopySign(r, x);
        return Vector512.FusedMultiplyAdd(r, c.Gain, c.Offset);
    }

    private readonly struct Constants(ArcsinhCoefficients k)
    {
        public readonly Vector512<float> Scale = Vector512.Create(k.ScaleF);
        public readonly Vector512<float> Gain = Vector512.Create(k.GainF);
        public readonly Vector512<float> Offset = Vector512.Create(k.OffsetF);
        public readonly Vector512<float> LogTwoScale = Vector512.Create(k.LogTwoScaleF);
        public readonly Vector512<float> SmallLimit = Vector512.Create(ArcsinhCoefficients.SmallLimit);
        public readonly Vector512<float> BigLimit = Vector512.Create(ArcsinhCoefficients.BigLimit);
    }
}
