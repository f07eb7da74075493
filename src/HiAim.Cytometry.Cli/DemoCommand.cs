using System.Globalization;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Cli;

/// <summary>
/// <c>hiaim demo</c>: the README's main job in one command. Simulates a small HI AIM-like cohort (TBNK + Trucount,
/// exercise and control arms, pre/mid/post), counts it with the built-in TBNK template into a study folder (with gating
/// panels), prints the outcome summary, checks the counts against the simulator's truth, and writes the HTML report.
/// </summary>
internal static class DemoCommand
{
    public static readonly string[] ValueOptions = ["--out", "--patients", "--events", "--seed", "--nk-effect", "--threads"];

    private static readonly string[] Checked = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK", "NK_bright", "NK_dim"];

    public sealed record Request(string Directory, TbnkSimulationOptions Simulation, int? Threads);

    public static Request Parse(CliArguments args)
    {
        if (args.Positional.Count > 0)
        {
            throw new CliException($"demo takes no FILE arguments; got '{args.Positional[0]}'");
        }

        var dir = args.Value("--out") ?? "hiaim-demo";
        int Int(string option, int fallback, int max) =>
            args.Value(option) is not { } t ? fallback
            : int.TryParse(t, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n
            : throw new CliException($"{option} needs an integer 1..{max}; got '{t}'");

        var effect = args.Value("--nk-effect") is { } e
            ? double.TryParse(e.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) && pct > -100 && pct <= 1000 ? pct / 100
                : throw new CliException($"--nk-effect needs a percentage per timepoint above -100; got '{e}'")
            : 0.25;
        var seed = args.Value("--seed") is { } s
            ? ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"--seed needs a non-negative integer; got '{s}'")
            : 2026UL;
        int? threads = args.Value("--threads") is null ? null : Int("--threads", 1, 1024);
        var simulation = new TbnkSimulationOptions
        {
            Patients = Int("--patients", 12, 9999),
            EventsPerFile = Int("--events", 50_000, 50_000_000),
            Seed = seed,
            NkEffectPerTimepoint = effect,
            MaxDegreeOfParallelism = threads,
        };
        return new Request(dir, simulation, threads);
    }

    public static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        var inv = CultureInfo.InvariantCulture;
        var fcsDir = Path.Combine(request.Directory, "fcs");
        var results = Path.Combine(request.Directory, "results");
        var sim = request.Simulation;
        stdout.WriteLine(string.Create(inv, $"1/3 simulate: {sim.Patients} patients × {sim.Timepoints.Count} timepoints, {sim.EventsPerFile:N0} events per file, NK effect {sim.NkEffectPerTimepoint * 100:+0;-0} %/timepoint in the exercise arm → {fcsDir}"));
        var truths = new TbnkSimulator(sim).WriteCohort(fcsDir);

        stdout.WriteLine($"2/3 count: hiaim count {fcsDir} --sample-sheet {Path.Combine(fcsDir, "samples.csv")} --out {results}");
        var args = CliArguments.Parse(
            [fcsDir, "--sample-sheet", Path.Combine(fcsDir, "samples.csv"), "--out", results, "--plots", .. request.Threads is { } t ? (string[])["--threads", t.ToString(inv)] : []],
            "count", CountCommand.Flags, CountCommand.ValueOptions, out _)!;
        var code = CountCommand.Run(CountCommand.Parse(args), stdout, TextWriter.Null);

        stdout.WriteLine($"\n3/3 summary: hiaim summary {results}");
        CountCommand.Summary(CliArguments.Parse([results], "summary", [], ["--timepoints"], out _)!, stdout);

        // The simulator knows the truth: show how far the automated gating is from it.
        var counts = SampleSheet.Load(Path.Combine(results, CohortRun.CountsFileName), checkColumns: false);
        stdout.WriteLine("\naccuracy of cells/µL against the simulator's truth (|error| %):");
        stdout.WriteLine($"  {"population",-12} {"median",7} {"p95",7} {"within 5 %",11}");
        foreach (var pop in Checked)
        {
            var errors = truths
                .Select(tr => (tr, row: counts.Find(tr.Sample.FileName)))
                .Where(x => x.row is not null && double.TryParse(counts.Value(x.row, $"{pop}_per_uL"), NumberStyles.Float, inv, out _))
                .Select(x => 100 * Math.Abs((double.Parse(counts.Value(x.row!, $"{pop}_per_uL")!, inv) / x.tr.CellsPerUl(pop)) - 1))
                .Order().ToArray();
            if (errors.Length > 0)
            {
                stdout.WriteLine(string.Create(inv, $"  {pop,-12} {CohortSummary.Quantile(errors, 0.5),7:F2} {CohortSummary.Quantile(errors, 0.95),7:F2} {errors.Count(e => e <= 5),5}/{errors.Length}"));
            }
        }

        stdout.WriteLine();
        ReportCommand.Run(results, null, stdout);
        if (code != HiaimCli.Ok)
        {
            stderr.WriteLine($"hiaim: demo: some samples failed; see {Path.Combine(results, CohortRun.CountsFileName)}");
        }

        return code;
    }
}
