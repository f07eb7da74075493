namespace HiAim.Cytometry.Gating;

/// <summary>
/// Gating-ML 2.0 (ISAC) documents: read one into a <see cref="GatingStrategy"/>, write a strategy
/// back. What is written reads back to a strategy that gives identical results.
/// </summary>
public static class GatingML
{
    /// <summary>Reads a Gating-ML 2.0 file.</summary>
    /// <param name="path">The .xml file.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="GatingMLException">The document is malformed or not Gating-ML 2.0; the message names the element and line.</exception>
    public static GatingStrategy Load(string path)
    {
        // Bounded: a strategy path such as /dev/zero must end in an error, not in running out of memory.
        using var reader = new StringReader(Internals.BoundedFile.ReadAllText(path, Internals.BoundedFile.TextInputLimit, "Gating-ML strategy"));
        return GatingMLReader.Read(reader);
    }

    /// <summary>Reads a Gating-ML 2.0 document from text.</summary>
    /// <param name="xml">The document.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="GatingMLException">The document is malformed or not Gating-ML 2.0.</exception>
    public static GatingStrategy Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var reader = new StringReader(xml);
        return GatingMLReader.Read(reader);
    }

    /// <summary>Reads a Gating-ML 2.0 document.</summary>
    /// <param name="reader">The document text.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="GatingMLException">The document is malformed or not Gating-ML 2.0.</exception>
    public static GatingStrategy Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return GatingMLReader.Read(reader);
    }

    /// <summary>Writes a strategy as a Gating-ML 2.0 document.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The document text (UTF-8 declaration, indented).</returns>
    /// <exception cref="NotSupportedException">A dimension uses a transform Gating-ML 2.0 cannot express (FlowJo biex/log).</exception>
    public static string ToXml(GatingStrategy strategy)
    {
        using var writer = new Utf8StringWriter();
        GatingMLWriter.Write(strategy, writer);
        return writer.ToString();
    }

    /// <summary>Writes a strategy to a Gating-ML 2.0 file.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="path">The file to create or overwrite.</param>
    public static void Save(GatingStrategy strategy, string path) =>
        Internals.AtomicFile.WriteAllText(path, ToXml(strategy));

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
