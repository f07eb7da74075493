using System.Globalization;
using System.Text;

namespace HiAim.Cytometry.Cohort;

/// <summary>Cells/µL of one population in one arm at one timepoint: median and interquartile range over samples.</summary>
/// <param name="Arm">Trial arm (sheet column <c>arm</c>).</param>
/// <param name="Timepoint">Timepoint (sheet column <c>timepoint</c>).</param>
/// <param name="Population">Population, e.g. <c>NK</c>.</param>
/// <param name="N">Samples with a value.</param>
/// <param name="Median">Median cells/µL.</param>
/// <param name="Q1">25th percentile (linear interpolation, R type 7).</param>
/// <param name="Q3">75th percentile.</param>
public sealed record ArmTimepointStatistic(string Arm, string Timepoint, string Population, int N, double Median, double Q1, double Q3);

/// <summary>One patient's change of one population from the first timepoint.</summary>
/// <param name="Patient">Patient id.</param>
/// <param name="Arm">Trial arm.</param>
/// <param name="Timepoint">The later timepoint.</param>
/// <param name="Population">Population.</param>
/// <param name="Baseline">Cells/µL at the first timepoint.</param>
/// <param name="Value">Cells/µL at <paramref name="Timepoint"/>.</param>
/// <param name="PercentChange">100 · (value − baseline) / baseline.</param>
public sealed record PatientChange(string Patient, string Arm, string Timepoint, string Population, double Baseline, double Value, double PercentChange);

/// <summary>Median per-patient % change from the first timepoint, per arm and timepoint.</summary>
/// <param name="Arm">Trial arm.</param>
/// <param name="Timepoint">The later timepoint.</param>
/// <param name="Population">Population.</param>
/// <param name="N">Patients with both values.</param>
/// <param name="MedianPercentChange">Median of <see cref="PatientChange.PercentChange"/>.</param>
/// <param name="Q1">25th percentile.</param>
/// <param name="Q3">75th percentile.</param>
public sealed record ArmChange(string Arm, string Timepoint, string Population, int N, double MedianPercentChange, double Q1, double Q3);

/// <summary>
/// The trial's outcome view of a cohort run's <c>counts.csv</c>: per arm × timepoint the median and IQR of cells/µL, and per
/// patient the change from the first timepoint (with its median per arm). Needs the sample-sheet columns <c>patient</c>,
/// <c>arm</c> and <c>timepoint</c> in <c>counts.csv</c>. Failed samples (no counts) are left out.
/// </summary>
public sealed class CohortSummary
{
    /// <summary>Populations summarised when <c>counts.csv</c> has them.</summary>
    public static IReadOnlyList<string> DefaultPopulations { get; } = ["NK", "T", "CD4", "CD8", "B", "NK_bright", "NK_dim"];

    private static readonly string[] RequiredColumns = ["patient", "arm", "timepoint"];

    private CohortSummary(IReadOnlyList<string> timepoints, IReadOnlyList<string> arms, IReadOnlyList<string> populations, IReadOnlyList<ArmTimepointStatistic> groups, IReadOnlyList<PatientChange> changes, IReadOnlyList<ArmChange> armChanges, int samples, int flagged)
    {
        Timepoints = timepoints;
        Arms = arms;
        Populations = populations;
        Groups = groups;
        Changes = changes;
        ArmChanges = armChanges;
        Samples = samples;
        FlaggedSamples = flagged;
    }

    /// <summary>Timepoints in trial order (as first met in <c>counts.csv</c>, or as given).</summary>
    public IReadOnlyList<string> Timepoints { get; }

    /// <summary>Arms in order of first appearance.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>Summarised populations.</summary>
    public IReadOnlyList<string> Populations { get; }

    /// <summary>Median and IQR of cells/µL per arm × timepoint × population.</summary>
    public IReadOnlyList<ArmTimepointStatistic> Groups { get; }

    /// <summary>Per-patient change from the first timepoint.</summary>
    public IReadOnlyList<PatientChange> Changes { get; }

    /// <summary>Median per-patient % change per arm × later timepoint × population.</summary>
    public IReadOnlyList<ArmChange> ArmChanges { get; }

    /// <summary>Samples with counts.</summary>
    public int Samples { get; }

    /// <summary>Samples among <see cref="Samples"/> with a QC flag (included; see <c>qc.csv</c>).</summary>
    public int FlaggedSamples { get; }

