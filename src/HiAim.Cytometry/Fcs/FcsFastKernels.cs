namespace HiAim.Cytometry.Fcs;

/// <summary>Specialised DATA decoders for the common uniform layouts; the scalar
/// <see cref="FcsDataDecoder.DecodeAligned{T}"/> is their specification.</summary>
internal static class FcsFastKernels
{
    public static bool TryDecode(ReadOnlySpan<byte> data, FcsDataLayout layout, int events, float[][] columns, int firstRow) => false;
}
