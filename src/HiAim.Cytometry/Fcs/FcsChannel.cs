namespace HiAim.Cytometry.Fcs;

/// <summary>How the values of one channel are stored in DATA.</summary>
public enum FcsDataType
{
    /// <summary>Unsigned integers of <c>$PnB</c> bits (<c>$DATATYPE/I</c>).</summary>
    Integer,
    /// <summary>IEEE 754 single precision (<c>$DATATYPE/F</c>).</summary>
    Single,
    /// <summary>IEEE 754 double precision (<c>$DATATYPE/D</c>).</summary>
    Double,
    /// <summary>ASCII digits, fixed width or delimited (<c>$DATATYPE/A</c>).</summary>
    Ascii,
}

/// <summary>
/// One channel (parameter n) of an FCS dataset: its names and how its values are stored and scaled.
/// </summary>
/// <param name="Number">1-based parameter number n.</param>
/// <param name="Name">Short name <c>$PnN</c> (e.g. <c>FITC-A</c>); <c>Pn</c> when the file has none.</param>
/// <param name="Label">Long name <c>$PnS</c> (e.g. <c>CD3</c>), or empty.</param>
/// <param name="Bits">Bits per value <c>$PnB</c>; 0 for delimited ASCII (<c>*</c>).</param>
/// <param name="Range">Range <c>$PnR</c> (values are expected in 0..Range-1 for integers).</param>
/// <param name="DataType">Storage type (per channel from FCS 3.2 <c>$PnDATATYPE</c>, else <c>$DATATYPE</c>).</param>
/// <param name="LogDecades">Log amplification decades f1 of <c>$PnE</c>; 0 for linear.</param>
/// <param name="LogOffset">Log amplification offset f2 of <c>$PnE</c> (a 0 with f1 &gt; 0 is read as 1, as FlowIO does).</param>
/// <param name="Gain">Linear amplifier gain <c>$PnG</c>; 1 when absent.</param>
/// <param name="Type">FCS 3.2 <c>$PnTYPE</c> (e.g. <c>Forward_Scatter</c>), or empty.</param>
/// <param name="Detector">Detector name <c>$PnDET</c>, or empty.</param>
/// <param name="Display">Display scale <c>$PnD</c> (e.g. <c>Logarithmic,4,0.1</c>), or empty.</param>
/// <param name="Wavelengths">Excitation wavelengths <c>$PnL</c>, or empty.</param>
public sealed record FcsChannel(
    int Number,
    string Name,
    string Label,
    int Bits,
    double Range,
    FcsDataType DataType,
    double LogDecades,
    double LogOffset,
    double Gain,
    string Type,
    string Detector,
    string Display,
    string Wavelengths)
{
    /// <summary>Whether this is the time channel (<c>$PnN</c> is <c>Time</c>, any case, or <c>$PnTYPE</c> is <c>Time</c>).</summary>
    public bool IsTime =>
        Name.Trim().Equals("Time", StringComparison.OrdinalIgnoreCase) || Type.Trim().Equals("Time", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A non-fatal irregularity found while reading, kept so callers can audit a file.</summary>
/// <param name="Code">Stable short code, e.g. <c>duplicate-keyword</c>.</param>
/// <param name="Offset">Absolute byte offset concerned, or -1.</param>
/// <param name="Message">Human-readable description.</param>
public sealed record FcsWarning(string Code, long Offset, string Message)
{
    /// <summary>Segment the irregularity is in, when the reader knows it (always set for repairs).</summary>
    public FcsSegment? Segment { get; init; }

    /// <summary>Whether the reader repaired a defect to read the file (chose one reading of inconsistent offsets,
    /// ignored surplus bytes, ...), as opposed to noting an irregularity that needed no choice.</summary>
    public bool IsRepair { get; init; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var where = (Offset >= 0, Segment) switch
        {
            (true, { } s) => $" at byte {Offset} ({s})",
            (true, null) => $" at byte {Offset}",
            (false, { } s) => $" ({s})",
            _ => "",
        };
        return $"{Code}{where}: {Message}";
    }
}
