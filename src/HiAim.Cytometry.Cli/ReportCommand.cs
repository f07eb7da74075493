using System.Globalization;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Plotting;

namespace HiAim.Cytometry.Cli;

/// <summary>
/// <c>hiaim report DIR</c>: a static, offline HTML report of a cohort run: the counts table with QC flags highlighted, the
/// cohort plots (NK and T cells/µL per timepoint and arm), and every sample's gating panel — the PNG that
/// <c>hiaim count --plots</c> drew, or drawn now from the gates stored in <c>study.db</c> re-applied to the file.
/// </summary>
internal static class ReportCommand
{
    public const string PlotsFolder = "plots";

    private static readonly string[] SheetColumns = ["patient", "arm", "timepoint", "events"];

    private static readonly string[] TrialColumns = ["patient", "arm", "timepoint"];

    private static readonly string[] TailColumns = ["NK_pct_lymphocytes", "qc_flags"];

    private static readonly string[] CellColumns = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK", "NK_bright", "NK_dim"];

    /// <summary>File name of a sample's gating panel in <see cref="PlotsFolder"/>.</summary>
    public static string PanelFileName(string sampleFile) => Path.GetFileNameWithoutExtension(sampleFile) + ".png";

    public static int Run(string dir, string? outDir, TextWriter stdout)
    {
        var countsPath = Path.Combine(dir, CohortRun.CountsFileName);
        if (!File.Exists(countsPath))
        {
            throw new CliException($"{countsPath} does not exist: run 'hiaim count ... --out {dir}' first");
        }

        var counts = SampleSheet.Load(countsPath, checkColumns: false);
        var stored = CohortRun.StoredSamples(dir).ToDictionary(s => s.File, StringComparer.OrdinalIgnoreCase);
        var perUl = counts.Columns.Contains("Lymphocytes_per_uL", StringComparer.Ordinal) && counts.Rows.Any(r => !string.IsNullOrEmpty(counts.Value(r, "Lymphocytes_per_uL")));
        var suffix = perUl ? "_per_uL" : "_pct_lymphocytes";
        var columns = new List<string>();
        columns.AddRange(SheetColumns.Where(c => counts.Columns.Contains(c, StringComparer.OrdinalIgnoreCase)));
        columns.AddRange(CellColumns.Select(p => p + suffix).Where(c => counts.Columns.Contains(c, StringComparer.Ordinal)));
        columns.AddRange(TailColumns.Where(c => counts.Columns.Contains(c, StringComparer.Ordinal) && !columns.Contains(c)));

        var samples = new List<ReportSample>();
        foreach (var row in counts.Rows)
        {
            string Cell(string c) => counts.Value(row, c) ?? string.Empty;
            var flags = Cell("qc_flags").Split(';', StringSplitOptions.RemoveEmptyEntries);
            var error = counts.Value(row, "error");
            var image = Path.Combine(dir, PlotsFolder, PanelFileName(row.File));
            Func<CytometryFigure>? draw = null;
            if (!File.Exists(image) && string.IsNullOrEmpty(error) && stored.TryGetValue(row.File, out var s) && s.GatingMl is { } xml && File.Exists(s.Path))
            {
                var title = flags.Length == 0 ? $"{row.File}: QC pass" : $"{row.File}: QC {string.Join(", ", flags)}";
                draw = () => Draw(s.Path, xml, title);
            }

            samples.Add(new ReportSample(row.File, [.. columns.Select(Cell)])
            {
                Flags = flags,
                FlaggedColumns = flags.Length > 0 ? ["qc_flags"] : [],
                PanelImagePath = File.Exists(image) ? image : null,
                Panel = draw,
                Error = string.IsNullOrEmpty(error) ? null : error,
            });
        }

        var model = new CohortReportModel($"HiAim.Cytometry cohort report: {Path.GetFileName(Path.GetFullPath(dir))}", columns, samples)
        {
            CohortPlots = perUl ? CohortPlots(dir, counts) : [],
            Notes =
            [
                string.Create(CultureInfo.InvariantCulture, $"{counts.Rows.Count} samples from {countsPath}; {(perUl ? "cells/µL by the bead formula" : "% of lymphocytes (no counting beads)")}. QC reasons: {Path.Combine(dir, CohortRun.QcFileName)}."),
            ],
        };
        var index = CohortReport.Write(outDir ?? Path.Combine(dir, "report"), model);
        stdout.WriteLine($"hiaim report: {samples.Count} samples → {index}");
        return HiaimCli.Ok;
    }

    /// <summary>Draws a gating panel PNG for <c>hiaim count --plots</c>.</summary>
    public static void SavePanel(string outputDirectory, CohortSampleOutcome sample, Panels.TbnkResult result)
    {
        var dir = Path.Combine(outputDirectory, PlotsFolder);
        Directory.CreateDirectory(dir);
        GatingPanel.For(result).SavePng(Path.Combine(dir, PanelFileName(sample.File)));
    }

    private static GatingPanel Draw(string path, string gatingMl, string title)
    {
        var strategy = GatingML.Parse(gatingMl);
        var fcs = FcsFile.Read(path);
        var gating = strategy.Apply(fcs);
        var panel = new GatingPanel(strategy, gating, new GatingPanelOptions { ChannelLabels = GatingPanelOptions.LabelsFrom(fcs.Channels) }) { Title = title };
        panel.Relayout();
        return panel;
    }

    private static List<CytometryFigure> CohortPlots(string dir, SampleSheet counts)
    {
        if (!TrialColumns.All(c => counts.Columns.Contains(c, StringComparer.OrdinalIgnoreCase)))
        {
            return [];
        }

        var timepoints = CohortSummary.Load(dir).Timepoints;
        var plots = new List<CytometryFigure>();
        foreach (var population in (string[])["NK", "T"])
        {
            var points = counts.Rows
                .Where(r => double.TryParse(counts.Value(r, $"{population}_per_uL"), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                .Select(r => new CohortPoint(counts.Value(r, "patient")!, counts.Value(r, "arm")!, counts.Value(r, "timepoint")!, double.Parse(counts.Value(r, $"{population}_per_uL")!, CultureInfo.InvariantCulture)))
                .ToList();
            if (points.Count > 0)
            {
                plots.Add(new CohortPlot(population, points, timepoints));
            }
        }

        return plots;
    }
}
