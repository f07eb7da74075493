using HiAim.Cytometry.Fcs.Kernels;

namespace HiAim.Cytometry.Fcs;

/// <summary>Where and how each channel's value sits inside one event of the DATA segment.</summary>
internal sealed class FcsDataLayout
{
    public required ChannelSlot[] Slots { get; init; }

    /// <summary>True when integer fields are packed bit after bit (odd widths with no byte containers).</summary>
    public required bool Packed { get; init; }

    /// <summary>Bits per event (packed) or 8 × bytes per event (byte-aligned).</summary>
    public required long BitsPerEvent { get; init; }

    /// <summary>True for delimited ASCII (<c>$PnB/*</c>): events have no fixed size.</summary>
    public required bool DelimitedAscii { get; init; }

    public required bool LittleEndian { get; init; }

    /// <summary>Significance rank (0 = least) of each stored byte when $BYTEORD is neither ascending nor descending.</summary>
    public required int[]? Permutation { get; init; }

    private FcsDecodePlan? _plan;
    private bool _planned;

    public long BytesPerEvent => BitsPerEvent / 8;

    /// <summary>The fast-kernel plan for this layout (computed once), or <see langword="null"/> when no kernel shape fits.</summary>
    public FcsDecodePlan? DecodePlan
    {
        get
        {
            if (!_planned)
            {
                _plan = FcsDecodePlan.For(this);
                _planned = true;
            }

            return _plan;
        }
    }

    /// <summary>Smallest number of events whose size is a whole number of bytes (chunks must start on a byte).</summary>
    public int EventAlignment => Packed ? (int)(8 / GreatestCommonDivisor(BitsPerEvent, 8)) : 1;

    public long DataBytesFor(long events) => DelimitedAscii ? 0 : ((events * BitsPerEvent) + 7) / 8;

    private static long GreatestCommonDivisor(long a, long b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);
}

/// <summary>One channel's field: storage type, width in the container, bit offset within the event, mask.</summary>
internal readonly record struct ChannelSlot(FcsDataType Type, int Bits, int ContainerBytes, long BitOffset, ulong Mask);
