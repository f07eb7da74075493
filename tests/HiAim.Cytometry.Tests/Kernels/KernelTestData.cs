using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Fcs.Kernels;

namespace HiAim.Cytometry.Tests.Kernels;

/// <summary>One layout a kernel may be asked to decode, plus random DATA bytes for it.</summary>
internal sealed record KernelCase(string Kind, int Channels, int Bits, bool LittleEndian, ulong[] Masks)
{
    public bool Packed => Kind == "packed";

    public bool IsFloat => Kind == "float";

    public FcsDataLayout Layout()
    {
        var slots = new ChannelSlot[Channels];
        long offset = 0;
        for (var c = 0; c < Channels; c++)
        {
            var type = IsFloat ? FcsDataType.Single : FcsDataType.Integer;
            var container = (Bits + 7) / 8;
            slots[c] = new ChannelSlot(type, Bits, container, offset, IsFloat ? ulong.MaxValue : Masks[c]);
            offset += Packed ? Bits : container * 8L;
        }

        return new FcsDataLayout { Slots = slots, Packed = Packed, BitsPerEvent = offset, DelimitedAscii = false, LittleEndian = LittleEndian, Permutation = null };
    }

    public override string ToString() => $"{Kind} ({Bits} bits) x{Channels} {(LittleEndian ? "LE" : "BE")}";

    /// <summary>Random cases of every shape; masks mix full-width, $PnR power-of-two and arbitrary masks.</summary>
    public static KernelCase Random(Random rng, string kind, int channels)
    {
        var bits = kind switch { "float" => 32, "int32" => 32, "int16" => 16, _ => rng.Next(1, 33) };
        var masks = new ulong[channels];
        var full = bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;
        for (var c = 0; c < channels; c++)
        {
            masks[c] = rng.Next(3) switch
            {
                0 => full,
                1 => (1UL << rng.Next(1, bits + 1)) - 1,
                _ => (ulong)rng.NextInt64() & full,
            };
        }

        return new KernelCase(kind, channels, bits, rng.Next(2) == 0, masks);
    }

    /// <summary>Random bytes; for float cases about a third of the values are NaN (random payloads, both signs,
    /// signalling and quiet), ±Inf, ±0, denormals or negative numbers.</summary>
    public static byte[] RandomData(Random rng, KernelCase k, int events, int prefix)
    {
        var layout = k.Layout();
        var bytes = new byte[prefix + layout.DataBytesFor(events)];
        rng.NextBytes(bytes);
        if (k.IsFloat)
        {
            for (var at = prefix; at + 4 <= bytes.Length; at += 4)
            {
                uint bits = rng.Next(9) switch
                {
                    0 => 0x7F800000u | (uint)rng.Next(1, 1 << 23) | (rng.Next(2) == 0 ? 0x80000000u : 0), // NaN with payload
                    1 => rng.Next(2) == 0 ? 0x7F800000u : 0xFF800000u,
                    2 => (uint)rng.Next(1, 1 << 23) | (rng.Next(2) == 0 ? 0x80000000u : 0), // denormal
                    3 => rng.Next(2) == 0 ? 0u : 0x80000000u,
                    4 => BitConverter.SingleToUInt32Bits(-(float)rng.NextDouble() * 1e6f),
                    _ => (uint)rng.NextInt64(),
                };
                if (!k.LittleEndian)
                {
                    bits = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bits);
                }

                BitConverter.TryWriteBytes(bytes.AsSpan(at), bits);
            }
        }

        return bytes;
    }

    public static float[][] Columns(int channels, int rows, float fill = float.NaN)
    {
        var cols = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            cols[c] = new float[rows];
            cols[c].AsSpan().Fill(fill);
        }

        return cols;
    }

    /// <summary>The specification: the scalar reference decoders.</summary>
    public static float[][] Reference(KernelCase k, ReadOnlySpan<byte> data, int events)
    {
        var cols = Columns(k.Channels, events);
        if (k.Packed)
        {
            FcsDataDecoder.DecodePacked(data, k.Layout(), events, cols, 0);
        }
        else
        {
            FcsDataDecoder.DecodeAligned(data, k.Layout(), events, cols, 0);
        }

        return cols;
    }

    /// <summary>First difference of bit patterns (so NaN payloads count), or null when identical.</summary>
    public static string? FirstDifference(float[][] expected, float[][] actual, int firstRow, int events)
    {
        for (var c = 0; c < expected.Length; c++)
        {
            for (var e = 0; e < events; e++)
            {
                var x = BitConverter.SingleToUInt32Bits(expected[c][e]);
                var y = BitConverter.SingleToUInt32Bits(actual[c][firstRow + e]);
                if (x != y)
                {
                    return $"channel {c}, event {e}: expected 0x{x:X8} ({expected[c][e]}), got 0x{y:X8} ({actual[c][firstRow + e]})";
                }
            }
        }

        return null;
    }

    public static IEnumerable<string> KindsFor(FcsDecodeShape shape) => shape switch
    {
        FcsDecodeShape.Uniform4 => ["float", "int32"],
        FcsDecodeShape.Uniform2 => ["int16"],
        _ => ["packed"],
    };
}
