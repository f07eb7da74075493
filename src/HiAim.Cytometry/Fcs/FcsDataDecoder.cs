using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using HiAim.Cytometry.Fcs.Kernels;

namespace HiAim.Cytometry.Fcs;

/// <summary>
/// Decodes event-interleaved DATA bytes straight into one column per channel: byte order,
/// bit unpacking, <c>$PnR</c> masking and the transpose happen in one pass. Generic over the
/// output type so the same code fills float (the event matrix) and double (exact raw values).
/// </summary>
internal static class FcsDataDecoder
{
    /// <summary>Decodes <paramref name="events"/> whole events from <paramref name="data"/> into rows
    /// <paramref name="firstRow"/>.. of <paramref name="columns"/>. <paramref name="data"/> starts on an event boundary.</summary>
    public static void Decode<T>(ReadOnlySpan<byte> data, FcsDataLayout layout, int events, T[][] columns, int firstRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (events == 0)
        {
            return;
        }

        // Float columns of a common uniform layout: the best specialised kernel (the code below is its specification).
        if (typeof(T) == typeof(float) && layout.DecodePlan is { } plan && FcsDecodeKernels.Best(plan) is { } kernel)
        {
            kernel.Run.Decode(data, plan, events, (float[][])(object)columns, firstRow);
            return;
        }

        if (layout.Packed)
        {
            DecodePacked(data, layout, events, columns, firstRow);
            return;
        }

        DecodeAligned(data, layout, events, columns, firstRow);
    }

    /// <summary>The reference (scalar) decoder for byte-aligned layouts; every fast kernel is tested against it.</summary>
    public static void DecodeAligned<T>(ReadOnlySpan<byte> data, FcsDataLayout layout, int events, T[][] columns, int firstRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var slots = layout.Slots;
        var stride = (int)layout.BytesPerEvent;
        var offsets = new int[slots.Length];
        for (var c = 0; c < slots.Length; c++)
        {
            offsets[c] = (int)(slots[c].BitOffset / 8);
        }

        for (var c = 0; c < slots.Length; c++)
        {
            var slot = slots[c];
            var col = columns[c].AsSpan(firstRow, events);
            var at = offsets[c];
            switch (slot.Type)
            {
                case FcsDataType.Integer:
                    for (var e = 0; e < events; e++, at += stride)
                    {
                        col[e] = T.CreateTruncating(ReadUnsigned(data.Slice(at, slot.ContainerBytes), layout) & slot.Mask);
                    }

                    break;
                case FcsDataType.Single:
                    for (var e = 0; e < events; e++, at += stride)
                    {
                        col[e] = T.CreateTruncating(BitConverter.UInt32BitsToSingle((uint)ReadUnsigned(data.Slice(at, 4), layout)));
                    }

                    break;
                case FcsDataType.Double:
                    for (var e = 0; e < events; e++, at += stride)
                    {
                        col[e] = T.CreateTruncating(BitConverter.UInt64BitsToDouble(ReadUnsigned(data.Slice(at, 8), layout)));
                    }

                    break;
                case FcsDataType.Ascii:
                    for (var e = 0; e < events; e++, at += stride)
                    {
                        col[e] = ParseAscii<T>(data.Slice(at, slot.ContainerBytes), at);
                    }

                    break;
            }
        }
    }

    /// <summary>Reads an unsigned integer of 1..8 bytes in the layout's byte order.</summary>
    internal static ulong ReadUnsigned(ReadOnlySpan<byte> bytes, FcsDataLayout layout)
    {
        var perm = layout.Permutation;
        if (perm is not null && perm.Length == bytes.Length)
        {
            ulong p = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                p |= (ulong)bytes[i] << (8 * perm[i]);
            }

            return p;
        }

        switch (bytes.Length)
        {
            case 1: return bytes[0];
            case 2: return layout.LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);
            case 4: return layout.LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
            case 8: return layout.LittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }

        ulong v = 0;
        if (layout.LittleEndian)
        {
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                v = (v << 8) | bytes[i];
            }
        }
        else
        {
            foreach (var b in bytes)
            {
                v = (v << 8) | b;
            }
        }

        return v;
    }

    /// <summary>Packed odd-width integers: fields follow each other bit by bit; little-endian files fill each
    /// byte from its least significant bit, big-endian files from its most significant bit.</summary>
    public static void DecodePacked<T>(ReadOnlySpan<byte> data, FcsDataLayout layout, int events, T[][] columns, int firstRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var slots = layout.Slots;
        var bitsPerEvent = layout.BitsPerEvent;
        Span<byte> window = stackalloc byte[16];
        for (var e = 0; e < events; e++)
        {
            var eventBit = e * bitsPerEvent;
            for (var c = 0; c < slots.Length; c++)
            {
                var slot = slots[c];
                var bit = eventBit + slot.BitOffset;
                var first = (int)(bit >> 3);
                var shift = (int)(bit & 7);
                var needed = (shift + slot.Bits + 7) >> 3;
                window.Clear();
                data.Slice(first, needed).CopyTo(window);
                ulong value;
                if (layout.LittleEndian)
                {
                    var wide = BinaryPrimitives.ReadUInt128LittleEndian(window);
                    value = (ulong)(wide >> shift);
                }
                else
                {
                    var wide = BinaryPrimitives.ReadUInt128BigEndian(window);
                    value = (ulong)(wide >> (128 - shift - slot.Bits));
                }

                var fieldMask = slot.Bits >= 64 ? ulong.MaxValue : (1UL << slot.Bits) - 1;
                columns[c][firstRow + e] = T.CreateTruncating(value & fieldMask & slot.Mask);
            }
        }
    }

    /// <summary>Delimited ASCII (<c>$PnB/*</c>): values separated by spaces, tabs, commas or line breaks.</summary>
    public static void DecodeDelimitedAscii<T>(ReadOnlySpan<byte> data, long dataOffset, int channels, int events, T[][] columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = 0;
        for (var e = 0; e < events; e++)
        {
            for (var c = 0; c < channels; c++)
            {
                while (i < data.Length && IsSeparator(data[i]))
                {
                    i++;
                }

                var start = i;
                while (i < data.Length && !IsSeparator(data[i]))
                {
                    i++;
                }

                if (start == i)
                {
                    throw new FcsDataException(dataOffset + start, $"delimited ASCII DATA ends after {e} of $TOT={events} events (event {e + 1}, channel {c + 1} missing)", "$TOT");
                }

                columns[c][e] = ParseAscii<T>(data[start..i], dataOffset + start);
            }
        }
    }

    private static bool IsSeparator(byte b) => b is (byte)' ' or (byte)'\t' or (byte)',' or (byte)'\r' or (byte)'\n' or 0;

    private static T ParseAscii<T>(ReadOnlySpan<byte> field, long offset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var trimmed = field.Trim((byte)' ');
        if (trimmed.IsEmpty)
        {
            return T.Zero;
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            throw new FcsDataException(offset, $"ASCII value '{FcsHeader.Printable(trimmed)}' is not a number");
        }

        return T.CreateTruncating(v);
    }
}
