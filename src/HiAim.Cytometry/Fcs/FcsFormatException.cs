namespace HiAim.Cytometry.Fcs;

/// <summary>The part of an FCS file a fault was found in.</summary>
public enum FcsSegment
{
    /// <summary>The 58-byte HEADER (version and segment offsets).</summary>
    Header,
    /// <summary>The primary TEXT segment (keywords).</summary>
    Text,
    /// <summary>The supplemental TEXT segment.</summary>
    SupplementalText,
    /// <summary>The DATA segment (events).</summary>
    Data,
    /// <summary>The ANALYSIS segment.</summary>
    Analysis,
}

/// <summary>
/// A malformed or unsupported FCS file. Every fault the reader finds is reported with this family:
/// the segment, the absolute byte offset in the file, what was wrong and, where one exists,
/// the <see cref="FcsReadOptions"/> lenience option that would let the file be read.
/// </summary>
public class FcsFormatException : FormatException
{
    /// <summary>Creates an exception for a fault at <paramref name="offset"/> in <paramref name="segment"/>.</summary>
    /// <param name="segment">Segment the fault was found in.</param>
    /// <param name="offset">Absolute byte offset in the file (or stream) where the fault is.</param>
    /// <param name="fault">What was wrong, in words.</param>
    /// <param name="keyword">Keyword concerned, if any.</param>
    /// <param name="lenienceOption">Name of the <see cref="FcsReadOptions"/> property that would accept the file, if any.</param>
    public FcsFormatException(FcsSegment segment, long offset, string fault, string? keyword = null, string? lenienceOption = null)
        : base(Compose(segment, offset, fault, keyword, lenienceOption))
    {
        Segment = segment;
        Offset = offset;
        Fault = fault;
        Keyword = keyword;
        LenienceOption = lenienceOption;
    }

    /// <summary>Segment the fault was found in.</summary>
    public FcsSegment Segment { get; }

    /// <summary>Absolute byte offset of the fault in the file or stream.</summary>
    public long Offset { get; }

    /// <summary>What was wrong, without the location prefix.</summary>
    public string Fault { get; }

    /// <summary>Keyword concerned, when the fault is about a keyword.</summary>
    public string? Keyword { get; }

    /// <summary>Name of the <see cref="FcsReadOptions"/> property that would accept the file, if any.</summary>
    public string? LenienceOption { get; }

    private static string Compose(FcsSegment segment, long offset, string fault, string? keyword, string? option)
    {
        // Faults quote values from the file; a hostile file must not make a megabyte-long message.
        fault = fault.Length > 400 ? string.Concat(fault.AsSpan(0, 400), "…") : fault;
        var where = keyword is null ? $"{segment} at byte {offset}" : $"{segment} at byte {offset} ({keyword})";
        var hint = option is null ? string.Empty : $" To read it anyway, set FcsReadOptions.{option} = true.";
        return $"FCS {where}: {fault}.{hint}";
    }
}

/// <summary>The HEADER is missing, truncated or has unreadable offsets.</summary>
public sealed class FcsHeaderException : FcsFormatException
{
    /// <inheritdoc cref="FcsFormatException(FcsSegment, long, string, string?, string?)"/>
    public FcsHeaderException(long offset, string fault, string? lenienceOption = null)
        : base(FcsSegment.Header, offset, fault, null, lenienceOption) { }
}

/// <summary>A TEXT segment (primary or supplemental) cannot be tokenized, or a required keyword is missing or malformed.</summary>
public sealed class FcsTextException : FcsFormatException
{
    /// <inheritdoc cref="FcsFormatException(FcsSegment, long, string, string?, string?)"/>
    public FcsTextException(FcsSegment segment, long offset, string fault, string? keyword = null, string? lenienceOption = null)
        : base(segment, offset, fault, keyword, lenienceOption) { }
}

/// <summary>The segment offsets disagree with each other or with the file's length.</summary>
public sealed class FcsOffsetException : FcsFormatException
{
    /// <inheritdoc cref="FcsFormatException(FcsSegment, long, string, string?, string?)"/>
    public FcsOffsetException(FcsSegment segment, long offset, string fault, string? keyword = null, string? lenienceOption = null)
        : base(segment, offset, fault, keyword, lenienceOption) { }
}

/// <summary>The DATA segment cannot be decoded as the keywords describe it.</summary>
public sealed class FcsDataException : FcsFormatException
{
    /// <inheritdoc cref="FcsFormatException(FcsSegment, long, string, string?, string?)"/>
    public FcsDataException(long offset, string fault, string? keyword = null, string? lenienceOption = null)
        : base(FcsSegment.Data, offset, fault, keyword, lenienceOption) { }

    // For DATA that does not match a keyword, located at the keyword in TEXT (e.g. a $TOT larger than DATA holds).
    internal FcsDataException(FcsSegment segment, long offset, string fault, string? keyword = null, string? lenienceOption = null)
        : base(segment, offset, fault, keyword, lenienceOption) { }
}

/// <summary>The file is well formed but uses a feature this library refuses (e.g. <c>$MODE</c> C or U histograms).</summary>
public sealed class FcsUnsupportedException : FcsFormatException
{
    /// <inheritdoc cref="FcsFormatException(FcsSegment, long, string, string?, string?)"/>
    public FcsUnsupportedException(FcsSegment segment, long offset, string fault, string? keyword = null)
        : base(segment, offset, fault, keyword, null) { }
}