    /// <summary>Summarises a cohort run's output folder.</summary>
    /// <param name="directory">Folder with <c>counts.csv</c>.</param>
    /// <param name="timepoints">Timepoint order; null = order of first appearance.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="CohortException">No <c>counts.csv</c>, or it lacks the patient/arm/timepoint columns.</exception>
    public static CohortSummary Load(string directory, IReadOnlyList<string>? timepoints = null)
    {
        var path = Path.Combine(directory, CohortRun.CountsFileName);
        if (!File.Exists(path))
        {
            throw new CohortException($"{path} does not exist: run 'hiaim count ... --out {directory}' first.");
        }

        SampleSheet table;
        try
        {
            table = SampleSheet.Load(path, checkColumns: false);
        }
        catch (SampleSheetException e)
        {
            throw new CohortException($"{path} is not a counts table: {e.Message}", e);
        }

        var missing = RequiredColumns.Where(c => !table.Columns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            // Say which sheet lacked what: the column comes from the sample sheet of the count run, not from counts.csv itself.
            var sheet = StudyDatabase.ReadMeta(Path.Combine(directory, CohortRun.DatabaseFileName), "sample_sheet");
            var columns = string.Join(", ", missing.Select(m => $"'{m}'"));
            throw new CohortException(sheet switch
            {
                null => $"{path} has no {columns} column{(missing.Count == 1 ? string.Empty : "s")}: give 'hiaim count' a --sample-sheet with patient, arm and timepoint columns.",
                "" => $"{path} has no {columns} column{(missing.Count == 1 ? string.Empty : "s")}: the count run had no --sample-sheet; give it one with patient, arm and timepoint columns.",
                _ => $"the sample sheet {sheet} (of the count run into {directory}) has no {columns} column{(missing.Count == 1 ? string.Empty : "s")}: add {(missing.Count == 1 ? "it" : "them")} and run 'hiaim count' again.",
            });
        }

        return From(table, timepoints);
    }

    /// <summary>Summarises a parsed counts table.</summary>
    /// <param name="counts">The rows of <c>counts.csv</c> (read with <see cref="SampleSheet.Parse"/>).</param>
    /// <param name="timepoints">Timepoint order; null = order of first appearance.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="CohortException">The patient/arm/timepoint columns are missing.</exception>
    public static CohortSummary From(SampleSheet counts, IReadOnlyList<string>? timepoints = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var missing = RequiredColumns.Where(c => !counts.Columns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            throw new CohortException($"{counts.Source} has no {string.Join("/", missing)} column: give 'hiaim count' a --sample-sheet with patient, arm and timepoint columns.");
        }

        var populations = DefaultPopulations.Where(p => counts.Columns.Contains($"{p}_per_uL", StringComparer.Ordinal)).ToList();
        var rows = counts.Rows.Where(r => !string.IsNullOrEmpty(counts.Value(r, "events"))).ToList();
        var order = timepoints?.ToList() ?? [.. rows.Select(r => counts.Value(r, "timepoint")!).Distinct(StringComparer.Ordinal)];
        var arms = rows.Select(r => counts.Value(r, "arm")!).Distinct(StringComparer.Ordinal).ToList();
        double? Cells(SampleSheetRow r, string p) =>
            double.TryParse(counts.Value(r, $"{p}_per_uL"), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

        var groups = new List<ArmTimepointStatistic>();
        foreach (var arm in arms)
        {
            foreach (var tp in order)
            {
                foreach (var p in populations)
                {
                    var values = rows.Where(r => counts.Value(r, "arm") == arm && counts.Value(r, "timepoint") == tp).Select(r => Cells(r, p)).OfType<double>().Order().ToArray();
                    if (values.Length > 0)
                    {
                        groups.Add(new(arm, tp, p, values.Length, Quantile(values, 0.5), Quantile(values, 0.25), Quantile(values, 0.75)));
                    }
                }
            }
        }

        var changes = new List<PatientChange>();
        foreach (var patient in rows.GroupBy(r => counts.Value(r, "patient")!, StringComparer.Ordinal))
        {
            var byTime = patient.GroupBy(r => counts.Value(r, "timepoint")!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var first = order.FirstOrDefault(byTime.ContainsKey);
            if (first is null)
            {
                continue;
            }

            foreach (var tp in order.SkipWhile(t => t != first).Skip(1).Where(byTime.ContainsKey))
            {
                foreach (var p in populations)
                {
                    if (Cells(byTime[first], p) is { } b && b > 0 && Cells(byTime[tp], p) is { } v)
                    {
                        changes.Add(new(patient.Key, counts.Value(byTime[tp], "arm")!, tp, p, b, v, 100 * (v - b) / b));
                    }
                }
            }
        }

        var armChanges = new List<ArmChange>();
        foreach (var arm in arms)
        {
            foreach (var tp in order.Skip(1))
            {
                foreach (var p in populations)
                {
                    var pct = changes.Where(c => c.Arm == arm && c.Timepoint == tp && c.Population == p).Select(c => c.PercentChange).Order().ToArray();
                    if (pct.Length > 0)
                    {
                        armChanges.Add(new(arm, tp, p, pct.Length, Quantile(pct, 0.5), Quantile(pct, 0.25), Quantile(pct, 0.75)));
                    }
                }
            }
        }

        var flagged = counts.Columns.Contains("qc_flags", StringComparer.Ordinal) ? rows.Count(r => !string.IsNullOrEmpty(counts.Value(r, "qc_flags"))) : 0;
        return new CohortSummary(order, arms, populations, groups, changes, armChanges, rows.Count, flagged);
    }

    /// <summary>Linear-interpolation quantile of sorted values (R type 7).</summary>
    /// <param name="sorted">Ascending values, at least one.</param>
    /// <param name="p">Probability in [0, 1].</param>
    /// <returns>The quantile.</returns>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return Statistics.PopulationStatistics.Percentile(sorted, p);  // the same definition as the MFI statistics
    }

    /// <summary>Writes <c>summary.csv</c> (arm × timepoint × population) and <c>changes.csv</c> (per patient) into a folder.</summary>
    /// <param name="directory">The output folder.</param>
    public void WriteCsv(string directory)
    {
        var inv = CultureInfo.InvariantCulture;
        List<IEnumerable<string>> s = [["arm", "timepoint", "population", "n", "median_per_uL", "q1_per_uL", "q3_per_uL", "median_pct_change", "q1_pct_change", "q3_pct_change"]];
        foreach (var g in Groups)
        {
            var c = ArmChanges.FirstOrDefault(a => a.Arm == g.Arm && a.Timepoint == g.Timepoint && a.Population == g.Population);
            // Population names are quoted like every field (by hand, they were written raw: the same bytes for any name without , " CR LF).
            s.Add([CountsTable.Safe(g.Arm), CountsTable.Safe(g.Timepoint), g.Population, g.N.ToString(inv), CountsTable.Number(g.Median), CountsTable.Number(g.Q1), CountsTable.Number(g.Q3), CountsTable.Number(c?.MedianPercentChange), CountsTable.Number(c?.Q1), CountsTable.Number(c?.Q3)]);
        }

        Internals.AtomicFile.WriteAllText(Path.Combine(directory, "summary.csv"), CsvText.Write(s));
        List<IEnumerable<string>> ch = [["patient", "arm", "timepoint", "population", "baseline_per_uL", "per_uL", "pct_change"]];
        foreach (var c in Changes)
        {
            ch.Add([CountsTable.Safe(c.Patient), CountsTable.Safe(c.Arm), CountsTable.Safe(c.Timepoint), c.Population, CountsTable.Number(c.Baseline), CountsTable.Number(c.Value), CountsTable.Number(c.PercentChange)]);
        }

        Internals.AtomicFile.WriteAllText(Path.Combine(directory, "changes.csv"), CsvText.Write(ch));
    }

    /// <summary>The summary as text tables: cells/µL median [IQR] per arm and timepoint, then the median % change from the first timepoint.</summary>
    /// <returns>Text for a terminal.</returns>
    public string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"{Samples} samples with counts ({FlaggedSamples} with QC flags, included), arms: {string.Join(", ", Arms)}; timepoints: {string.Join(" → ", Timepoints)}\n\n");
        sb.Append("cells/µL, median [IQR]\n");
        sb.Append(inv, $"{"arm",-10} {"timepoint",-10} {"n",3}");
        foreach (var p in Populations)
        {
            sb.Append(inv, $" {p,22}");
        }

