using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiAim.Cytometry.Internals;

/// <summary>Gathers for the 512-bit kernels. .NET 10 exposes no AVX-512 gather intrinsic, so a 16-lane gather is
/// two AVX2 <c>vpgatherdd</c> joined into one register; the rest of the kernel stays 512 bits wide.</summary>
internal static class FcsGather
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<int> Gather16(int* baseAddress, Vector256<int> indexLo, Vector256<int> indexHi) =>
        Vector512.Create(Avx2.GatherVector256(baseAddress, indexLo, 1), Avx2.GatherVector256(baseAddress, indexHi, 1));
}
