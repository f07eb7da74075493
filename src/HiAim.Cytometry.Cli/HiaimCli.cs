using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
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

    /// <summary>Exit code for an internal error (a bug): one line asking the user to report it.</summary>
    public const int InternalError = 3;

    /// <summary>Per command: its synopsis lines (under <c>Usage:</c>) and its description (under <c>Commands:</c>).</summary>
    private static readonly (string Name, string Synopsis, string Description, bool ReadsFcs)[] Commands =
    [
        ("info", """
              hiaim info FILE [--json] [--dataset N] [read options]
            """, """
              info    Show version, datasets, $PAR, $TOT, channels, spillover and warnings of an FCS file
                      (each warning: code, byte offset, segment, message; --json: "warnings" as objects
                      {"code","segment","offset","repair","message"}, repair true where the reader chose a reading).
            """, true),
        ("export", """
              hiaim export FILE --out OUT.csv|OUT.fcs [--compensate] [--transform SPEC] [--dataset N] [read options]
            """, """
              export  Write channel values ($PnE/$PnG/$TIMESTEP applied) as CSV (one row per event, $PnN
                      header) or as an FCS 3.1 float file (by the --out extension; others are refused);
                      --compensate applies the file's own spillover;
                      --transform applies to the spillover's detectors, one of asinh:T=..,M=..,A=..
                      logicle:T=..,W=..,M=..,A=..  hyperlog:T=..,W=..,M=..,A=..  log:T=..,M=..
                      linear:T=..,A=..  arcsinh:cofactor=..
            """, true),
        ("gate", """
              hiaim gate FILE... --strategy GATES.xml [--json|--csv] [--dataset N] [read options]
            """, """
              gate    Apply a Gating-ML 2.0 strategy to each FILE (in parallel, output in argument order)
                      and print count, % of parent and % of total per population, as a table, --json
                      ({"files":[{"file","populations":[{"id","parent","count","percent_parent",
                      "percent_total"}],"warnings"}]}) or --csv. Warnings: the reader's repairs and gating's
                      (e.g. no spillover to apply). A file that fails is reported (JSON: an entry with
                      "error") and the batch goes on; the exit code is then 2.
            """, true),
        ("plot", """
              hiaim plot FILE --strategy GATES.xml|--panel tbnk|nk|PANEL.json --out PANEL.png|PANEL.svg [--columns N]
                         [--marker MARKER=CHANNEL]... [--dataset N] [read options]
            """, """
              plot    Draw one file's gating panel: every gate of a Gating-ML strategy (--strategy) or of a
                      panel's data-placed gates (--panel tbnk|nk|PANEL.json and --marker overrides, as for
                      count; title with QC flags) on its parent's events, density plots with gate outlines and
                      % of parent, as PNG or SVG (by the --out extension; others are refused). --columns:
                      plots per row (default 4).
            """, true),
        ("simulate", """
              hiaim simulate --out DIR [--patients N] [--timepoints pre,mid,post] [--events N] [--seed S]
                             [--nk-effect PCT] [--threads N]
            """, """
              simulate  Write a deterministic simulated TBNK/Trucount cohort (FACSCanto-like 6-colour tube with
                      $SPILLOVER, bead lot keywords and per-event noise): DIR/<patient>_<timepoint>.fcs, DIR/truth.csv
                      (true events and cells/µL per population) and DIR/samples.csv (file, patient, arm, timepoint,
                      beads_per_test, volume_ul). Defaults: 70 patients, pre,mid,post, 50000 events, seed 1,
                      --nk-effect 10 (% rise of CD56dim NK per timepoint in the exercise arm). The same options
                      give byte-identical files whatever --threads (default: one per core).

            """, false),
        ("count", """
              hiaim count PATH... --out DIR [--panel tbnk|nk|PANEL.json] [--strategy GATES.xml [--population NAME=ID]...]
                          [--sample-sheet SHEET.csv] [--beads-per-test N] [--volume-ul V] [--marker MARKER=CHANNEL]...
                          [--threads N] [--no-resume] [--export-gates] [--plots] [--dataset N] [read options]
            """, """
              count   Count a panel's populations in every sample of a cohort (PATH = files or folders of .fcs):
                      per population events, % of lymphocytes and cells/µL (bead formula: events / bead events ×
                      beads per test / µL; beads and volume from the options, the sheet's beads_per_test/volume_ul
                      columns, or the BEADS PER TEST / SAMPLE VOLUME UL keywords) and QC flags. Gates are placed per
                      sample by the panel's template (tbnk: singlets, beads, CD45/SSC lymphocytes, CD3, CD4/CD8,
                      CD19, CD16+56, NK bright/dim; nk: NK subsets), or taken from a fixed --strategy whose population
                      ids are the report's names (or mapped with --population NK=ID). A lab's own panel is a JSON
                      file (name, markers with aliases, countingBeads, a Gating-ML strategy in marker names, the
                      populations to report). Markers are found from $PnS/$PnN; --marker CD3=FITC-A overrides. Writes DIR/counts.csv (file, sha256, events, sheet columns,
                      P_events, P_pct_lymphocytes, P_per_uL, qc_flags, read_warnings, error), DIR/qc.csv and DIR/study.db (SQLite:
                      runs with provenance, samples with read warnings, populations, placed gates, QC flags). Each sample is committed
                      as it finishes; a re-run skips samples whose SHA-256 and settings are unchanged, so an
                      interrupted run resumes. Rows follow the sample sheet's order (then the rest); a bad file is
                      reported and the run goes on; exit code 2 if any sample failed. --plots draws each analysed
                      sample's gating panel to DIR/plots/<sample>.png as it goes.
                      The sample sheet needs a 'file' column; beads_per_test and volume_ul must be positive numbers;
                      a column that looks like a known one (beads, volume, group, ...) or clashes with an output
                      column (sha256, events, error, NK_per_uL, ...) is refused; other columns are carried through.
                      Its rows must name files inside the given folders (or beside the sheet). One run at a time
                      per DIR (a lock file); a run that was killed is marked 'interrupted' by the next.
            """, true),
        ("summary", """
              hiaim summary DIR [--timepoints pre,mid,post]
            """, """
              summary Per arm × timepoint median [IQR] cells/µL of NK, T, CD4, CD8, B (and NK subsets), and the
                      per-patient change from the first timepoint; writes DIR/summary.csv and DIR/changes.csv.
                      Needs patient, arm and timepoint columns (from count's --sample-sheet).
            """, false),
        ("report", """
              hiaim report DIR [--out REPORT_DIR]
            """, """
              report  Write an offline HTML report of a count run to DIR/report/index.html (or --out): the counts
                      table with QC flags highlighted, NK and T cells/µL per timepoint and arm (one line per
                      patient, arm medians), and each sample's gating panel (from --plots, else drawn from the
                      gates stored in study.db re-applied to the file).
            """, false),
        ("demo", """
              hiaim demo [--out DIR] [--patients N] [--events N] [--seed S] [--nk-effect PCT] [--threads N]
            """, """
              demo    Simulate a 12-patient HI AIM-like cohort (36 files) into DIR/fcs (default DIR hiaim-demo),
                      count it into DIR/results (with gating panels), print the summary and the error against the
                      simulator's truth, and write the HTML report to DIR/results/report/index.html.
            """, false),
    ];

    private const string ReadOptionsHelp = """
        Read options (info, export, gate, plot and count):
          --json                   Print one JSON document (keywords, first/last events, channel sums, ...).
          --dataset N              Zero-based dataset of a multi-dataset ($NEXTDATA) file (default 0).
          --strict                 Refuse every defect instead of repairing the unambiguous ones with a warning.
          --lenient                Turn on every lenience option below (TEXT offsets preferred unless
                                   --prefer-header-offsets is given).
          --prefer-text-offsets    HEADER and $BEGINDATA/$ENDDATA disagree: use the TEXT keywords.
          --prefer-header-offsets  HEADER and $BEGINDATA/$ENDDATA disagree: use the HEADER offsets.
          --tolerate-off-by-one    Accept a DATA segment one byte longer than $TOT events.
          --tolerate-extra-bytes   Accept a DATA segment longer than $TOT events by any amount.
          --tolerate-missing-begindata
                                   Accept an FCS 3.x dataset without $BEGINDATA/$ENDDATA (use HEADER offsets).
          --tolerate-truncated     DATA ends before $TOT events: read the whole events present (with a warning).
          --allow-unknown-version  Read a HEADER version other than FCS2.0/3.0/3.1/3.2 as the nearest known one.
          --spillover-detector D=CH  Spillover detector D is channel CH (repeatable), e.g. FL1="FL1 Log".
        """;

    private const string ExitCodesHelp = """
        Exit codes: 0 success; 2 usage error, unreadable or malformed file (or strategy, sheet, panel), or an
        output that cannot be written (one line on stderr each); 3 internal error (please report it).
        """;

    /// <summary>The whole help text (<c>hiaim --help</c>).</summary>
    public static readonly string Usage =
        "Usage:\n"
        + string.Join('\n', Commands.Select(c => c.Synopsis))
        + "\n  hiaim --help | --version | COMMAND --help\n\nCommands:\n"
        + string.Join('\n', Commands.Select(c => c.Description))
        + "\n\n" + ReadOptionsHelp + "\n\n" + ExitCodesHelp;

    /// <summary>One command's help (<c>hiaim COMMAND --help</c>), or null for an unknown command.</summary>
    public static string? CommandHelp(string command)
    {
        foreach (var c in Commands)
        {
            if (c.Name == command)
            {
                return "Usage:\n" + c.Synopsis + "\n\n" + c.Description.TrimEnd('\n') + "\n\n" + (c.ReadsFcs ? ReadOptionsHelp + "\n\n" : string.Empty) + ExitCodesHelp;
            }
        }

        return null;
    }

    /// <summary>Parser settings: no response files (an argument starting with <c>@</c> is a file name, as it always was).</summary>
    internal static readonly ParserConfiguration ParserConfiguration = new() { ResponseFileTokenReplacer = null };

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

        try
        {
            var result = Root(stdout, stderr).Parse(args, ParserConfiguration);
            if (result.Action is ParseErrorAction)
            {
                // -h anywhere after the command, even beside bad arguments, is a request for that command's help.
                return WantsHelp(args.AsSpan(1)) ? HelpText.Print(result, stdout) : ParseError(result, null, stderr);
            }

            // The parser takes an unknown --option for a FILE when the command takes files: refuse it here.
            var command = result.CommandResult.Command;
            if (command is not RootCommand && result.Action == command.Action && UnknownOption(result, args) is { } unknown)
            {
                return ParseError(result, unknown, stderr);
            }

            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            // The last line of defence: whatever escapes a command is one line on stderr, never a stack trace.
            return Failed(null, e, stderr);
        }
    }

    /// <summary>
    /// The command tree (System.CommandLine): per command its flags and value options, which the parser checks,
    /// completes (the <c>[suggest]</c> directive, dotnet-suggest) and lists for "did you mean" (<see cref="DidYouMean"/>),
    /// and the handler that gets the parsed <see cref="CliArguments"/>. Help is the hand-written text above.
    /// </summary>
    private static RootCommand Root(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("hiaim: command-line tool for flow cytometry FCS files");
        root.Options.Remove(root.Options.OfType<VersionOption>().Single());
        root.Options.Add(new Option<bool>("--version", "-V") { Arity = ArgumentArity.Zero }); // answered before parsing
        root.Options.OfType<HelpOption>().Single().Action = new HelpText();
        (string Name, string[] Flags, string[] Values, Func<CliArguments, TextWriter, TextWriter, int> Handler)[] commands =
        [
            ("info", [.. CliArguments.LenienceFlags, "--json"], CliArguments.ReadValueOptions, Info),
            ("export", [.. CliArguments.LenienceFlags, "--compensate"], [.. CliArguments.ReadValueOptions, "--out", "--transform"], Export),
            ("gate", [.. CliArguments.LenienceFlags, "--json", "--csv"], [.. CliArguments.ReadValueOptions, "--strategy"], Gate),
            ("plot", CliArguments.LenienceFlags, PlotCommand.ValueOptions, Plot),
            ("simulate", [], SimulateCommand.ValueOptions, Simulate),
            ("count", CountCommand.Flags, CountCommand.ValueOptions, Count),
            ("summary", [], ["--timepoints"], Summary),
            ("report", [], ["--out"], Report),
            ("demo", [], DemoCommand.ValueOptions, Demo),
        ];
        foreach (var (name, flags, values, handler) in commands)
        {
            var command = CliArguments.Command(name, flags, values);
            command.SetAction(result => handler(CliArguments.From(result), stdout, stderr));
            command.Options.FirstOrDefault(o => o.Name == "--panel")?.CompletionSources.Add("tbnk", "nk");
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>A parse error as one line (the first problem; for an unknown name, the close ones: "did you mean") and where the help is.</summary>
    private static int ParseError(ParseResult result, string? unknownOption, TextWriter stderr)
    {
        var command = result.CommandResult.Command is RootCommand ? null : result.CommandResult.Command;
        string problem;
        if (unknownOption is not null || result.UnmatchedTokens.Count > 0)
        {
            var token = unknownOption ?? result.UnmatchedTokens[0];
            var name = command is null ? token : token.Split('=', 2)[0];
            problem = command is null ? $"unknown command '{Clip(name)}'" : $"unknown option '{Clip(name)}' for {command.Name}";
            var known = command is null ? result.RootCommandResult.Command.Subcommands.Select(c => c.Name) : command.Options.Concat(result.RootCommandResult.Command.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            var close = DidYouMean(name, known);
            if (close.Count > 0)
            {
                problem += $"; did you mean {string.Join(" or ", close.Select(s => $"'{s}'"))}?";
            }
        }
        else
        {
            var error = result.Errors[0];
            problem = error.SymbolResult is OptionResult { Tokens.Count: 0, Option: var option } && option.Arity.MinimumNumberOfValues > 0
                ? $"{option.Name} needs a value"
                : error.Message;
        }

        return UsageError(stderr, command?.Name, problem);
    }

    /// <summary>The first FILE argument that looks like an option (<c>-x</c>, <c>--xyz</c>) and is not after <c>--</c>.</summary>
    private static string? UnknownOption(ParseResult result, string[] args)
    {
        var dashDash = Array.IndexOf(args, "--");
        var literal = dashDash < 0 ? [] : args.AsSpan(dashDash + 1).ToArray();
        return result.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .Select(t => t.Value).FirstOrDefault(v => v.Length > 1 && v[0] == '-' && !literal.Contains(v));
    }

    /// <summary>The names nearest to a misspelt <paramref name="token"/> (edit distance at most 3, and under half its length), or the ones it begins.</summary>
    internal static List<string> DidYouMean(string token, IEnumerable<string> names)
    {
        var scored = names.Distinct().Select(n => (Name: n, Distance: Distance(token, n))).ToList();
        var best = scored.Where(x => x.Distance <= Math.Min(3, (token.TrimStart('-').Length - 1) / 2 + 1)).ToList();
        if (best.Count == 0)
        {
            return [.. scored.Where(x => token.TrimStart('-').Length >= 3 && x.Name.StartsWith(token, StringComparison.Ordinal)).Select(x => x.Name).Order(StringComparer.Ordinal).Take(5)];
        }

        var min = best.Min(x => x.Distance);
        return [.. best.Where(x => x.Distance == min).Select(x => x.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var up = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = up;
            }
        }

        return row[b.Length];
    }

    /// <summary>The help option's action: the hand-written help of the command asked about (<see cref="CommandHelp"/>), or the whole usage.</summary>
    private sealed class HelpText : SynchronousCommandLineAction
    {
        public static int Print(ParseResult result, TextWriter stdout)
        {
            stdout.WriteLine(CommandHelp(result.CommandResult.Command.Name) ?? Usage);
            return Ok;
        }

        public override int Invoke(ParseResult parseResult) => Print(parseResult, parseResult.InvocationConfiguration.Output);
    }

    /// <summary>Whether <c>--help</c> or <c>-h</c> is among the arguments (before a <c>--</c>).</summary>
    private static bool WantsHelp(ReadOnlySpan<string> args)
    {
        foreach (var a in args)
        {
            if (a == "--")
            {
                return false;
            }

            if (a is "--help" or "-h")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tool's informational version (e.g. <c>0.1.0+commit</c>).</summary>
    public static string InformationalVersion()
    {
        var assembly = typeof(HiaimCli).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }

    private static int Info(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        if (parsed.Positional.Count != 1)
        {
            return UsageError(stderr, "info", parsed.Positional.Count == 0 ? "info needs a FILE" : $"info takes one FILE; got '{parsed.Positional[0]}' and '{parsed.Positional[1]}'");
        }

        var dataset = parsed.Dataset(out var error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, "info", error!);
        }

        var file = parsed.Positional[0];
        return Guarded(file, stderr, () => InfoCommand.Run(file, options, parsed.Has("--json"), stdout, stderr));
    }

    private static int Export(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        if (parsed.Positional.Count != 1 || parsed.Value("--out") is null)
        {
            return UsageError(stderr, "export", "export needs one FILE and --out OUT.csv|OUT.fcs");
        }

        var dataset = parsed.Dataset(out var error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, "export", error!);
        }

        var file = parsed.Positional[0];
        var request = new ExportCommand.Request(file, parsed.Value("--out")!, options, parsed.Has("--compensate"), parsed.Value("--transform"));
        return Guarded(file, stderr, () => ExportCommand.Run(request, stdout, stderr));
    }

    private static int Gate(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        if (parsed.Positional.Count == 0 || parsed.Value("--strategy") is not { } strategyPath)
        {
            return UsageError(stderr, "gate", "gate needs at least one FILE and --strategy GATES.xml");
        }

        if (parsed.Has("--json") && parsed.Has("--csv"))
        {
            return UsageError(stderr, "gate", "--json and --csv exclude each other");
        }

        var dataset = parsed.Dataset(out var error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, "gate", error!);
        }

        Gating.GatingStrategy strategy;
        var timing = GateCommand.Timing.FromEnvironment();
        try
        {
            strategy = Gating.GatingML.Load(strategyPath);
            timing?.Mark("parse strategy");
        }
        catch (Exception e)
        {
            return Failed(strategyPath, e, stderr);
        }

        var format = parsed.Has("--json") ? GateCommand.Format.Json : parsed.Has("--csv") ? GateCommand.Format.Csv : GateCommand.Format.Text;
        return GateCommand.Run(parsed.Positional, strategy, options, format, stdout, stderr, timing);
    }

    private static int Plot(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        if (parsed.Positional.Count != 1 || parsed.Value("--out") is not { } output || (parsed.Value("--strategy") is null) == (parsed.Value("--panel") is null))
        {
            return UsageError(stderr, "plot", "plot needs one FILE, --out PANEL.png|PANEL.svg and one of --strategy GATES.xml or --panel tbnk|nk|PANEL.json");
        }

        // The same panel names, definition files and --marker overrides as hiaim count.
        Panels.Panel? panel;
        IReadOnlyDictionary<string, string>? markers;
        try
        {
            panel = parsed.Value("--panel") is { } name ? CountCommand.PanelOption(name) : null;
            markers = CountCommand.Pairs(parsed, "--marker", "MARKER=CHANNEL, e.g. CD3=FITC-A");
        }
        catch (CliException e) when (!e.InputError)
        {
            return UsageError(stderr, "plot", e.Message);
        }

        var columns = 4;
        if (parsed.Value("--columns") is { } c && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out columns) || columns is < 1 or > 20))
        {
            return UsageError(stderr, "plot", $"--columns must be a whole number 1–20, not '{c}'");
        }

        var dataset = parsed.Dataset(out var error);
        var options = dataset is null ? null : parsed.ReadOptions(dataset.Value, out error);
        if (options is null)
        {
            return UsageError(stderr, "plot", error!);
        }

        var file = parsed.Positional[0];
        var request = new PlotCommand.Request(file, output, options, parsed.Value("--strategy"), panel, markers, columns);
        return Guarded(file, stderr, () => PlotCommand.Run(request, stdout, stderr));
    }

    private static int Simulate(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        var options = SimulateCommand.Options(parsed, out var error);
        if (options is null)
        {
            return UsageError(stderr, "simulate", error!);
        }

        var directory = parsed.Value("--out")!;
        return Guarded(directory, stderr, () => SimulateCommand.Run(options, directory, stdout));
    }

    private static int Count(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        CountCommand.Request request;
        try
        {
            request = CountCommand.Parse(parsed);
        }
        catch (CliException e)
        {
            return e.InputError ? Failed(null, e, stderr) : UsageError(stderr, "count", e.Message);
        }

        return Guarded(request.Output, stderr, () => CountCommand.Run(request, stdout, stderr));
    }

    private static int Summary(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        return Guarded(parsed.Positional.Count > 0 ? parsed.Positional[0] : "summary", stderr, () => CountCommand.Summary(parsed, stdout));
    }

    private static int Report(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        if (parsed.Positional.Count != 1)
        {
            return UsageError(stderr, "report", "report needs one DIR (the --out folder of hiaim count)");
        }

        var dir = parsed.Positional[0];
        return Guarded(dir, stderr, () => ReportCommand.Run(dir, parsed.Value("--out"), stdout));
    }

    private static int Demo(CliArguments parsed, TextWriter stdout, TextWriter stderr)
    {
        DemoCommand.Request request;
        try
        {
            request = DemoCommand.Parse(parsed);
        }
        catch (CliException e)
        {
            return e.InputError ? Failed(null, e, stderr) : UsageError(stderr, "demo", e.Message);
        }

        return Guarded(request.Directory, stderr, () => DemoCommand.Run(request, stdout, stderr));
    }

    /// <summary>Runs a command, turning any exception into one stderr line about <paramref name="file"/> (see <see cref="Failed"/>).</summary>
    private static int Guarded(string file, TextWriter stderr, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e)
        {
            return Failed(file, e, stderr);
        }
    }

    /// <summary>
    /// Reports an exception as one line on stderr: exit 2 for what bad input, bad arguments or the machine (disk full,
    /// permission denied, a broken database) cause; exit 3, asking for a report, for anything else (a bug).
    /// </summary>
    internal static int Failed(string? subject, Exception e, TextWriter stderr)
    {
        var (text, expected) = Describe(e);
        stderr.WriteLine(expected
            ? $"hiaim: {(subject is null ? string.Empty : $"{Clip(subject)}: ")}{text}"
            : $"hiaim: {text}; this is a bug in hiaim {InformationalVersion()}: please report it with the command line.");
        return expected ? Error : InternalError;
    }

    /// <summary>One line for an exception, and whether it is expected (input, arguments, machine) rather than a bug.</summary>
    internal static (string Text, bool Expected) Describe(Exception e)
    {
        if (e is AggregateException aggregate)
        {
            // Parallel work (simulate's files, a cohort's samples) can fail in several places at once, e.g. on a full
            // disk: the first unexpected error if any (a bug), else the first error, counting the rest.
            var inner = aggregate.Flatten().InnerExceptions;
            var described = inner.Select(Describe).ToList();
            var first = described.FirstOrDefault(d => !d.Expected, described.FirstOrDefault((Text: "internal error (an empty AggregateException)", Expected: false)));
            return inner.Count <= 1 ? first : (string.Create(CultureInfo.InvariantCulture, $"{first.Text} (and {inner.Count - 1} more errors)"), first.Expected);
        }

        switch (e)
        {
            case FcsFormatException f:
                var flag = f.LenienceOption is null ? null : FlagFor(f.LenienceOption);
                // --lenient covers the offset and length options, not reading a truncated copy or an unknown version.
                var lenient = f.LenienceOption is not (nameof(FcsReadOptions.TolerateTruncatedData) or nameof(FcsReadOptions.AllowUnknownVersion));
                return ($"{OneLine(f.Message)}{(flag is null ? string.Empty : $" With hiaim: {flag}{(lenient ? " (or --lenient)" : "")}.")}", true);
            case IOException or UnauthorizedAccessException or CliException or Cohort.CohortException or Cohort.SampleSheetException
                or Panels.PanelException or Gating.GatingException or Gating.GatingMLException or Compensation.CompensationException
                or Microsoft.Data.Sqlite.SqliteException
                or OutOfMemoryException or OperationCanceledException:
                return (OneLine(e.Message), true);
            default:
                return ($"internal error ({e.GetType().FullName}: {OneLine(e.Message)})", false);
        }
    }

    /// <summary>Refuses a directory where an FCS file is expected (reading one would say "access denied").</summary>
    /// <exception cref="CliException"><paramref name="path"/> is a directory.</exception>
    internal static void RequireFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliException("is a directory, not an FCS file");
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
        nameof(FcsReadOptions.TolerateTruncatedData) => "--tolerate-truncated",
        nameof(FcsReadOptions.AllowUnknownVersion) => "--allow-unknown-version",
        _ => null,
    };

    /// <summary>A message on one line, clipped so that an echoed input value cannot flood the terminal.</summary>
    internal static string OneLine(string message) => Clip(message.ReplaceLineEndings(" "), 2000);

    /// <summary>At most <paramref name="max"/> characters of <paramref name="text"/>, saying how long it was.</summary>
    internal static string Clip(string text, int max = 300) =>
        text.Length <= max ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..max]}… ({text.Length} characters)");

    /// <summary>A usage error: the problem and where to read the command's help (not the whole usage text).</summary>
    private static int UsageError(TextWriter stderr, string? command, string problem)
    {
        stderr.WriteLine($"hiaim: {OneLine(problem)}");
        stderr.WriteLine(command is null ? "run 'hiaim --help' for the commands" : $"run 'hiaim {command} --help'");
        return Error;
    }
}
