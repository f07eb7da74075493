using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Cohort;

/// <summary>Simulated cohorts written to temporary folders once per test run and shared (read-only) by the cohort tests.</summary>
internal static class CohortFixture
{
    /// <summary>4 patients × pre/mid/post × 20,000 events: 12 small files for determinism, resume and bad-input tests.</summary>
    public static string Small => SmallCohort.Value;

    /// <summary>10 patients × pre/mid/post × 40,000 events (30 files), +30 % NK per timepoint in the exercise arm: accuracy and outcome.</summary>
    public static (string Directory, IReadOnlyList<TbnkTruth> Truths) Trial => TrialCohort.Value;

    private static readonly Lazy<string> SmallCohort = new(() =>
    {
        var dir = NewDirectory("small");
        new TbnkSimulator(new TbnkSimulationOptions { Patients = 4, EventsPerFile = 20_000, Seed = 77 }).WriteCohort(dir);
        return dir;
    });

    private static readonly Lazy<(string, IReadOnlyList<TbnkTruth>)> TrialCohort = new(() =>
    {
        var dir = NewDirectory("trial");
        var truths = new TbnkSimulator(new TbnkSimulationOptions { Patients = 10, EventsPerFile = 40_000, Seed = 4242, NkEffectPerTimepoint = 0.30 }).WriteCohort(dir);
        return (dir, truths);
    });

    public static string NewDirectory(string what)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-cohort-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static List<string> Files(string dir) => [.. Directory.GetFiles(dir, "*.fcs").Order(StringComparer.Ordinal)];
}
