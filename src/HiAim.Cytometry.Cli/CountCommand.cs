using System.Globalization;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using Spectre.Console;

namespace HiAim.Cytometry.Cli;

/// <summary>
/// <c>hiaim count PATH... --out DIR</c>: a cohort run (see <see cref="CohortRun"/>) with a progress bar on a terminal and
/// one line per sample otherwise; <c>hiaim summary DIR</c>: the per-arm × timepoint outcome view.
/// </summary>
internal static class CountCommand
{
    public static readonly string[] Flags = [.. CliArguments.LenienceFlags, "--no-resume", "--export-gates", "--plots"];

    public static readonly string[] ValueOptions =
        ["--out", "--panel", "--strategy", "--sample-sheet", "--beads-per-test", "--volume-ul", "--marker", "--population", "--threads", .. CliArguments.ReadValueOptions];

    /// <summary>A parsed count request.</summary>
    /// <param name="Files">Sample files in report order.</param>
    /// <param name="Output">The output folder.</param>
    /// <param name="Options">The cohort run's settings.</param>
    /// <param name="Notes">Notes printed before the run (e.g. sheet rows skipped).</param>
    /// <param name="Refused">Sample sheet rows refused (a file outside the given folders), one message each: exit code 2.</param>
    public sealed record Request(IReadOnlyList<string> Files, string Output, CohortRunOptions Options, IReadOnlyList<string> Notes, IReadOnlyList<string> Refused);

    /// <summary>Builds the request; throws <see cref="CliException"/> on a usage error.</summary>
    public static Request Parse(CliArguments args)
    {
        var output = args.Value("--out");
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new CliException("count needs --out DIR (counts.csv, qc.csv and study.db go there)");
        }

        var panel = PanelOption(args.Value("--panel"));
        var dataset = args.Dataset(out var error) ?? throw new CliException(error!);
        var read = args.ReadOptions(dataset, out error) ?? throw new CliException(error!);
        GatingStrategy? strategy = null;
        if (args.Value("--strategy") is { } strategyPath)
        {
            try
            {
                strategy = GatingML.Load(strategyPath);
            }
            catch (Exception e) when (e is GatingMLException or IOException or UnauthorizedAccessException)
            {
                throw new CliException($"{strategyPath}: {HiaimCli.OneLine(e.Message)}", inputError: true);
            }
        }

        SampleSheet? sheet = null;
        var sheetPath = args.Value("--sample-sheet");
        if (sheetPath is not null)
        {
            try
            {
                sheet = SampleSheet.Load(sheetPath);
            }
            catch (Exception e) when (e is SampleSheetException or IOException or UnauthorizedAccessException)
            {
                throw new CliException(
                    e switch
                    {
                        FileNotFoundException => $"sample sheet {sheetPath} not found",
                        SampleSheetException => HiaimCli.OneLine(e.Message),
                        _ => $"sample sheet {sheetPath}: {HiaimCli.OneLine(e.Message)}",
                    },
                    inputError: true);
            }
        }

        var notes = new List<string>();
        var refused = new List<string>();
        var files = Inputs(args.Positional, sheet, sheetPath, notes, refused);
        var options = new CohortRunOptions
        {
            Panel = panel,
            Strategy = strategy,
            SampleSheet = sheet,
            BeadsPerTest = Positive(args, "--beads-per-test"),
            SampleVolumeUl = Positive(args, "--volume-ul"),
            ChannelOverrides = Pairs(args, "--marker", "MARKER=CHANNEL, e.g. CD3=FITC-A"),
            PopulationIds = Pairs(args, "--population", "POPULATION=GATE-ID, e.g. NK=CD3-CD56+"),
            ReadOptions = read,
            MaxDegreeOfParallelism = args.Value("--threads") is { } t
                ? int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new CliException($"--threads needs a positive integer; got '{t}'")
                : null,
            Resume = !args.Has("--no-resume"),
            ExportGates = args.Has("--export-gates"),
            Analyzed = args.Has("--plots") ? (sample, result) => ReportCommand.SavePanel(output, sample, result) : null,
        };
        if (options.PopulationIds is not null && strategy is null)
        {
            throw new CliException("--population maps populations of a --strategy; give --strategy GATES.xml");
        }

