namespace HiAim.Cytometry.Gating;

/// <summary>
/// A Gating-ML document that cannot be read: not well-formed XML, a DTD or entity, an element that
/// is not Gating-ML 2.0, a missing or malformed attribute or value, or a strategy that does not hold
/// together (missing parent, cycle). The message names the element and its line.
/// </summary>
public sealed class GatingMLException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="element">The element concerned, as written (<c>prefix:name</c>), or null.</param>
    /// <param name="lineNumber">1-based line of the element, or 0 when unknown.</param>
    /// <param name="fault">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public GatingMLException(string? element, int lineNumber, string fault, Exception? innerException = null)
        : base(Compose(element, lineNumber, fault), innerException)
    {
        Element = element;
        LineNumber = lineNumber;
        Fault = fault;
    }

    /// <summary>The element concerned (<c>prefix:name</c>), or null.</summary>
    public string? Element { get; }

    /// <summary>1-based line number, or 0 when unknown.</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Fault { get; }

    private static string Compose(string? element, int line, string fault)
    {
        var where = (element, line) switch
        {
            (null, 0) => "Gating-ML",
            (null, _) => $"Gating-ML line {line}",
            (_, 0) => $"Gating-ML <{element}>",
            _ => $"Gating-ML <{element}> at line {line}",
        };
        return $"{where}: {fault}";
    }
}
