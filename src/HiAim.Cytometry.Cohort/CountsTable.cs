using System.Globalization;

namespace HiAim.Cytometry.Cohort;

/// <summary>
/// Writes <c>counts.csv</c> and <c>qc.csv</c> from the stored samples: invariant culture, fixed number formats, input
/// order, LF line ends, so the same inputs and settings give the same bytes whatever the thread count or interruptions.
/// </summary>
internal static class CountsTable
{
    /// <summary>Populations reported by the run, in the panel's order.</summary>
    public static IReadOnlyList<string> Populations(CohortRunOptions options)
    {
        var reported = options.Panel.Template.ReportedPopulations;
        if (options.Strategy is null)
        {
            return reported;
        }

        var ids = options.Strategy.PopulationIds.ToHashSet(StringComparer.Ordinal);
        return [.. reported.Where(p => ids.Contains(options.PopulationIds?.FirstOrDefault(kv => kv.Key.Equals(p, StringComparison.OrdinalIgnoreCase)).Value ?? p))];
    }

    /// <summary>Whether a population is cells (gets % of lymphocytes and cells/µL) rather than counting beads.</summary>
    public static bool IsCells(string population) => population != "Beads";

    public static void Write(string countsPath, string qcPath, IReadOnlyList<string> paths, IReadOnlyList<string> keys, IReadOnlyList<StoredSample?> stored, CohortRunOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var populations = Populations(options);
        var sheet = options.SampleSheet;
        var header = new List<string> { "file", "sha256", "events" };
        header.AddRange(sheet?.Columns ?? []);
        foreach (var p in populations)
        {
            header.Add($"{p}_events");
            if (IsCells(p))
            {
                header.Add($"{p}_pct_lymphocytes");
                header.Add($"{p}_per_uL");
            }
        }

        header.Add("qc_flags");
        header.Add("read_warnings");
        header.Add("error");
        List<IEnumerable<string>> csv = [header];
        List<IEnumerable<string>> qc = [["file", "check", "value", "threshold", "reason"]];
        for (var i = 0; i < keys.Count; i++)
        {
            var s = stored[i];
            var row = new List<string> { Safe(keys[i]), s?.Sha256 ?? string.Empty };
            var ok = s is { Status: "ok" };
            row.Add(ok ? s!.Events.ToString(inv) : string.Empty);
            var sheetRow = sheet?.Find(keys[i]);
            row.AddRange(sheet is null ? [] : sheetRow?.Values.Select(Safe) ?? Enumerable.Repeat(string.Empty, sheet.Columns.Count));
            foreach (var p in populations)
            {
                var count = ok ? s!.Populations.FirstOrDefault(c => c.Name == p) : null;
                row.Add(count?.Events.ToString(inv) ?? string.Empty);
                if (IsCells(p))
                {
                    row.Add(Number(count?.PercentOfLymphocytes));
                    row.Add(Number(count?.CellsPerUl));
                }
            }

            row.Add(ok ? string.Join(';', s!.Flags.Select(f => f.Check.ToString())) : string.Empty);
            row.Add(ok ? Warnings(s!.ReadWarnings) : string.Empty);
            row.Add(s is null ? "not analysed" : Safe(s.Error ?? string.Empty));
            csv.Add(row);
            if (ok)
            {
                foreach (var flag in s!.Flags)
                {
                    qc.Add([Safe(keys[i]), flag.Check.ToString(), Number(flag.Value), Safe(flag.Threshold ?? string.Empty), Safe(flag.Reason)]);
                }
            }
        }

        WriteAtomically(countsPath, CsvText.Write(csv));
        WriteAtomically(qcPath, CsvText.Write(qc));
    }

    /// <summary>Fixed format: up to 3 decimals, no exponent, empty for NaN or missing.</summary>
    public static string Number(double? value) =>
        value is { } v && double.IsFinite(v) ? Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The most read warnings listed in one counts.csv cell (all are in study.db, up to its own cap).</summary>
    public const int MaxListedWarnings = 20;

    /// <summary>Read warnings as <c>CODE@offset</c> (just <c>CODE</c> without an offset), ';'-separated in the reader's order.</summary>
    public static string Warnings(IReadOnlyList<Fcs.FcsWarning> warnings)
    {
        var inv = CultureInfo.InvariantCulture;
        var listed = warnings.Take(MaxListedWarnings).Select(w => w.Offset >= 0 ? string.Create(inv, $"{w.Code}@{w.Offset}") : w.Code);
        var text = string.Join(';', listed);
        return warnings.Count > MaxListedWarnings ? string.Create(inv, $"{text};+{warnings.Count - MaxListedWarnings} more") : text;
    }

    /// <summary>
    /// A text cell from the user's input, made safe for spreadsheets (OWASP CSV injection): a value starting with
    /// = + - @, tab or CR that is not a number gets a leading apostrophe, so that it is shown as text and not run as a formula.
    /// </summary>
    public static string Safe(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + value
            : value;

    private static void WriteAtomically(string path, string text) => Internals.AtomicFile.WriteAllText(path, text);
}
