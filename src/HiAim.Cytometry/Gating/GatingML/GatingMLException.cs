namespace HiAim.Cytometry.Gating;

/// <summary>
/// A Gating-ML document that cannot be read: not well-formed XML, a DTD or entity, an element that
/// is not Gating-ML 2.0, a missing or malformed attribute or value, or a strategy that does not hold
/// together (missing parent, cycle), or elements nested deeper than the reader follows. The message names the
/// element and its line (and column, where known).
/// </summary>
public sealed class GatingMLException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="element">The element concerned, as written (<c>prefix:name</c>), or null.</param>
    /// <param name="lineNumber">1-based line of the element, or 0 when unknown.</param>
    /// <param name="fault">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public GatingMLException(string? element, int lineNumber, string fault, Exception? innerException = null)
        : this(element, lineNumber, 0, fault, innerException)
    {
    }

    /// <summary>Creates the exception, located to a line and a position in it.</summary>
    /// <param name="element">The element concerned, as written (<c>prefix:name</c>), or null.</param>
    /// <param name="lineNumber">1-based line of the element, or 0 when unknown.</param>
    /// <param name="linePosition">1-based position in that line (as <see cref="System.Xml.IXmlLineInfo.LinePosition"/>), or 0 when unknown.</param>
    /// <param name="fault">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public GatingMLException(string? element, int lineNumber, int linePosition, string fault, Exception? innerException = null)
        : base(Compose(element, lineNumber, linePosition, fault), innerException)
    {
        Element = element;
        LineNumber = lineNumber;
        LinePosition = lineNumber > 0 ? linePosition : 0;
        Fault = fault;
    }

    /// <summary>The element concerned (<c>prefix:name</c>), or null.</summary>
    public string? Element { get; }

    /// <summary>1-based line number, or 0 when unknown.</summary>
    public int LineNumber { get; }

    /// <summary>1-based position in <see cref="LineNumber"/>, or 0 when unknown.</summary>
    public int LinePosition { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Fault { get; }

    private static string Compose(string? element, int line, int position, string fault)
    {
        var at = position > 0 ? $"line {line}, position {position}" : $"line {line}";
        var where = (element, line) switch
        {
            (null, 0) => "Gating-ML",
            (null, _) => $"Gating-ML {at}",
            (_, 0) => $"Gating-ML <{element}>",
            _ => $"Gating-ML <{element}> at {at}",
        };
        return $"{where}: {fault}";
    }
}
