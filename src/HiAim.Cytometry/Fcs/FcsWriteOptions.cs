namespace HiAim.Cytometry.Fcs;

/// <summary>How <see cref="FcsWriter"/> lays out a file. The default is FCS 3.1, float32, little-endian.</summary>
public sealed record FcsWriteOptions
{
    /// <summary>Defaults: FCS 3.1, <c>$DATATYPE/F</c>, little-endian.</summary>
    public static FcsWriteOptions Default { get; } = new();

    /// <summary><c>3.1</c> or <c>3.2</c>.</summary>
    public string Version { get; init; } = "3.1";

    /// <summary>Storage type of every channel.</summary>
    public FcsDataType DataType { get; init; } = FcsDataType.Single;

    /// <summary>Bits per integer value (1..64), one for all channels, when <see cref="ChannelBits"/> is not given.</summary>
    public int IntegerBits { get; init; } = 32;

    /// <summary>Bits per integer value per channel (mixed widths), overriding <see cref="IntegerBits"/>.</summary>
    public IReadOnlyList<int>? ChannelBits { get; init; }

    /// <summary>Pack integer widths that are not a multiple of 8 bit after bit instead of in whole-byte containers.</summary>
    public bool PackOddWidths { get; init; }

    /// <summary><c>$BYTEORD</c> 1,2,3,4 when <see langword="true"/>, 4,3,2,1 otherwise.</summary>
    public bool LittleEndian { get; init; } = true;

    /// <summary>TEXT delimiter; <see langword="null"/> picks one that occurs in no keyword or value, so nothing needs escaping.</summary>
    public char? Delimiter { get; init; }
}
