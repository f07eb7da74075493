using System.Globalization;
using nietras.SeparatedValues;

namespace HiAim.Cytometry.Cohort;

/// <summary>
/// The CSV writer behind every table hiaim writes (counts.csv, qc.csv, summary.csv, changes.csv, <c>hiaim gate --csv</c>,
/// <c>hiaim export</c>): Sep with RFC 4180 quoting (a field holding a comma, quote, CR or LF is quoted and its quotes
/// doubled), invariant culture and LF line ends on every platform, so the same table gives the same bytes everywhere.
/// The header is written as the first row (column names may repeat or need quoting like any other field).
/// </summary>
internal static class CsvText
{
    /// <summary>A writer onto <paramref name="to"/> (left open; disposing the writer flushes it). Sets its line end to LF.</summary>
    public static SepWriter Writer(TextWriter to)
    {
        ArgumentNullException.ThrowIfNull(to);

        // Sep ends rows with TextWriter.WriteLine: LF here, or Windows would get CRLF and other bytes.
        to.NewLine = "\n";
        return Sep.New(',').Writer(o => o with { WriteHeader = false, Escape = true, CultureInfo = CultureInfo.InvariantCulture }).To(to, leaveOpen: true);
    }

    /// <summary>Writes one row of text fields.</summary>
    public static void WriteRow(SepWriter writer, IEnumerable<string> fields)
    {
        using var row = writer.NewRow();
        var i = 0;
        foreach (var field in fields)
        {
            row[i++].Set(field);
        }
    }

    /// <summary>A whole table as text: each row's fields, quoted where needed, one LF-ended line per row.</summary>
    public static string Write(IEnumerable<IEnumerable<string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Writer(text))
        {
            foreach (var row in rows)
            {
                WriteRow(writer, row);
            }
        }

        return text.ToString();
    }
}
