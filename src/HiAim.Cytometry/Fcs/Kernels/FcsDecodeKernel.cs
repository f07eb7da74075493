using HiAim.Cytometry.Kernels;

namespace HiAim.Cytometry.Fcs.Kernels;

/// <summary>
/// One DATA decode kernel for one ISA: transposes event-interleaved fields into float columns, applying byte
/// order, bit unpacking and masks. <see cref="FcsDataDecoder.DecodeAligned{T}"/> and
/// <see cref="FcsDataDecoder.DecodePacked{T}"/> are the specification every kernel is tested against.
/// </summary>
internal abstract class FcsDecodeKernel
{
    /// <summary>Events decoded per block: the block's bytes stay in L1 while each channel is gathered from it.</summary>
    protected const int BlockEvents = FcsBlock.Events;

    /// <summary>Name used by tests, benchmarks and the <c>HIAIM_FCS_KERNEL</c> override.</summary>
    public abstract string Name { get; }

    public abstract FcsDecodeShape Shape { get; }

    /// <summary>The instruction set the kernel is written for (see <see cref="KernelRegistry.IsAccelerated"/>).</summary>
    public abstract KernelIsa Isa { get; }

    /// <summary>True when the kernel handles this plan (the shape matches and any width limits hold).</summary>
    public virtual bool CanDecode(FcsDecodePlan plan) => plan.Shape == Shape;

    /// <summary>Decodes <paramref name="events"/> events from <paramref name="data"/> (which starts on an event
    /// boundary) into rows <paramref name="firstRow"/>.. of <paramref name="columns"/>.</summary>
    public abstract void Decode(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow);

    public override string ToString() => Name;
}

/// <summary>Argument checks shared by the kernels (they read with unchecked pointers after these).</summary>
internal static class FcsKernelGuard
{
    public static void Check(ReadOnlySpan<byte> data, FcsDecodePlan plan, int events, float[][] columns, int firstRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        if (((events * plan.BitsPerEvent) + 7) / 8 > data.Length)
        {
            throw new ArgumentException($"{events} events need {((events * plan.BitsPerEvent) + 7) / 8} bytes; the span has {data.Length}.", nameof(data));
        }

        if (columns.Length < plan.Channels)
        {
            throw new ArgumentException($"{plan.Channels} channels need as many columns; got {columns.Length}.", nameof(columns));
        }

        for (var c = 0; c < plan.Channels; c++)
        {
            if (columns[c].Length - (long)firstRow < events)
            {
                throw new ArgumentException($"Column {c} has {columns[c].Length} rows; {firstRow}+{events} needed.", nameof(columns));
            }
        }
    }
}
