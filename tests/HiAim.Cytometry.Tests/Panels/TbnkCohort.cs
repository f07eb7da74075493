using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>A small simulated cohort (8 patients × 3 draws = 24 files, 40,000 events each), analysed once and shared by the tests.</summary>
public static class TbnkCohort
{
    public static readonly TbnkSimulationOptions Options = new() { Patients = 8, EventsPerFile = 40_000, Seed = 2026 };

    private static readonly Lazy<IReadOnlyList<(TbnkSimulatedFile File, FcsFile Fcs, TbnkResult Result)>> All = new(() =>
    {
        var sim = new TbnkSimulator(Options);
        return [.. sim.Samples.AsParallel().AsOrdered().Select(s =>
        {
            var file = sim.Simulate(s);
            var fcs = FcsFile.Read(file.ToArray());
            return (file, fcs, TbnkPanel.Default.Analyze(fcs));
        })];
    });

    public static IReadOnlyList<(TbnkSimulatedFile File, FcsFile Fcs, TbnkResult Result)> Files => All.Value;
}
