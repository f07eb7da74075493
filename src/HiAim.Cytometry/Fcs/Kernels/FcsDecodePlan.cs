namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>The shape of DATA a fast kernel can decode, derived once from an <see cref="FcsDataLayout"/>.</summary>
internal enum FcsDecodeShape
{
    /// <summary>Every channel is a 4-byte field: float32, or an unsigned integer in a 4-byte container.</summary>
    Uniform4,

    /// <summary>Every channel is an unsigned integer in a 2-byte container.</summary>
    Uniform2,

    /// <summary>Every channel is an unsigned integer of the same width, packed bit after bit.</summary>
    Packed,
}

/// <summary>What a fast kernel needs to know about the DATA layout (all kernels of one shape read the same plan).</summary>
internal sealed class FcsDecodePlan
{
    private FcsDecodePlan(FcsDecodeShape shape, int channels, int bits, long bitsPerEvent, bool littleEndian, bool isFloat, uint[] masks)
    {
        Shape = shape;
        Channels = channels;
        Bits = bits;
        BitsPerEvent = bitsPerEvent;
        LittleEndian = littleEndian;
        IsFloat = isFloat;
        Masks = masks;
    }

    public FcsDecodeShape Shape { get; }

    public int Channels { get; }

    /// <summary>Field width in bits (32 for <see cref="FcsDecodeShape.Uniform4"/>, 16 for <see cref="FcsDecodeShape.Uniform2"/>).</summary>
    public int Bits { get; }

    public long BitsPerEvent { get; }

    /// <summary>Bytes per event for the byte-aligned shapes.</summary>
    public int Stride => (int)(BitsPerEvent / 8);

    /// <summary>Byte order for the aligned shapes, bit order for <see cref="FcsDecodeShape.Packed"/>.</summary>
    public bool LittleEndian { get; }

    /// <summary>True when every channel is float32 (bits are copied, NaN payloads kept).</summary>
    public bool IsFloat { get; }

    /// <summary>Per-channel mask (field mask and <c>$PnR</c> mask combined); all ones for float.</summary>
    public uint[] Masks { get; }

    /// <summary>A plan for <paramref name="layout"/>, or <see langword="null"/> when no fast kernel shape fits.</summary>
    public static FcsDecodePlan? For(FcsDataLayout layout)
    {
        var slots = layout.Slots;
        if (slots.Length == 0 || layout.DelimitedAscii || layout.Permutation is not null || layout.BitsPerEvent <= 0)
        {
            return null;
        }

        var first = slots[0];
        var masks = new uint[slots.Length];
        if (layout.Packed)
        {
            var w = first.Bits;
            if (w is < 1 or > 32)
            {
                return null;
            }

            var fieldMask = w == 32 ? uint.MaxValue : (1u << w) - 1;
            for (var c = 0; c < slots.Length; c++)
            {
                var s = slots[c];
                if (s.Type != FcsDataType.Integer || s.Bits != w || s.BitOffset != (long)c * w)
                {
                    return null;
                }

                masks[c] = (uint)(s.Mask & fieldMask);
            }

            return new FcsDecodePlan(FcsDecodeShape.Packed, slots.Length, w, layout.BitsPerEvent, layout.LittleEndian, false, masks);
        }

        if (layout.BitsPerEvent % 8 != 0)
        {
            return null;
        }

        var container = first.Type == FcsDataType.Single ? 4 : first.ContainerBytes;
        if (container is not (2 or 4) || (first.Type is not (FcsDataType.Single or FcsDataType.Integer)) || layout.BitsPerEvent != 8L * container * slots.Length)
        {
            return null;
        }

        var isFloat = first.Type == FcsDataType.Single;
        for (var c = 0; c < slots.Length; c++)
        {
            var s = slots[c];
            if (s.Type != first.Type || s.BitOffset != 8L * container * c || (!isFloat && s.ContainerBytes != container))
            {
                return null;
            }

            var containerMask = container == 4 ? uint.MaxValue : 0xFFFFu;
            masks[c] = isFloat ? uint.MaxValue : (uint)(s.Mask & containerMask);
        }

        return new FcsDecodePlan(container == 4 ? FcsDecodeShape.Uniform4 : FcsDecodeShape.Uniform2, slots.Length, container * 8, layout.BitsPerEvent, layout.LittleEndian, isFloat, masks);
    }
}
