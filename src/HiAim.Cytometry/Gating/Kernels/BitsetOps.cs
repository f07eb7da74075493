using System.Numerics;
using System.Runtime.Intrinsics;

namespace HiAim.Cytometry.Gating.Kernels;

/// <summary>
/// Word-wise boolean algebra on bitsets: the fastest available width (Vector512, Vector256) with
/// <see cref="BitsetScalar"/> as the specification. All spans have the same length; the output may be
/// one of the inputs.
/// </summary>
internal static class BitsetOps
{
    public static void And(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 8 <= a.Length; i += 8)
            {
                (Vector512.Create(a[i..]) & Vector512.Create(b[i..])).CopyTo(result[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= a.Length; i += 4)
            {
                (Vector256.Create(a[i..]) & Vector256.Create(b[i..])).CopyTo(result[i..]);
            }
        }

        BitsetScalar.And(a[i..], b[i..], result[i..]);
    }

    public static void Or(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 8 <= a.Length; i += 8)
            {
                (Vector512.Create(a[i..]) | Vector512.Create(b[i..])).CopyTo(result[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= a.Length; i += 4)
            {
                (Vector256.Create(a[i..]) | Vector256.Create(b[i..])).CopyTo(result[i..]);
            }
        }

        BitsetScalar.Or(a[i..], b[i..], result[i..]);
    }

    public static void AndNot(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 8 <= a.Length; i += 8)
            {
                Vector512.AndNot(Vector512.Create(a[i..]), Vector512.Create(b[i..])).CopyTo(result[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= a.Length; i += 4)
            {
                Vector256.AndNot(Vector256.Create(a[i..]), Vector256.Create(b[i..])).CopyTo(result[i..]);
            }
        }

        BitsetScalar.AndNot(a[i..], b[i..], result[i..]);
    }

    /// <summary>Complements every bit, including bits past the event count: callers clear the tail.</summary>
    public static void Not(ReadOnlySpan<ulong> a, Span<ulong> result)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 8 <= a.Length; i += 8)
            {
                (~Vector512.Create(a[i..])).CopyTo(result[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= a.Length; i += 4)
            {
                (~Vector256.Create(a[i..])).CopyTo(result[i..]);
            }
        }

        BitsetScalar.Not(a[i..], result[i..]);
    }

    public static int PopCount(ReadOnlySpan<ulong> words)
    {
        long total = 0;
        foreach (var w in words)
        {
            total += BitOperations.PopCount(w);
        }

        return (int)total;
    }
}

/// <summary>Scalar twins of <see cref="BitsetOps"/>: one word at a time.</summary>
internal static class BitsetScalar
{
    public static void And(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = a[i] & b[i];
        }
    }

    public static void Or(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = a[i] | b[i];
        }
    }

    public static void AndNot(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = a[i] & ~b[i];
        }
    }

    public static void Not(ReadOnlySpan<ulong> a, Span<ulong> result)
    {
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = ~a[i];
        }
    }
}
