using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

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
/// Inputs are checked, not guessed: a column that looks like a known one (<c>beads</c>, <c>volume</c>, <c>group</c>,
/// <c>pateint</c>, ...) or that clashes with a column of <c>counts.csv</c> (<c>sha256</c>, <c>events</c>, <c>error</c>,
/// <c>NK_per_uL</c>, ...) is an error; other columns are carried through and named once in <see cref="Warnings"/>.
/// </summary>
public sealed class SampleSheet
{
    /// <summary>Column giving Trucount beads per test.</summary>
    public const string BeadsPerTestColumn = "beads_per_test";

    /// <summary>Column giving the whole-blood volume per tube, µL.</summary>
    public const string VolumeColumn = "volume_ul";

    /// <summary>The most bytes read from a sheet (a path such as /dev/zero must end in an error, not in running out of memory).</summary>
    internal const int MaxBytes = 64 << 20;

    /// <summary>Columns hiaim reads from a sheet.</summary>
    internal static readonly string[] KnownColumns = ["file", "patient", "arm", "timepoint", BeadsPerTestColumn, VolumeColumn];

    /// <summary>Columns that <c>counts.csv</c> writes itself; a sheet column of the same name would make a duplicate header.</summary>
    internal static readonly string[] OutputColumns = ["sha256", "events", "qc_flags", "read_warnings", "error"];

    /// <summary>Suffixes of the per-population columns of <c>counts.csv</c>.</summary>
    internal static readonly string[] OutputSuffixes = ["_events", "_pct_lymphocytes", "_per_uL"];

