using System.Diagnostics;
using System.Globalization;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Cli;

/// <summary><c>hiaim simulate</c>: writes a deterministic simulated TBNK/Trucount cohort with its truth table and sample sheet.</summary>
internal static class SimulateCommand
{
    public static readonly string[] ValueOptions = ["--out", "--patients", "--timepoints", "--events", "--seed", "--nk-effect", "--threads"];

    /// <summary>Builds the options from parsed arguments; null and an error message on a bad value.</summary>
    public static TbnkSimulationOptions? Options(CliArguments args, out string? error)
    {
        error = null;
        var inv = CultureInfo.InvariantCulture;
        var options = TbnkSimulationOptions.Default;
        if (args.Positional.Count > 0)
        {
            error = $"simulate takes no FILE arguments; got '{args.Positional[0]}'";
            return null;
        }

        if (string.IsNullOrWhiteSpace(args.Value("--out")))
        {
            error = "simulate needs --out DIR";
            return null;
        }

        if (args.Value("--patients") is { } patients)
        {
            if (!int.TryParse(patients, NumberStyles.None, inv, out var n) || n is < 1 or > 9999)
            {
                error = $"--patients needs an integer 1..9999; got '{patients}'";
                return null;
            }

            options = options with { Patients = n };
        }

        if (args.Value("--events") is { } events)
        {
            if (!int.TryParse(events, NumberStyles.AllowThousands, inv, out var n) || n is < 1 or > 50_000_000)
            {
                error = $"--events needs an integer 1..50000000; got '{events}'";
                return null;
            }

            options = options with { EventsPerFile = n };
        }

        if (args.Value("--seed") is { } seed)
        {
            if (!ulong.TryParse(seed, NumberStyles.None, inv, out var s))
            {
                error = $"--seed needs a non-negative integer (up to 18446744073709551615); got '{seed}'";
                return null;
            }

            options = options with { Seed = s };
        }

        if (args.Value("--nk-effect") is { } effect)
        {
            if (!double.TryParse(effect.TrimEnd('%'), NumberStyles.Float, inv, out var pct) || !double.IsFinite(pct) || pct <= -100 || pct > 1000)
            {
                error = $"--nk-effect needs a percentage per timepoint above -100 and at most 1000 (e.g. 10 for +10 %); got '{effect}'";
                return null;
            }

            options = options with { NkEffectPerTimepoint = pct / 100 };
        }

        if (args.Value("--threads") is { } threads)
        {
            if (!int.TryParse(threads, NumberStyles.None, inv, out var n) || n < 1)
            {
                error = $"--threads needs a positive integer; got '{threads}'";
                return null;
            }

            options = options with { MaxDegreeOfParallelism = n };
        }

        if (args.Value("--timepoints") is { } timepoints)
        {
            options = options with { Timepoints = timepoints.Split(',', StringSplitOptions.TrimEntries) };
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }

        return options;
    }

    public static int Run(TbnkSimulationOptions options, string directory, TextWriter stdout)
    {
        var watch = Stopwatch.StartNew();
        var simulator = new TbnkSimulator(options);
        var truths = simulator.WriteCohort(directory);
        var nk = truths.Select(t => t.CellsPerUl("NK")).Order().ToArray();
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"hiaim: simulated {truths.Count} files ({options.Patients} patients × {options.Timepoints.Count} timepoints [{string.Join(',', options.Timepoints)}], {options.EventsPerFile} events each, seed {options.Seed}, NK effect {options.NkEffectPerTimepoint * 100:0.##} %/timepoint; median NK {nk[nk.Length / 2]:0} cells/µL) into {directory} with truth.csv and samples.csv in {watch.Elapsed.TotalSeconds:0.0} s"));
        return HiaimCli.Ok;
    }
}
