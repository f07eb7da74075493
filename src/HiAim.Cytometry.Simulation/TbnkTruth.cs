using System.Globalization;

namespace HiAim.Cytometry.Simulation;

/// <summary>
/// Ground truth of one simulated file: events per population, the cells/µL a perfect gating would
/// report with the bead formula, and the blood concentration the simulator drew.
/// </summary>
public sealed class TbnkTruth
{
    private static readonly Dictionary<string, TbnkPopulation[]> Members = new(StringComparer.Ordinal)
    {
        ["Lymphocytes"] = [TbnkPopulation.TCd4, TbnkPopulation.TCd8, TbnkPopulation.TDoubleNegative, TbnkPopulation.TDoublePositive, TbnkPopulation.B, TbnkPopulation.NkBright, TbnkPopulation.NkDim],
        ["T"] = [TbnkPopulation.TCd4, TbnkPopulation.TCd8, TbnkPopulation.TDoubleNegative, TbnkPopulation.TDoublePositive],
        ["CD4"] = [TbnkPopulation.TCd4],
        ["CD8"] = [TbnkPopulation.TCd8],
        ["T_DN"] = [TbnkPopulation.TDoubleNegative],
        ["T_DP"] = [TbnkPopulation.TDoublePositive],
        ["B"] = [TbnkPopulation.B],
        ["NK"] = [TbnkPopulation.NkBright, TbnkPopulation.NkDim],
        ["NK_bright"] = [TbnkPopulation.NkBright],
        ["NK_dim"] = [TbnkPopulation.NkDim],
        ["Monocytes"] = [TbnkPopulation.Monocyte],
        ["Granulocytes"] = [TbnkPopulation.Granulocyte],
        ["Beads"] = [TbnkPopulation.Bead],
        ["Doublets"] = [TbnkPopulation.Doublet],
        ["Debris"] = [TbnkPopulation.Debris],
    };

    private readonly int[] _events;
    private readonly double[] _concentration;

    internal TbnkTruth(TbnkSample sample, int[] eventsByPopulation, double[] concentrationByPopulation)
    {
        Sample = sample;
        _events = eventsByPopulation;
        _concentration = concentrationByPopulation;
        TotalEvents = eventsByPopulation.Sum();
    }

    /// <summary>Report populations in CSV column order.</summary>
    public static IReadOnlyList<string> Populations { get; } =
        ["Lymphocytes", "T", "CD4", "CD8", "T_DN", "T_DP", "B", "NK", "NK_bright", "NK_dim", "Monocytes", "Granulocytes", "Beads", "Doublets", "Debris"];

    /// <summary>Report populations that have cells/µL (all but doublets and debris; beads give beads/µL of blood).</summary>
    public static IReadOnlyList<string> CountedPopulations { get; } = [.. Populations.Where(p => p is not ("Doublets" or "Debris"))];

    /// <summary>The simulated event labels a report population is made of (e.g. <c>NK</c> = NK bright + NK dim).</summary>
    /// <param name="population">A name from <see cref="Populations"/>.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="KeyNotFoundException">Unknown population.</exception>
    public static IReadOnlyList<TbnkPopulation> MembersOf(string population) =>
        Members.TryGetValue(population, out var m) ? m : throw new KeyNotFoundException($"Unknown TBNK population '{population}'; known: {string.Join(", ", Populations)}.");

    /// <summary>The file this truth belongs to.</summary>
    public TbnkSample Sample { get; }

    /// <summary>All events in the file ($TOT).</summary>
    public int TotalEvents { get; }

    /// <summary>Events with one label.</summary>
    /// <param name="population">The label.</param>
    /// <returns>The count.</returns>
    public int EventsOf(TbnkPopulation population) => _events[(int)population];

    /// <summary>Events of a report population (sum over its labels).</summary>
    /// <param name="population">A name from <see cref="Populations"/>.</param>
    /// <returns>The count.</returns>
    public int Events(string population) => MembersOf(population).Sum(p => _events[(int)p]);

    /// <summary>
    /// Cells/µL by the single-platform bead formula (domain.md §2.1):
    /// cell events / bead events × beads per test / sample volume µL, from the true event counts.
    /// A gating pipeline that finds every event of the population reports exactly this.
    /// </summary>
    /// <param name="population">A name from <see cref="CountedPopulations"/>.</param>
    /// <returns>Cells per µL of blood; NaN when the file has no bead events.</returns>
    public double CellsPerUl(string population)
    {
        var beads = EventsOf(TbnkPopulation.Bead);
        return beads == 0 ? double.NaN : (double)Events(population) / beads * Sample.BeadsPerTest / Sample.VolumeUl;
    }

    /// <summary>
    /// The blood concentration the simulator drew for the draw (cells/µL): what <see cref="CellsPerUl"/>
    /// estimates, up to the Poisson sampling of cell and bead events.
    /// </summary>
    /// <param name="population">A name from <see cref="CountedPopulations"/>.</param>
    /// <returns>Cells per µL of blood.</returns>
    public double ConcentrationPerUl(string population) => MembersOf(population).Sum(p => _concentration[(int)p]);

    /// <summary>Writes one CSV row per file: identification, then <c>&lt;pop&gt;_events</c>, <c>&lt;pop&gt;_per_ul</c> (bead formula) and <c>&lt;pop&gt;_conc</c> (simulated concentration).</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="truths">Rows, written in the given order.</param>
    public static void WriteCsv(TextWriter writer, IEnumerable<TbnkTruth> truths)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(truths);
        var header = new List<string> { "file", "patient", "arm", "timepoint", "events_total" };
        header.AddRange(Populations.Select(p => p + "_events"));
        header.AddRange(CountedPopulations.Select(p => p + "_per_ul"));
        header.AddRange(CountedPopulations.Select(p => p + "_conc"));
        writer.Write(string.Join(',', header));
        writer.Write('\n');
        var inv = CultureInfo.InvariantCulture;
        foreach (var t in truths)
        {
            var row = new List<string> { t.Sample.FileName, t.Sample.PatientId, ArmName(t.Sample.Arm), t.Sample.Timepoint, t.TotalEvents.ToString(inv) };
            row.AddRange(Populations.Select(p => t.Events(p).ToString(inv)));
            row.AddRange(CountedPopulations.Select(p => t.CellsPerUl(p).ToString("0.###", inv)));
            row.AddRange(CountedPopulations.Select(p => t.ConcentrationPerUl(p).ToString("0.###", inv)));
            writer.Write(string.Join(',', row));
            writer.Write('\n');
        }
    }

    /// <summary>Writes the sample sheet: <c>file,patient,arm,timepoint,beads_per_test,volume_ul</c>.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="samples">Rows, written in the given order.</param>
    public static void WriteSampleSheet(TextWriter writer, IEnumerable<TbnkSample> samples)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(samples);
        var inv = CultureInfo.InvariantCulture;
        writer.Write("file,patient,arm,timepoint,beads_per_test,volume_ul\n");
        foreach (var s in samples)
        {
            writer.Write(string.Create(inv, $"{s.FileName},{s.PatientId},{ArmName(s.Arm)},{s.Timepoint},{s.BeadsPerTest},{s.VolumeUl:0.###}\n"));
        }
    }

    /// <summary>Arm as written in CSV files: <c>exercise</c> or <c>control</c>.</summary>
    /// <param name="arm">The arm.</param>
    /// <returns>The lower-case name.</returns>
    public static string ArmName(TrialArm arm) => arm == TrialArm.Exercise ? "exercise" : "control";
}
