using System.Globalization;
using System.Text;

namespace HiAim.Cytometry.Cohort;

/// <summary>One row of a <see cref="SampleSheet"/>: the sample's file name and its other columns.</summary>
/// <param name="File">File name as written in the sheet (matched to input files by name, case-insensitively).</param>
/// <param name="Values">The values of <see cref="SampleSheet.Columns"/>, in that order.</param>
/// <param name="Line">1-based line of the row in the sheet (for messages).</param>
public sealed record SampleSheetRow(string File, IReadOnlyList<string> Values, int Line);

/// <summary>
/// A CSV sample sheet: a header with a <c>file</c> column and any others (e.g. <c>patient,arm,timepoint</c>), one row per
/// sample file. The columns <c>beads_per_test</c> and <c>volume_ul</c>, when present, give the bead formula's lot value and
/// blood volume per sample. Fields may be quoted ("a, b" and "" for a quote), as spreadsheets write them.
/// </summary>
public sealed class SampleSheet
{
    /// <summary>Column giving Trucount beads per test.</summary>
    public const string BeadsPerTestColumn = "beads_per_test";

    /// <summary>Column giving the whole-blood volume per tube, µL.</summary>
    public const string VolumeColumn = "volume_ul";

    private readonly Dictionary<string, SampleSheetRow> _byFile;

    private SampleSheet(string source, IReadOnlyList<string> columns, IReadOnlyList<SampleSheetRow> rows)
    {
        Source = source;
        Columns = columns;
        Rows = rows;
        _byFile = new Dictionary<string, SampleSheetRow>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            if (!_byFile.TryAdd(row.File, row))
            {
                throw new SampleSheetException(source, row.Line, $"file '{row.File}' is listed twice (first on line {_byFile[row.File].Line})");
            }
        }
    }

    /// <summary>Where the sheet came from (path or a name), for messages.</summary>
    public string Source { get; }

    /// <summary>Column names other than <c>file</c>, in sheet order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Rows in sheet order.</summary>
    public IReadOnlyList<SampleSheetRow> Rows { get; }

    /// <summary>Reads a sheet from a CSV file (UTF-8, with or without BOM).</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The sheet.</returns>
    /// <exception cref="SampleSheetException">No <c>file</c> column, a ragged or duplicate row, or a bad number.</exception>
    public static SampleSheet Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>Reads a sheet from CSV text.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="source">Name used in messages.</param>
    /// <returns>The sheet.</returns>
    /// <exception cref="SampleSheetException">No <c>file</c> column, a ragged or duplicate row, or a bad number.</exception>
    public static SampleSheet Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        var lineNo = 0;
        List<string>? header = null;
        var rows = new List<SampleSheetRow>();
        int fileIndex = -1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0 || (header is null && line.Trim().Length == 0))
            {
                continue;
            }

            var fields = SplitCsvLine(line, source, lineNo);
            if (header is null)
            {
                header = [.. fields.Select(f => f.Trim())];
                fileIndex = header.FindIndex(h => h.Equals("file", StringComparison.OrdinalIgnoreCase));
                if (fileIndex < 0)
                {
                    throw new SampleSheetException(source, lineNo, $"the header has no 'file' column (columns: {string.Join(", ", header)})");
                }

                var dup = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
                if (dup is not null)
                {
                    throw new SampleSheetException(source, lineNo, $"column '{dup.Key}' appears twice in the header");
                }

                continue;
            }

            if (fields.Count != header.Count)
            {
                throw new SampleSheetException(source, lineNo, $"{fields.Count} fields where the header has {header.Count}");
            }

            var file = fields[fileIndex].Trim();
            if (file.Length == 0)
            {
                throw new SampleSheetException(source, lineNo, "the 'file' field is empty");
            }

            var values = fields.Where((_, i) => i != fileIndex).Select(f => f.Trim()).ToList();
            rows.Add(new SampleSheetRow(file, values, lineNo));
        }

        if (header is null)
        {
            throw new SampleSheetException(source, Math.Max(lineNo, 1), "the sheet is empty (it needs a header with a 'file' column)");
        }

        var sheet = new SampleSheet(source, [.. header.Where((_, i) => i != fileIndex)], rows);
        foreach (var row in rows)
        {
            sheet.Number(row, BeadsPerTestColumn);
            sheet.Number(row, VolumeColumn);
        }

        return sheet;
    }

    /// <summary>The row for a file name (case-insensitive), or null.</summary>
    /// <param name="fileName">File name without directory.</param>
    /// <returns>The row, or null when the sheet does not list the file.</returns>
    public SampleSheetRow? Find(string fileName) => _byFile.GetValueOrDefault(fileName);

    /// <summary>
    /// Puts files in the sheet's row order (matched by file name, case-insensitively), then the files the sheet does not
    /// list, in their given order: rows of <c>counts.csv</c> then follow the trial's order (e.g. pre, mid, post per patient).
    /// </summary>
    /// <param name="files">File paths.</param>
    /// <returns>The same paths, reordered.</returns>
    public IReadOnlyList<string> Order(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var rank = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Rows.Count; i++)
        {
            rank[Rows[i].File] = i;
        }

        return [.. files.Select((f, i) => (f, i)).OrderBy(x => rank.TryGetValue(Path.GetFileName(x.f), out var r) ? r : Rows.Count + x.i).Select(x => x.f)];
    }

    /// <summary>A row's value in a column, or null when the sheet has no such column.</summary>
    /// <param name="row">The row.</param>
    /// <param name="column">Column name (case-insensitive).</param>
    /// <returns>The trimmed value, or null.</returns>
    public string? Value(SampleSheetRow row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Equals(column, StringComparison.OrdinalIgnoreCase))
            {
                return row.Values[i];
            }
        }

        return null;
    }

    /// <summary>A positive number in <paramref name="column"/>, or null when the column is absent or the field empty.</summary>
    /// <param name="row">The row.</param>
    /// <param name="column">Column name.</param>
    /// <returns>The number, or null.</returns>
    /// <exception cref="SampleSheetException">The field is not a positive number.</exception>
    public double? Number(SampleSheetRow row, string column)
    {
        var text = Value(row, column);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new SampleSheetException(Source, row.Line, $"{column} '{text}' is not a positive number");
    }

    private static List<string> SplitCsvLine(string line, string source, int lineNo)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new SampleSheetException(source, lineNo, "a quoted field is not closed (fields cannot span lines)");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new SampleSheetException(source, lineNo, $"text after a closing quote at column {i + 1}");
                }
            }
            else
            {
                var end = line.IndexOf(',', i);
                end = end < 0 ? line.Length : end;
                sb.Append(line, i, end - i);
                i = end;
            }

            fields.Add(sb.ToString());
            if (i >= line.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }
}

/// <summary>A sample sheet that cannot be used, with its line.</summary>
public sealed class SampleSheetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SampleSheetException()
    {
        Sheet = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SampleSheetException(string message)
        : base(message)
    {
        Sheet = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SampleSheetException(string message, Exception innerException)
        : base(message, innerException)
    {
        Sheet = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="sheet">Sheet path or name.</param>
    /// <param name="line">1-based line.</param>
    /// <param name="problem">What is wrong.</param>
    public SampleSheetException(string sheet, int line, string problem)
        : base($"Sample sheet {sheet}, line {line}: {problem}.")
    {
        Sheet = sheet;
        Line = line;
    }

    /// <summary>Sheet path or name.</summary>
    public string Sheet { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public int Line { get; }
}
