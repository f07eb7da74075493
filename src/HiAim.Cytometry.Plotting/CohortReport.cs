using System.Globalization;
using System.Net;
using System.Text;

namespace HiAim.Cytometry.Plotting;

/// <summary>One sample (one row of the cohort table, one section of the report).</summary>
/// <param name="Name">Sample name (e.g. the FCS file name).</param>
/// <param name="Values">Table cells, one per <see cref="CohortReportModel.Columns"/> entry.</param>
public sealed record ReportSample(string Name, IReadOnlyList<string> Values)
{
    /// <summary>QC flags (e.g. "Lymphosum: … 93.1 %"); a sample with flags has its row highlighted.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>Column headers whose cells in this row are highlighted (the values a flag is about).</summary>
    public IReadOnlyCollection<string> FlaggedColumns { get; init; } = [];

    /// <summary>An existing gating-panel image (PNG or SVG) to copy into the report; used when <see cref="Panel"/> is null.</summary>
    public string? PanelImagePath { get; init; }

    /// <summary>Makes the sample's gating panel (rendered to PNG while the report is written; may run in parallel with other samples').</summary>
    public Func<CytometryFigure>? Panel { get; init; }

    /// <summary>Why the sample could not be analysed, shown instead of a panel; null when it was.</summary>
    public string? Error { get; init; }
}

/// <summary>What a cohort report shows.</summary>
/// <param name="Title">Report title.</param>
/// <param name="Columns">Headers of the cohort table's value columns (the sample name column comes first, the flags column last).</param>
/// <param name="Samples">The samples, in table order.</param>
public sealed record CohortReportModel(string Title, IReadOnlyList<string> Columns, IReadOnlyList<ReportSample> Samples)
{
    /// <summary>Cohort-level figures (e.g. <see cref="CohortPlot"/>s), shown after the table.</summary>
    public IReadOnlyList<CytometryFigure> CohortPlots { get; init; } = [];

    /// <summary>Paragraphs under the title (run settings, the command that made the report, …).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>How many gating panels are rendered at once (default: one per core).</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Writes a static, offline HTML report: <c>index.html</c> with inline CSS and no scripts, and its images as PNG
/// files under <c>images/</c> (relative links, no network). The cohort table comes first (rows with QC flags and
/// flagged cells highlighted; sample names link to their sections), then the cohort plots, then one section per
/// sample with its flags and gating panel. The same model gives the same files.
/// </summary>
public static class CohortReport
{
    /// <summary>Writes the report.</summary>
    /// <param name="outDir">Output folder (created if needed); <c>index.html</c> and <c>images/</c> are overwritten.</param>
    /// <param name="model">What to show.</param>
    /// <returns>The path of <c>index.html</c>.</returns>
    /// <exception cref="ArgumentException">A sample's value count differs from the column count.</exception>
    public static string Write(string outDir, CohortReportModel model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        ArgumentNullException.ThrowIfNull(model);
        foreach (var s in model.Samples)
        {
            if (s.Values.Count != model.Columns.Count)
            {
                throw new ArgumentException($"Sample '{s.Name}' has {s.Values.Count} values for {model.Columns.Count} columns.", nameof(model));
            }
        }

        var images = Path.Combine(outDir, "images");
        Directory.CreateDirectory(images);
        var cohortFiles = new List<string>();
        for (var i = 0; i < model.CohortPlots.Count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"cohort-{i + 1}.png");
            model.CohortPlots[i].SavePng(Path.Combine(images, name));
            cohortFiles.Add(name);
        }

        var panelFiles = new string?[model.Samples.Count];
        var panelErrors = new string?[model.Samples.Count];
        Parallel.For(0, model.Samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, model.MaxParallelism) }, i =>
        {
            var s = model.Samples[i];
            var stem = string.Create(CultureInfo.InvariantCulture, $"panel-{i + 1:000}-{Slug(s.Name)}");
            try
            {
                if (s.Panel is { } make)
                {
                    make().SavePng(Path.Combine(images, stem + ".png"));
                    panelFiles[i] = stem + ".png";
                }
                else if (s.PanelImagePath is { } path)
                {
                    var name = stem + Path.GetExtension(path).ToLowerInvariant();
                    File.Copy(path, Path.Combine(images, name), overwrite: true);
                    panelFiles[i] = name;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                panelErrors[i] = $"gating panel not drawn: {e.Message}";
            }
        });