        return new Request(files, output, options, notes, refused);
    }

    /// <summary>
    /// The sample files: each PATH (a directory contributes its *.fcs files, sorted), ordered as the sample sheet lists them
    /// (then the rest). Without PATH, the sheet's files next to the sheet. A sheet row whose file exists but is not among
    /// the inputs is skipped with a note; one whose file exists nowhere becomes a failed sample, visible in counts.csv. A row
    /// naming a file outside the given folders (or, without PATH, outside the sheet's folder), such as <c>../../etc/passwd</c>
    /// or an absolute path elsewhere, is refused and listed in <paramref name="refused"/>: a sheet must not make hiaim read
    /// (and hash into counts.csv) files it was not given.
    /// </summary>
    public static List<string> Inputs(IReadOnlyList<string> paths, SampleSheet? sheet, string? sheetPath, List<string> notes, List<string> refused)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                var found = Directory.EnumerateFiles(p, "*.fcs", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false })
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    throw new CliException($"{p}: the folder has no .fcs files", inputError: true);
                }

                files.AddRange(found);
            }
            else
            {
                files.Add(p);
            }
        }

        if (sheet is null)
        {
            return files.Count > 0 ? files : throw new CliException("count needs at least one FILE or folder (or a --sample-sheet listing the files)");
        }

        var byName = files.GroupBy(f => Path.GetFileName(f), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var ordered = new List<string>();
        var sheetDir = Path.GetDirectoryName(Path.GetFullPath(sheetPath!))!;
        var folders = paths.Count == 0
            ? [sheetDir]
            : paths.Select(p => Directory.Exists(p) ? Path.GetFullPath(p) : Path.GetDirectoryName(Path.GetFullPath(p))!).Append(sheetDir).Distinct(StringComparer.Ordinal).ToList();
        foreach (var row in sheet.Rows)
        {
            if (byName.Remove(row.File, out var given))
            {
                ordered.Add(given);
            }
            else
            {
                var beside = Path.GetFullPath(Path.Combine(sheetDir, row.File));
                var inside = paths.Count == 1 && Directory.Exists(paths[0]) ? Path.GetFullPath(Path.Combine(paths[0], row.File)) : beside;
                if (!Within(beside, folders) || !Within(inside, folders))
                {
                    refused.Add($"{sheet.Source}, line {row.Line}: file '{HiaimCli.Clip(row.File, 120)}' is outside {string.Join(" and ", folders)}: refused (name files inside the folder)");
                    continue;
                }

                if (paths.Count == 0)
                {
                    ordered.Add(beside);
                    continue;
                }

                // Inputs were named: a sheet row outside them is skipped when its file exists (a deliberate subset), and
                // reported as a failed sample when it exists nowhere (a missing file must not vanish silently).
                var candidate = inside;
                if (File.Exists(candidate) || File.Exists(beside))
                {
                    notes.Add($"{row.File} (sample sheet line {row.Line}) is not among the inputs: skipped");
                }
                else
                {
                    notes.Add($"{row.File} (sample sheet line {row.Line}) was not found: reported as failed");
                    ordered.Add(candidate);
                }
            }
        }

        ordered.AddRange(files.Where(f => byName.ContainsKey(Path.GetFileName(f))));
        return ordered;
    }

    /// <summary>Whether <paramref name="fullPath"/> is inside one of <paramref name="folders"/> (full paths).</summary>
    private static bool Within(string fullPath, IEnumerable<string> folders) =>
        folders.Any(f => fullPath.StartsWith(Path.EndsInDirectorySeparator(f) ? f : f + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    public static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        foreach (var note in request.Notes)
        {
            stderr.WriteLine($"hiaim: note: {note}");
        }

        foreach (var row in request.Refused)
        {
            stderr.WriteLine($"hiaim: {row}");
        }

        if (request.Files.Count == 0)
        {
            throw new CliException("no sample to count: every sample sheet row was refused");
        }

        var total = request.Files.Count;
        CohortRunResult result;
        if (ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            CohortRunResult? r = null;
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"counting {total} samples", maxValue: total);
                    var progress = new SyncProgress(p =>
                    {
                        task.Increment(1);
                        if (p.Sample.Status == SampleStatus.Failed)
                        {
                            console.MarkupLineInterpolated($"[red]{p.Sample.File}: {p.Sample.Error}[/]");
                        }
                    });
                    r = CohortRun.Run(request.Files, request.Output, request.Options, progress);
                });
            result = r!;
        }
        else
        {
            var width = total.ToString(CultureInfo.InvariantCulture).Length;
            var sync = new Lock();
            var progress = new SyncProgress(p =>
            {
                var s = p.Sample;
                var what = s.Status switch
                {
                    SampleStatus.Failed => $"FAILED: {s.Error}",
                    SampleStatus.Reused => "unchanged, reused",
                    _ => s.QcFlags.Count == 0 ? "ok" : $"ok, QC: {string.Join(", ", s.QcFlags)}",
                };
                lock (sync)
                {
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{p.Done.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{total}] {s.File}: {what}"));
                }
            });
            result = CohortRun.Run(request.Files, request.Output, request.Options, progress);
        }

        Report(result, request, stdout, stderr);
        return result.Failed == 0 && request.Refused.Count == 0 ? HiaimCli.Ok : HiaimCli.Error;
    }

    private static void Report(CohortRunResult result, Request request, TextWriter stdout, TextWriter stderr)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var w in result.Warnings)
        {
            stderr.WriteLine($"hiaim: warning: {w}");
        }

        foreach (var f in result.Samples.Where(s => s.Status == SampleStatus.Failed))
        {
            stderr.WriteLine($"hiaim: {f.Path}: {f.Error}");
        }

        var analyzed = result.Samples.Count(s => s.Status == SampleStatus.Analyzed);
        var reused = result.Samples.Count(s => s.Status == SampleStatus.Reused);
        var flagged = result.Samples.Count(s => s.QcFlags.Count > 0);
        var seconds = result.Elapsed.TotalSeconds;
        stdout.WriteLine(string.Create(inv, $"hiaim count: {result.Samples.Count} samples ({request.Options.Panel.Name}, {(request.Options.Strategy is null ? "gates placed per sample" : "fixed Gating-ML strategy")}): {analyzed} analysed, {reused} unchanged and reused, {result.Failed} failed, {flagged} with QC flags; {seconds:0.00} s ({(analyzed > 0 ? analyzed / seconds : 0):0.0} files/s)"));
        var stages = result.Stages;
        if (stages.Total > TimeSpan.Zero)
        {
            double Share(TimeSpan t) => 100 * t.TotalSeconds / stages.Total.TotalSeconds;
            stdout.WriteLine(string.Create(inv, $"  time per stage (summed over workers): read {Share(stages.Read):0}%, compensate {Share(stages.Compensate):0}%, transform {Share(stages.Transform):0}%, gate {Share(stages.Gate):0}%, store {Share(stages.Store):0}%"));
        }

        stdout.WriteLine($"  {result.CountsCsv}  (one row per sample; QC reasons in {CohortRun.QcFileName})");
        stdout.WriteLine($"  {result.Database}  (runs with provenance, samples, populations, placed gates, QC flags; run {result.RunId})");
    }

    public static int Summary(CliArguments args, TextWriter stdout)
    {
        if (args.Positional.Count != 1)
        {
            throw new CliException("summary needs one DIR (the --out folder of hiaim count)");
        }

        var dir = args.Positional[0];
        var timepoints = args.Value("--timepoints")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        CohortSummary summary;
        try
        {
            summary = CohortSummary.Load(dir, timepoints);
        }
        catch (CohortException e)
        {
            throw new CliException(e.Message);
        }

        summary.WriteCsv(dir);
        stdout.Write(summary.ToText());
        stdout.WriteLine($"\n  {Path.Combine(dir, "summary.csv")} and {Path.Combine(dir, "changes.csv")} written");
        return HiaimCli.Ok;
    }

    /// <summary>tbnk, nk, or a panel definition file (JSON, see <see cref="HiAim.Cytometry.Panels.Panel.Load"/>).</summary>
    public static HiAim.Cytometry.Panels.Panel PanelOption(string? value)
    {
        if (value is not null && (value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(value)))
        {
            try
            {
                return HiAim.Cytometry.Panels.Panel.Load(value);
            }
            catch (PanelException e)
            {
                throw new CliException(HiaimCli.OneLine(e.Message), inputError: true);
            }
        }

        return (value ?? "tbnk").ToUpperInvariant() switch
        {
            "TBNK" => TbnkPanel.Default,
            "NK" or "NK-SUBSETS" or "NKSUBSETS" => TbnkPanel.NkSubsets,
            var other => throw new CliException($"--panel must be tbnk, nk (NK subsets) or a panel definition .json; got '{other.ToLowerInvariant()}'"),
        };
    }

    private static double? Positive(CliArguments args, string option) =>
        args.Value(option) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v
        : throw new CliException($"{option} needs a positive number; got '{text}'");

    internal static Dictionary<string, string>? Pairs(CliArguments args, string option, string form)
    {
        var values = args.Values(option);
        if (values.Count == 0)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == item.Length - 1)
            {
                throw new CliException($"{option} needs {form}; got '{item}'");
            }

            map[item[..eq].Trim()] = item[(eq + 1)..].Trim();
        }

        return map;
    }

    /// <summary>Calls the handler on the reporting thread (no SynchronizationContext hop, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class SyncProgress(Action<CohortProgress> handler) : IProgress<CohortProgress>
    {
        public void Report(CohortProgress value) => handler(value);
    }
}