    /// <summary>Names people give the known columns (compared without case, spaces, '_' or '-').</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["beads"] = BeadsPerTestColumn, ["beadcount"] = BeadsPerTestColumn, ["beadscount"] = BeadsPerTestColumn, ["beadspertube"] = BeadsPerTestColumn,
        ["trucount"] = BeadsPerTestColumn, ["beadspertest"] = BeadsPerTestColumn, ["beadsper"] = BeadsPerTestColumn, ["beadlot"] = BeadsPerTestColumn,
        ["volume"] = VolumeColumn, ["vol"] = VolumeColumn, ["volumeml"] = VolumeColumn, ["bloodvolume"] = VolumeColumn, ["samplevolume"] = VolumeColumn,
        ["volumemicrolitres"] = VolumeColumn, ["volumemicroliters"] = VolumeColumn, ["volul"] = VolumeColumn, ["ul"] = VolumeColumn,
        ["group"] = "arm", ["arms"] = "arm", ["treatment"] = "arm", ["studyarm"] = "arm", ["cohort"] = "arm",
        ["patientid"] = "patient", ["subject"] = "patient", ["subjectid"] = "patient", ["participant"] = "patient", ["participantid"] = "patient",
        ["patients"] = "patient", ["pid"] = "patient", ["donor"] = "patient",
        ["time"] = "timepoint", ["timepoints"] = "timepoint", ["visit"] = "timepoint", ["tp"] = "timepoint",
        ["filename"] = "file", ["files"] = "file", ["fcs"] = "file", ["fcsfile"] = "file", ["path"] = "file", ["filepath"] = "file",
    };

    private readonly Dictionary<string, SampleSheetRow> _byFile;

    private SampleSheet(string source, IReadOnlyList<string> columns, IReadOnlyList<SampleSheetRow> rows, IReadOnlyList<string> warnings)
    {
        Source = source;
        Columns = columns;
        Rows = rows;
        Warnings = warnings;
        _byFile = new Dictionary<string, SampleSheetRow>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            _byFile.TryAdd(row.File, row);
        }
    }

    /// <summary>Things that did not stop the sheet from loading, each said once (e.g. columns hiaim does not know, carried through).</summary>
    public IReadOnlyList<string> Warnings { get; }

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
    public static SampleSheet Load(string path) => Load(path, checkColumns: true);

    /// <summary>Reads a sheet or, with <paramref name="checkColumns"/> false, any CSV table with a <c>file</c> column (counts.csv).</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="checkColumns">Whether the sample-sheet columns (beads, volume, …) are checked as numbers.</param>
    /// <returns>The table.</returns>
    /// <exception cref="SampleSheetException">No <c>file</c> column, a ragged or duplicate row, or (when checked) a bad number.</exception>
    public static SampleSheet Load(string path, bool checkColumns)
    {
        using var reader = new StreamReader(new MemoryStream(Internals.BoundedFile.ReadAllBytes(path, MaxBytes, "sample sheet")), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ParseCore(reader, path, checkColumns);
    }

    /// <summary>Reads a sheet from CSV text.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="source">Name used in messages.</param>
    /// <returns>The sheet.</returns>
    /// <exception cref="SampleSheetException">No <c>file</c> column, a ragged or duplicate row, or a bad number.</exception>
    public static SampleSheet Parse(TextReader reader, string source) => ParseCore(reader, source, checkColumns: true);

    private static SampleSheet ParseCore(TextReader reader, string source, bool checkColumns)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        var lineNo = 0;
        List<string>? header = null;
        var rows = new List<SampleSheetRow>();
        var problems = new List<(int Line, string Problem)>();
        var firstLine = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var unknown = new List<string>();
        int fileIndex = -1;

        // Sep splits rows and fields; fields stay raw (no Unescape), so that Fields can check their quotes and give the
        // messages this parser always gave. The reader is the caller's: left open.
        using var csv = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).From(reader, true);
        var nextLine = 1;
        while (MoveNext(csv, source, nextLine))
        {
            var row = csv.Current;

            // Sep reports the first row on line 2 when there is no header row; a first row starts on line 1.
            lineNo = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            nextLine = row.LineNumberToExcl;
            var line = row.Span;
            if (line.IsEmpty || (header is null && line.IsWhiteSpace()))
            {
                continue;
            }

            var fields = Fields(row, source, lineNo);
            if (header is null)
            {
                header = [.. fields.Select(f => f.Trim())];
                fileIndex = header.FindIndex(h => h.Equals("file", StringComparison.OrdinalIgnoreCase));
                if (fileIndex < 0)
                {
                    var like = header.FirstOrDefault(h => LooksLike(h) == "file");
                    throw new SampleSheetException(source, lineNo, like is null
                        ? $"the header has no 'file' column (columns: {Clip(string.Join(", ", header))})"
                        : $"the header has no 'file' column; column '{Clip(like)}' looks like it: rename it to 'file'");
                }

                var dup = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
                if (dup is not null)
                {
                    throw new SampleSheetException(source, lineNo, $"column '{Clip(dup.Key)}' appears twice in the header");
                }

                if (checkColumns)
                {
                    CheckColumns(header, source, lineNo, unknown);
                }

                continue;
            }

            if (fields.Count != header.Count)
            {
                problems.Add((lineNo, $"{fields.Count} fields where the header has {header.Count}"));
                continue;
            }

            var file = fields[fileIndex].Trim();
            if (file.Length == 0)
            {
                problems.Add((lineNo, "the 'file' field is empty"));
                continue;
            }

            if (!firstLine.TryAdd(file, lineNo))
            {
                problems.Add((lineNo, $"file '{Clip(file)}' is listed twice (first on line {firstLine[file]})"));
                continue;
            }

            var values = fields.Where((_, i) => i != fileIndex).Select(f => f.Trim()).ToList();
            rows.Add(new SampleSheetRow(file, values, lineNo));
        }

        if (header is null)
        {
            throw new SampleSheetException(source, Math.Max(lineNo, 1), "the sheet is empty (it needs a header with a 'file' column)");
        }

        IReadOnlyList<string> warnings = unknown.Count == 0 ? [] :
            [$"sample sheet {source}: column{(unknown.Count == 1 ? string.Empty : "s")} {string.Join(", ", unknown.Select(u => $"'{Clip(u)}'"))} not used by hiaim, carried through to counts.csv as written"];
        var sheet = new SampleSheet(source, [.. header.Where((_, i) => i != fileIndex)], rows, warnings);
        if (checkColumns)
        {
            foreach (var row in rows)
            {
                foreach (var column in (string[])[BeadsPerTestColumn, VolumeColumn])
                {
                    var text = sheet.Value(row, column);
                    if (!string.IsNullOrEmpty(text) && !IsPositive(text))
                    {
                        problems.Add((row.Line, $"{column} '{Clip(text)}' is not a positive number"));
                    }
                }
            }
        }

        if (problems.Count > 0)
        {
            // Every bad row at once (in line order), so that one pass over the sheet fixes them all.
            var ordered = problems.OrderBy(p => p.Line).ToList();
            var listed = string.Join("; ", ordered.Take(10).Select(p => string.Create(CultureInfo.InvariantCulture, $"line {p.Line}: {p.Problem}")));
            var more = ordered.Count > 10 ? string.Create(CultureInfo.InvariantCulture, $"; and {ordered.Count - 10} more bad rows") : string.Empty;
            throw new SampleSheetException(source, ordered[0].Line, ordered.Count == 1 ? ordered[0].Problem : $"{ordered.Count} bad rows: {listed}{more}", ordered.Count > 1);
        }

        return sheet;
    }

    /// <summary>The known column a header name looks like (an alias or a near miss), or null.</summary>
    internal static string? LooksLike(string column)
    {
        var key = Normalize(column);
        if (key.Length == 0)
        {
            return null;
        }

        if (Aliases.TryGetValue(key, out var known))
        {
            return known;
        }

        foreach (var k in KnownColumns)
        {
            var n = Normalize(k);
            if (key == n || Distance(key, n) <= (n.Length <= 4 ? 1 : 2))
            {
                return k;
            }
        }

        return null;
    }

    private static void CheckColumns(List<string> header, string source, int lineNo, List<string> unknown)
    {
        var errors = new List<string>();
        var clashes = new List<string>();
        foreach (var h in header)
        {
            if (KnownColumns.Contains(h, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (OutputColumns.Contains(h, StringComparer.OrdinalIgnoreCase) || OutputSuffixes.Any(s => h.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            {
                clashes.Add($"'{Clip(h)}'");
            }
            else if (LooksLike(h) is { } like)
            {
                errors.Add($"column '{Clip(h)}' looks like '{like}' but is not it: rename it to '{like}' (or to a name unlike any known column to carry it through unread)");
            }
            else
            {
                unknown.Add(h);
            }
        }

        if (clashes.Count > 0)
        {
            errors.Insert(0, $"column{(clashes.Count == 1 ? string.Empty : "s")} {string.Join(", ", clashes)} clash{(clashes.Count == 1 ? "es" : string.Empty)} with the columns that hiaim count writes to counts.csv ({string.Join(", ", OutputColumns)}, POPULATION{string.Join("/", OutputSuffixes)}): rename {(clashes.Count == 1 ? "it" : "them")}");
        }

        if (errors.Count > 0)
        {
            throw new SampleSheetException(source, lineNo, string.Join("; ", errors));
        }
    }

    private static string Normalize(string name) => Panels.MarkerMatching.Squeeze(name).ToLowerInvariant();

    /// <summary>Levenshtein distance, stopping early for long names (only small distances matter).</summary>
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static bool IsPositive(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v);

    /// <summary>A value echoed in a message, clipped so that a huge field cannot flood it.</summary>
    internal static string Clip(string text) => Internals.Echo.Clip(text, 80);

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
            : throw new SampleSheetException(Source, row.Line, $"{column} '{Clip(text)}' is not a positive number");
    }

    /// <summary>
    /// Sep's next row. A row longer than Sep's buffer (16 Mi characters) is nearly always a quote that is never closed,
    /// which takes the rest of the sheet into one row: a <see cref="SampleSheetException"/> on the line where that row
    /// starts, not Sep's NotSupportedException.
    /// </summary>
    private static bool MoveNext(SepReader csv, string source, int line)
    {
        try
        {
            return csv.MoveNext();
        }
        catch (NotSupportedException)
        {
            throw new SampleSheetException(source, line, "a row is longer than 16,777,216 characters (a quoted field that is not closed?)");
        }
    }

    /// <summary>
    /// The fields of a row, unquoted ("a, b" and "" for a quote, as spreadsheets write them). Sep has split the row; a
    /// quoted field that runs past its line, or text after a closing quote, is refused here, with its line and column.
    /// Quotes inside an unquoted field are kept as written when they pair up (<c>a "b" c</c>), as before Sep; a stray one
    /// makes Sep read on to the next quote, across commas and lines (<c>5" tube,P1</c>), which the old parser did not:
    /// such a field is refused, naming the quote's column, rather than read differently.
    /// </summary>
    private static List<string> Fields(SepReader.Row row, string source, int lineNo)
    {
        var fields = new List<string>(row.ColCount);
        var sb = new StringBuilder();
        var column = 0;  // 0-based position of the field in its line
        for (var c = 0; c < row.ColCount; c++)
        {
            var raw = row[c].Span;
            if (raw.Length == 0 || raw[0] != '"')
            {
                if (raw.IndexOfAny(",\r\n") >= 0)
                {
                    throw new SampleSheetException(source, lineNo, $"a quote inside an unquoted field at column {column + raw.IndexOf('"') + 1} (quote the whole field and write a quote as \"\")");
                }

                fields.Add(raw.ToString());
                column += raw.Length + 1;
                continue;
            }

            sb.Clear();
            var i = 1;
            while (true)
            {
                if (i >= raw.Length || raw[i] is '\r' or '\n')
                {
                    throw new SampleSheetException(source, lineNo, "a quoted field is not closed (fields cannot span lines)");
                }

                if (raw[i] == '"')
                {
                    if (i + 1 < raw.Length && raw[i + 1] == '"')
                    {
                        sb.Append('"');
                        i += 2;
                        continue;
                    }

                    i++;
                    break;
                }

                sb.Append(raw[i++]);
            }

            if (i < raw.Length)
            {
                throw new SampleSheetException(source, lineNo, $"text after a closing quote at column {column + i + 1}");
            }

            fields.Add(sb.ToString());
            column += raw.Length + 1;
        }

        return fields;
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
        : this(sheet, line, problem, false)
    {
    }

    /// <summary>Creates the exception for several bad rows (the problem names each row's line).</summary>
    internal SampleSheetException(string sheet, int line, string problem, bool severalRows)
        : base(severalRows ? $"Sample sheet {sheet}: {problem}." : $"Sample sheet {sheet}, line {line}: {problem}.")
    {
        Sheet = sheet;
        Line = line;
    }

    /// <summary>Sheet path or name.</summary>
    public string Sheet { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public int Line { get; }
}
