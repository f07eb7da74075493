using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>The x86 operations of the 512-bit kernels, each with a software path so the kernels run (slowly, for
/// tests) on any CPU. .NET 10 exposes no AVX-512 gather intrinsic, so a 16-lane gather is two AVX2
/// <c>vpgatherdd</c> joined into one register; the rest of the kernel stays 512 bits wide.</summary>
internal static class FcsGather
{
    /// <summary>The dwords at byte offsets <paramref name="indexLo"/> (lanes 0–7) and <paramref name="indexHi"/>
    /// (lanes 8–15) from <paramref name="baseAddress"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<int> Gather16(int* baseAddress, Vector256<int> indexLo, Vector256<int> indexHi) =>
        Avx2.IsSupported
            ? Vector512.Create(Avx2.GatherVector256(baseAddress, indexLo, 1), Avx2.GatherVector256(baseAddress, indexHi, 1))
            : Vector512.Create(Gather8((byte*)baseAddress, indexLo), Gather8((byte*)baseAddress, indexHi));

    /// <summary>Reverses the bytes of each dword (<c>vpshufb</c> with <paramref name="control"/> on AVX-512BW).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SwapBytes(Vector512<uint> v, Vector512<byte> control) =>
        Avx512BW.IsSupported
            ? Avx512BW.Shuffle(v.AsByte(), control).AsUInt32()
            : (v >> 24) | ((v >> 8) & Vector512.Create(0xFF00u)) | ((v << 8) & Vector512.Create(0xFF0000u)) | (v << 24);

    /// <summary>Each lane of <paramref name="v"/> shifted right by the same lane of <paramref name="count"/>
    /// (0 for counts above 31, as <c>vpsrlvd</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftRightLogicalVariable(Vector512<uint> v, Vector512<uint> count) =>
        Avx512F.IsSupported ? Avx512F.ShiftRightLogicalVariable(v, count) : ShiftSoftware(v, count);

    private static unsafe Vector256<int> Gather8(byte* baseAddress, Vector256<int> offsets)
    {
        var lanes = stackalloc int[8];
        for (var i = 0; i < 8; i++)
        {
            lanes[i] = Unsafe.ReadUnaligned<int>(baseAddress + offsets[i]);
        }

        return Vector256.Load(lanes);
    }

    private static unsafe Vector512<uint> ShiftSoftware(Vector512<uint> v, Vector512<uint> count)
    {
        var lanes = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            lanes[i] = count[i] > 31 ? 0 : v[i] >> (int)count[i];
        }

        return Vector512.Load(lanes);
    }
}
