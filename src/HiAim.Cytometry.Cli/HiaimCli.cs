using System.Globalization;
using System.Reflection;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Cli;

/// <summary>Command dispatch and argument parsing for <c>hiaim</c>; callable in-process by tests.</summary>
internal static class HiaimCli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for usage errors, unreadable files and malformed FCS files.</summary>
    public const int Error = 2;

    public const string Usage = """
        Usage:
          hiaim info FILE [--json] [--dataset N] [lenience options]
          hiaim export FILE --out OUT.csv|OUT.fcs [--compensate] [--transform SPEC] [--dataset N] [lenience options]
          hiaim gate FILE... --strategy GATES.xml [--json|--csv] [--dataset N] [lenience options]
          hiaim plot FILE --strategy GATES.xml|--panel tbnk|nk --out PANEL.png|PANEL.svg [--columns N]
                     [--dataset N] [lenience options]
          hiaim simulate --out DIR [--patients N] [--timepoints pre,mid,post] [--events N] [--seed S]
                         [--nk-effect PCT] [--threads N]
          hiaim count PATH... --out DIR [--panel tbnk|nk|PANEL.json] [--strategy GATES.xml [--population NAME=ID]...]
                      [--sample-sheet SHEET.csv] [--beads-per-test N] [--volume-ul V] [--marker MARKER=CHANNEL]...
                      [--threads N] [--no-resume] [--export-gates] [--plots] [--dataset N] [lenience options]
          hiaim summary DIR [--timepoints pre,mid,post]
          hiaim report DIR [--out REPORT_DIR]
          hiaim demo [--out DIR] [--patients N] [--events N] [--seed S] [--nk-effect PCT] [--threads N]
          hiaim --help | --version

        Commands:
          info    Show version, datasets, $PAR, $TOT, channels, spillover and warnings of an FCS file.
          export  Write channel values ($PnE/$PnG/$TIMESTEP applied) as CSV (one row per event, $PnN
                  header) or as an FCS 3.1 float file; --compensate applies the file's own spillover;
                  --transform applies to the spillover's detectors, one of asinh:T=..,M=..,A=..
                  logicle:T=..,W=..,M=..,A=..  hyperlog:T=..,W=..,M=..,A=..  log:T=..,M=..
                  linear:T=..,A=..  arcsinh:cofactor=..
          gate    Apply a Gating-ML 2.0 strategy to each FILE (in parallel, output in argument order)
                  and print count, % of parent and % of total per population, as a table, --json
                  ({"files":[{"file","populations":[{"id","parent","count","percent_parent",
                  "percent_total"}]}]}) or --csv. A file that fails is reported (JSON: an entry with
                  "error") and the batch goes on; the exit code is then 2.
          plot    Draw one file's gating panel: every gate of a Gating-ML strategy (--strategy) or of a
                  built-in panel's data-placed gates (--panel tbnk|nk, title with QC flags) on its
                  parent's events, density plots with gate outlines and % of parent, as PNG or SVG (by
                  the --out extension). --columns: plots per row (default 4).
          simulate  Write a deterministic simulated TBNK/Trucount cohort (FACSCanto-like 6-colour tube with
                  $SPILLOVER, bead lot keywords and per-event noise): DIR/<patient>_<timepoint>.fcs, DIR/truth.csv
                  (true events and cells/µL per population) and DIR/samples.csv (file, patient, arm, timepoint,
                  beads_per_test, volume_ul). Defaults: 70 patients, pre,mid,post, 50000 events, seed 1,
                  --nk-effect 10 (% rise of CD56dim NK per timepoint in the exercise arm). The same options
                  give byte-identical files whatever --threads (default: one per core).

          count   Count a panel's populations in every sample of a cohort (PATH = files or folders of .fcs):
                  per population events, % of lymphocytes and cells/µL (bead formula: events / bead events ×
                  beads per test / µL; beads and volume from the options, the sheet's beads_per_test/volume_ul
                  columns, or the BEADS PER TEST / SAMPLE VOLUME UL keywords) and QC flags. Gates are placed per
                  sample by the panel's template (tbnk: singlets, beads, CD45/SSC lymphocytes, CD3, CD4/CD8,
                  CD19, CD16+56, NK bright/dim; nk: NK subsets), or taken from a fixed --strategy whose population
                  ids are the report's names (or mapped with --population NK=ID). A lab's own panel is a JSON
                  file (name, markers with aliases, countingBeads, a Gating-ML strategy in marker names, the
                  populations to report). Markers are found from $PnS/$PnN; --marker CD3=FITC-A overrides. Writes DIR/counts.csv (file, sha256, events, sheet columns,
                  P_events, P_pct_lymphocytes, P_per_uL, qc_flags, error), DIR/qc.csv and DIR/study.db (SQLite:
                  runs with provenance, samples, populations, placed gates, QC flags). Each sample is committed
                  as it finishes; a re-run skips samples whose SHA-256 and settings are unchanged, so an
                  interrupted run resumes. Rows follow the sample sheet's order (then the rest); a bad file is
                  reported and the run goes on; exit code 2 if any sample failed. --plots draws each analysed
                  sample's gating panel to DIR/plots/<sample>.png as it goes.
          summary Per arm × timepoint median [IQR] cells/µL of NK, T, CD4, CD8, B (and NK subsets), and the
                  per-patient change from the first timepoint; writes DIR/summary.csv and DIR/changes.csv.
                  Needs patient, arm and timepoint columns (from count's --sample-sheet).
          report  Write an offline HTML report of a count run to DIR/report/index.html (or --out): the counts
                  table with QC flags highlighted, NK and T cells/µL per timepoint and arm (one line per
                  patient, arm medians), and each sample's gating panel (from --plots, else drawn from the
                  gates stored in study.db re-applied to the file).
          demo    Simulate a 12-patient HI AIM-like cohort (36 files) into DIR/fcs (default DIR hiaim-demo),
                  count it into DIR/results (with gating panels), print the summary and the error against the
                  simulator's truth, and write the HTML report to DIR/results/report/index.html.

        Options (info, export, gate, plot and count):
          --json                   Print one JSON document (keywords, first/last events, channel sums, ...).
          --dataset N              Zero-based dataset of a multi-dataset ($NEXTDATA) file (default 0).
          --lenient                Turn on every lenience option below (TEXT offsets preferred unless
                                   --prefer-header-offsets is given).
          --prefer-text-offsets    HEADER and $BEGINDATA/$ENDDATA disagree: use the TEXT keywords.
          --prefer-header-offsets  HEADER and $BEGINDATA/$ENDDATA disagree: use the HEADER offsets.
          --tolerate-off-by-one    Accept a DATA segment one byte longer than $TOT events.
          --tolerate-extra-bytes   Accept a DATA segment longer than $TOT events by any amount.
          --tolerate-missing-begindata
                                   Accept an FCS 3.x dataset without $BEGINDATA/$ENDDATA (use HEADER offsets).

        Exit codes: 0 success, 2 usage error, unreadable or malformed file (or strategy).
        """;

    /// <summary>Runs the tool.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where usage text and errors go.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine(Usage);
            return Ok;
        }

        if (args[0] is "--version" or "-V")
        {
            stdout.WriteLine(InformationalVersion());
            return Ok;
        }

        return args[0] switch
        {
            "info" => Info(args.AsSpan(1), stdout, stderr),
            "export" => Export(args.AsSpan(1), stdout, stderr),
            "gate" => Gate(args.AsSpan(1), stdout, stderr),
            "simulate" => Simulate(args.AsSpan(1), stdout, stderr),
            "count" => Count(args.AsSpan(1), stdout, stderr),
            "summary" => Summary(args.AsSpan(1), stdout, stderr),
            "demo" => Demo(args.AsSpan(1), stdout, stderr),
            "report" => Report(args.AsSpan(1), stdout, stderr),
            "plot" => Plot(args.AsSpan(1), stdout, stderr),
            _ => UsageError(stderr, $"unknown command '{args[0]}'"),
        };
    }

    /// <summary>The tool's informational version (e.g. <c>0.1.0+commit</c>).</summary>
    public static string InformationalVersion()
    {
        var assembly = typeof(HiaimCli).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }

    private static int Info(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "info", [.. CliArguments.LenienceFlags, "--json"], ["--dataset"], out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Has("--help") || parsed.Has("-h"))
        {
            stdout.WriteLine(Usage);
            return Ok;
        }

        if (parsed.Positional.Count != 1)
        {
            return UsageError(stderr, parsed.Positional.Count == 0 ? "info needs a FILE" : $"info takes one FILE; got '{parsed.Positional[0]}' and '{parsed.Positional[1]}'");
        }

        var dataset = parsed.Dataset(out error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, error!);
        }

        var file = parsed.Positional[0];
        return Guarded(file, stderr, () => InfoCommand.Run(file, options, parsed.Has("--json"), stdout, stderr));
    }

    private static int Export(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "export", [.. CliArguments.LenienceFlags, "--compensate"], ["--dataset", "--out", "--transform"], out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Positional.Count != 1 || parsed.Value("--out") is null)
        {
            return UsageError(stderr, "export needs one FILE and --out OUT.csv|OUT.fcs");
        }

        var dataset = parsed.Dataset(out error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, error!);
        }

        var file = parsed.Positional[0];
        var request = new ExportCommand.Request(file, parsed.Value("--out")!, options, parsed.Has("--compensate"), parsed.Value("--transform"));
        return Guarded(file, stderr, () => ExportCommand.Run(request, stdout, stderr));
    }

    private static int Gate(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "gate", [.. CliArguments.LenienceFlags, "--json", "--csv"], ["--dataset", "--strategy"], out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Positional.Count == 0 || parsed.Value("--strategy") is not { } strategyPath)
        {
            return UsageError(stderr, "gate needs at least one FILE and --strategy GATES.xml");
        }

        if (parsed.Has("--json") && parsed.Has("--csv"))
        {
            return UsageError(stderr, "--json and --csv exclude each other");
        }

        var dataset = parsed.Dataset(out error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, error!);
        }

        Gating.GatingStrategy strategy;
        var timing = GateCommand.Timing.FromEnvironment();
        try
        {
            strategy = Gating.GatingML.Load(strategyPath);
            timing?.Mark("parse strategy");
        }
        catch (Exception e) when (e is Gating.GatingMLException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"hiaim: {strategyPath}: {OneLine(e.Message)}");
            return Error;
        }

        var format = parsed.Has("--json") ? GateCommand.Format.Json : parsed.Has("--csv") ? GateCommand.Format.Csv : GateCommand.Format.Text;
        return GateCommand.Run(parsed.Positional, strategy, options, format, stdout, stderr, timing);
    }

    private static int Plot(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "plot", CliArguments.LenienceFlags, PlotCommand.ValueOptions, out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Positional.Count != 1 || parsed.Value("--out") is not { } output || (parsed.Value("--strategy") is null) == (parsed.Value("--panel") is null))
        {
            return UsageError(stderr, "plot needs one FILE, --out PANEL.png|PANEL.svg and one of --strategy GATES.xml or --panel tbnk|nk");
        }

        if (parsed.Value("--panel") is { } name && PlotCommand.PanelByName(name) is null)
        {
            return UsageError(stderr, $"unknown panel '{name}' (known: tbnk, nk)");
        }

        var columns = 4;
        if (parsed.Value("--columns") is { } c && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out columns) || columns is < 1 or > 20))
        {
            return UsageError(stderr, $"--columns must be a whole number 1–20, not '{c}'");
        }

        var dataset = parsed.Dataset(out error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, error!);
        }

        var file = parsed.Positional[0];
        var request = new PlotCommand.Request(file, output, options, parsed.Value("--strategy"), parsed.Value("--panel"), columns);
        return Guarded(file, stderr, () => PlotCommand.Run(request, stdout, stderr));
    }

    private static int Simulate(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "simulate", [], SimulateCommand.ValueOptions, out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Has("--help") || parsed.Has("-h"))
        {
            stdout.WriteLine(Usage);
            return Ok;
        }

        var options = SimulateCommand.Options(parsed, out error);
        if (options is null)
        {
            return UsageError(stderr, error!);
        }

        var directory = parsed.Value("--out")!;
        return Guarded(directory, stderr, () => SimulateCommand.Run(options, directory, stdout));
    }

    private static int Count(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "count", CountCommand.Flags, CountCommand.ValueOptions, out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Has("--help") || parsed.Has("-h"))
        {
            stdout.WriteLine(Usage);
            return Ok;
        }

        CountCommand.Request request;
        try
        {
            request = CountCommand.Parse(parsed);
        }
        catch (CliException e)
        {
            return UsageError(stderr, e.Message);
        }

        return Guarded(request.Output, stderr, () => CountCommand.Run(request, stdout, stderr));
    }

    private static int Summary(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "summary", [], ["--timepoints"], out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        return Guarded(parsed.Positional.Count > 0 ? parsed.Positional[0] : "summary", stderr, () => CountCommand.Summary(parsed, stdout));
    }

    private static int Report(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "report", [], ["--out"], out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        if (parsed.Positional.Count != 1)
        {
            return UsageError(stderr, "report needs one DIR (the --out folder of hiaim count)");
        }

        var dir = parsed.Positional[0];
        return Guarded(dir, stderr, () => ReportCommand.Run(dir, parsed.Value("--out"), stdout));
    }

    private static int Demo(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CliArguments.Parse(args, "demo", [], DemoCommand.ValueOptions, out var error);
        if (parsed is null)
        {
            return UsageError(stderr, error!);
        }

        DemoCommand.Request request;
        try
        {
            request = DemoCommand.Parse(parsed);
        }
        catch (CliException e)
        {
            return UsageError(stderr, e.Message);
        }

        return Guarded(request.Directory, stderr, () => DemoCommand.Run(request, stdout, stderr));
    }

    /// <summary>Runs a command, turning malformed-input exceptions into one stderr line and exit code 2.</summary>
    private static int Guarded(string file, TextWriter stderr, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (FcsFormatException e)
        {
            var flag = e.LenienceOption is null ? null : FlagFor(e.LenienceOption);
            var hint = flag is null ? string.Empty : $" With hiaim: {flag} (or --lenient).";
            stderr.WriteLine($"hiaim: {file}: {OneLine(e.Message)}{hint}");
            return Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliException or Cohort.CohortException)
        {
            stderr.WriteLine($"hiaim: {file}: {OneLine(e.Message)}");
            return Error;
        }
    }

    /// <summary>The command-line flag for an <see cref="FcsReadOptions"/> lenience property.</summary>
    internal static string? FlagFor(string lenienceOption) => lenienceOption switch
    {
        nameof(FcsReadOptions.PreferTextDataOffsets) => "--prefer-text-offsets",
        nameof(FcsReadOptions.PreferHeaderDataOffsets) => "--prefer-header-offsets",
        nameof(FcsReadOptions.TolerateEndDataOffByOne) => "--tolerate-off-by-one",
        nameof(FcsReadOptions.TolerateExtraDataBytes) => "--tolerate-extra-bytes",
        nameof(FcsReadOptions.TolerateMissingBeginData) => "--tolerate-missing-begindata",
        _ => null,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static int UsageError(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"hiaim: {problem}");
        stderr.WriteLine(Usage);
        return Error;
    }
}