        sb.Append('\n');
        foreach (var arm in Arms)
        {
            foreach (var tp in Timepoints)
            {
                var cells = Populations.Select(p => Groups.FirstOrDefault(g => g.Arm == arm && g.Timepoint == tp && g.Population == p)).ToList();
                if (cells.All(c => c is null))
                {
                    continue;
                }

                sb.Append(inv, $"{arm,-10} {tp,-10} {cells.Max(c => c?.N ?? 0),3}");
                foreach (var c in cells)
                {
                    sb.Append(inv, $" {(c is null ? "-" : $"{c.Median:0} [{c.Q1:0}–{c.Q3:0}]"),22}");
                }

                sb.Append('\n');
            }
        }

        if (ArmChanges.Count > 0)
        {
            sb.Append(inv, $"\nper-patient change from {Timepoints[0]}, median % [IQR]\n");
            sb.Append(inv, $"{"arm",-10} {"timepoint",-10} {"n",3}");
            foreach (var p in Populations)
            {
                sb.Append(inv, $" {p,22}");
            }

            sb.Append('\n');
            foreach (var arm in Arms)
            {
                foreach (var tp in Timepoints.Skip(1))
                {
                    var cells = Populations.Select(p => ArmChanges.FirstOrDefault(g => g.Arm == arm && g.Timepoint == tp && g.Population == p)).ToList();
                    if (cells.All(c => c is null))
                    {
                        continue;
                    }

                    sb.Append(inv, $"{arm,-10} {tp,-10} {cells.Max(c => c?.N ?? 0),3}");
                    foreach (var c in cells)
                    {
                        sb.Append(inv, $" {(c is null ? "-" : $"{c.MedianPercentChange:+0.0;-0.0} [{c.Q1:+0;-0}–{c.Q3:+0;-0}]"),22}");
                    }

                    sb.Append('\n');
                }
            }
        }

        return sb.ToString();
    }
}
