using System.Text;

namespace HiAim.Cytometry.Fcs;

/// <summary>How integer values are masked when <c>$PnR</c> is below 2^<c>$PnB</c> (the unused high bits may carry other data).</summary>
public enum FcsBitMask
{
    /// <summary>Keep the lowest ceil(log2 <c>$PnR</c>) bits, as the standard intends (and fcsparser and flowCore do). Default.</summary>
    PowerOfTwo,
    /// <summary>AND with <c>$PnR</c> − 1, as FlowIO does; differs from <see cref="PowerOfTwo"/> only when <c>$PnR</c> is not a power of two.</summary>
    RangeMinusOne,
    /// <summary>No masking: values exactly as stored.</summary>
    None,
}

/// <summary>What a doubled delimiter inside TEXT means.</summary>
public enum FcsDoubledDelimiter
{
    /// <summary>By version: an empty value in FCS 2.0 files (their writers emit <c>/$P3S//</c>), an escaped delimiter from FCS 3.0 on. Default.</summary>
    Auto,
    /// <summary>Always an escaped literal delimiter (FlowIO reads every version this way).</summary>
    Escape,
    /// <summary>Always the end of an empty value.</summary>
    EmptyValue,
}

/// <summary>
/// Options for <see cref="FcsFile"/>. By default (<see cref="RepairDefects"/>) defects with one unambiguous
/// reading are repaired and each repair is recorded in <see cref="FcsFile.Warnings"/>; what remains ambiguous or
/// lost is refused with an <see cref="FcsFormatException"/> that names the option reading it anyway.
/// <see cref="Strict"/> refuses every defect.
/// </summary>
public sealed record FcsReadOptions
{
    /// <summary>Default options: unambiguous defects repaired with a warning, first dataset, power-of-two masks.</summary>
    public static FcsReadOptions Default { get; } = new();

    /// <summary>Strict options: every defect refused (the named lenience options still apply when set).</summary>
    public static FcsReadOptions Strict { get; } = new() { RepairDefects = false };

    /// <summary>
    /// Repair defects that have exactly one reading (a DATA segment longer than <c>$TOT</c> events, offsets that
    /// disagree where only one pair fits, junk after an offset number, supplemental TEXT that is not TEXT, ...),
    /// each with a warning. On by default; off in <see cref="Strict"/>.
    /// </summary>
    public bool RepairDefects { get; init; } = true;

    /// <summary>Zero-based dataset to read from a multi-dataset (<c>$NEXTDATA</c>) file.</summary>
    public int Dataset { get; init; }

    /// <summary>Read keywords and channels only; <see cref="FcsFile.Events"/> is then empty.</summary>
    public bool SkipData { get; init; }

    /// <summary>Also decode the raw values in double precision into <see cref="FcsFile.RawValues"/> (exact for integers wider than 24 bits and for <c>$DATATYPE/D</c>).</summary>
    public bool DoublePrecision { get; init; }

    /// <summary>How integer values are masked by <c>$PnR</c>.</summary>
    public FcsBitMask BitMask { get; init; } = FcsBitMask.PowerOfTwo;

    /// <summary>TEXT encoding; <see langword="null"/> = UTF-8 when the bytes are valid UTF-8, otherwise Latin-1.</summary>
    public Encoding? TextEncoding { get; init; }

    /// <summary>What a doubled delimiter in TEXT means.</summary>
    public FcsDoubledDelimiter DoubledDelimiter { get; init; }

    /// <summary>Lenience: when HEADER and <c>$BEGINDATA</c>/<c>$ENDDATA</c> disagree, use the TEXT keywords.</summary>
    public bool PreferTextDataOffsets { get; init; }

    /// <summary>Lenience: when HEADER and <c>$BEGINDATA</c>/<c>$ENDDATA</c> disagree, use the HEADER offsets.</summary>
    public bool PreferHeaderDataOffsets { get; init; }

    /// <summary>Lenience: accept a DATA segment one byte longer than <c>$TOT</c> events (an <c>$ENDDATA</c> pointing one past the last byte, even past the end of the file).</summary>
    public bool TolerateEndDataOffByOne { get; init; }

    /// <summary>Lenience: accept a DATA segment longer than <c>$TOT</c> events by any amount; the surplus is ignored.</summary>
    public bool TolerateExtraDataBytes { get; init; }

    /// <summary>Lenience: accept an FCS 3.x dataset without <c>$BEGINDATA</c>/<c>$ENDDATA</c> and use the HEADER offsets.</summary>
    public bool TolerateMissingBeginData { get; init; }

    /// <summary>Lenience: DATA ends before <c>$TOT</c> whole events (a truncated copy): read the whole events present;
    /// a warning says how many were lost.</summary>
    public bool TolerateTruncatedData { get; init; }

    /// <summary>Lenience: read a dataset whose HEADER version is not FCS2.0, 3.0, 3.1 or 3.2 as the nearest known version.</summary>
    public bool AllowUnknownVersion { get; init; }

    /// <summary>
    /// Spillover detector → channel (<c>$PnN</c>), for spillover keywords whose detector names are not this dataset's channel
    /// names: e.g. Beckman <c>$DFCiTOj</c> detector <c>FL1</c> when the dataset records both <c>FL1 Log</c> and <c>FL1 Lin</c>,
    /// or a <c>$SPILLOVER</c> written with other names. Null: detectors are matched by name (and by the Beckman convention).
    /// </summary>
    public IReadOnlyDictionary<string, string>? SpilloverDetectors { get; init; }

    /// <summary>All lenience options on: read what can be read of known-defective files.</summary>
    public static FcsReadOptions Lenient { get; } = new()
    {
        PreferTextDataOffsets = true,
        TolerateEndDataOffByOne = true,
        TolerateExtraDataBytes = true,
        TolerateMissingBeginData = true,
    };
}