        var index = Path.Combine(outDir, "index.html");
        Internals.AtomicFile.WriteAllText(index, Html(model, cohortFiles, panelFiles, panelErrors));
        return index;
    }

    private static string Html(CohortReportModel model, List<string> cohortFiles, string?[] panelFiles, string?[] panelErrors)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var inv = CultureInfo.InvariantCulture;
        var flagged = model.Samples.Count(s => s.Flags.Count > 0 || s.Error is not null);
        var h = new StringBuilder();
        h.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            """);
        h.Append(inv, $"\n<title>{E(model.Title)}</title>\n");
        h.Append("""
            <style>
            body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 22px; margin: 0 0 8px; }
            h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
            h3 { font-size: 15px; margin: 22px 0 6px; }
            table { border-collapse: collapse; font-size: 12px; }
            th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; white-space: nowrap; }
            th { background: #eef1f6; position: sticky; top: 0; }
            td.name, th.name, td.flags, th.flags { text-align: left; }
            td.flags { white-space: normal; max-width: 420px; color: #b71c1c; }
            tr.flagged td { background: #fff3e0; }
            td.flagcell, tr.flagged td.flagcell { background: #ffcdd2; font-weight: bold; }
            ul.flags { color: #b71c1c; margin: 4px 0; }
            p.error { color: #b71c1c; font-weight: bold; }
            img { max-width: 100%; height: auto; border: 1px solid #ddd; }
            .summary { color: #555; }
            </style>
            </head>
            <body>
            """);
        h.Append(inv, $"\n<h1>{E(model.Title)}</h1>\n");
        foreach (var note in model.Notes)
        {
            h.Append(inv, $"<p class=\"summary\">{E(note)}</p>\n");
        }

        h.Append(inv, $"<p class=\"summary\">{model.Samples.Count} samples, {flagged} with QC flags (highlighted).</p>\n");
        h.Append("<h2>Cohort table</h2>\n<table>\n<thead><tr><th class=\"name\">sample</th>");
        foreach (var c in model.Columns)
        {
            h.Append(inv, $"<th>{E(c)}</th>");
        }

        h.Append("<th class=\"flags\">QC flags</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < model.Samples.Count; i++)
        {
            var s = model.Samples[i];
            var problems = s.Error is null ? s.Flags : [.. s.Flags, s.Error];
            h.Append(problems.Count > 0 ? "<tr class=\"flagged\">" : "<tr>");
            h.Append(inv, $"<td class=\"name\"><a href=\"#{Anchor(i, s.Name)}\">{E(s.Name)}</a></td>");
            for (var c = 0; c < model.Columns.Count; c++)
            {
                h.Append(s.FlaggedColumns.Contains(model.Columns[c]) ? "<td class=\"flagcell\">" : "<td>");
                h.Append(E(s.Values[c])).Append("</td>");
            }

            h.Append(inv, $"<td class=\"flags\">{E(string.Join("; ", problems))}</td></tr>\n");
        }

        h.Append("</tbody>\n</table>\n");
        if (cohortFiles.Count > 0)
        {
            h.Append("<h2>Cohort</h2>\n");
            for (var i = 0; i < cohortFiles.Count; i++)
            {
                var f = model.CohortPlots[i];
                h.Append(inv, $"<p><img src=\"images/{cohortFiles[i]}\" width=\"{f.Width}\" height=\"{f.Height}\" alt=\"cohort plot {i + 1}\"></p>\n");
            }
        }

        h.Append("<h2>Samples</h2>\n");
        for (var i = 0; i < model.Samples.Count; i++)
        {
            var s = model.Samples[i];
            h.Append(inv, $"<section id=\"{Anchor(i, s.Name)}\">\n<h3>{E(s.Name)}</h3>\n");
            if (s.Flags.Count > 0)
            {
                h.Append("<ul class=\"flags\">");
                foreach (var f in s.Flags)
                {
                    h.Append(inv, $"<li>{E(f)}</li>");
                }

                h.Append("</ul>\n");
            }

            if ((s.Error ?? panelErrors[i]) is { } error)
            {
                h.Append(inv, $"<p class=\"error\">{E(error)}</p>\n");
            }

            if (panelFiles[i] is { } file)
            {
                h.Append(inv, $"<p><img src=\"images/{Uri.EscapeDataString(file)}\" alt=\"gating panel of {E(s.Name)}\" loading=\"lazy\"></p>\n");
            }

            h.Append("</section>\n");
        }

        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static string Anchor(int index, string name) => string.Create(CultureInfo.InvariantCulture, $"s{index + 1}-{Slug(name)}");

    // File- and URL-safe: letters, digits, '-', '_' and '.', at most 60 characters.
    private static string Slug(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').Take(60).ToArray();
        return chars.Length == 0 ? "sample" : new string(chars);
    }
}
