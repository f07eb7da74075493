using System.Globalization;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Panels;

/// <summary>One reported population of one sample.</summary>
/// <param name="Name">Population name (e.g. <c>CD4</c>).</param>
/// <param name="Events">Events in the population's gate.</param>
/// <param name="PercentOfLymphocytes">100 · events / lymphocyte events (NaN without lymphocytes).</param>
/// <param name="PercentOfParent">100 · events / events of the parent gate.</param>
/// <param name="CellsPerUl">events / bead events × beads per test / sample volume µL; NaN without beads, bead count or volume.</param>
public sealed record PopulationCount(string Name, int Events, double PercentOfLymphocytes, double PercentOfParent, double CellsPerUl);

/// <summary>The QC checks of <see cref="TbnkQc"/>.</summary>
public enum QcCheck
{
    /// <summary>(T + B + NK) / lymphocytes outside 95–105 %.</summary>
    Lymphosum = 0,

    /// <summary>CD4 + CD8 + DP + DN T differs from CD3+ T by more than 5 %.</summary>
    TSubsetSum = 1,

    /// <summary>Fewer than 1,000 bead events.</summary>
    BeadEvents = 2,

    /// <summary>Fewer than 2,500 lymphocyte events.</summary>
    LymphocyteEvents = 3,

    /// <summary>The Time channel decreases somewhere (events out of order, a concatenated or edited file).</summary>
    TimeOrder = 4,

    /// <summary>Fluorescence was gated but the file has no spillover matrix: the data were gated uncompensated.</summary>
    MissingSpillover = 5,

    /// <summary>No beads per test or sample volume (argument or keyword): no absolute counts.</summary>
    MissingBeadCount = 6,

    /// <summary>
    /// A gate below the core ones (Singlets, Leukocytes, Lymphocytes) could not be placed — e.g. a marker density without a
    /// second mode, or too few NK events to split bright from dim: that population and its children are not reported
    /// (no events, no cells/µL) and every other population is; the reason names them and says why.
    /// </summary>
    PopulationUndetermined = 7,

    /// <summary>The file has neither FSC-H nor FSC-W: singlets were not gated (Singlets = every event), so doublets are counted.</summary>
    SingletsNotGated = 8,
}

/// <summary>A failed QC check and why.</summary>
/// <param name="Check">The check.</param>
/// <param name="Reason">Human-readable reason with the numbers.</param>
public sealed record QcFlag(QcCheck Check, string Reason);

/// <summary>Clinical QC rules for a TBNK result (domain.md §2.3).</summary>
public static class TbnkQc
{
    /// <summary>Lymphosum limits, percent.</summary>
    public const double LymphosumLow = 95, LymphosumHigh = 105;

    /// <summary>Largest relative difference of CD4 + CD8 + DP + DN from CD3+, percent.</summary>
    public const double TSubsetTolerance = 5;

    /// <summary>Minimum bead events.</summary>
    public const int MinBeadEvents = 1_000;

    /// <summary>Minimum lymphocyte events.</summary>
    public const int MinLymphocyteEvents = 2_500;

    /// <summary>Evaluates every check whose populations are present.</summary>
    /// <param name="events">Events per population (names as in the TBNK report: Lymphocytes, T, B, NK, CD4, CD8, T_DP, T_DN, Beads).</param>
    /// <param name="usesBeads">Whether the panel counts with beads (the bead checks apply).</param>
    /// <param name="timeMonotonic">Whether the Time channel never decreases.</param>
    /// <param name="spilloverPresent">Whether the file had a spillover matrix for the gated fluorescence.</param>
    /// <param name="bead">Whether beads per test and volume are known.</param>
    /// <returns>The failed checks, each with its reason; empty when all pass.</returns>
    public static IReadOnlyList<QcFlag> Evaluate(IReadOnlyDictionary<string, int> events, bool usesBeads, bool timeMonotonic, bool spilloverPresent, bool bead = true)
    {
        ArgumentNullException.ThrowIfNull(events);
        var inv = CultureInfo.InvariantCulture;
        var flags = new List<QcFlag>();
        int? Get(string p) => events.TryGetValue(p, out var n) ? n : null;
        if (Get("Lymphocytes") is { } lymph && Get("T") is { } t && Get("B") is { } b && Get("NK") is { } nk)
        {
            var sum = lymph == 0 ? double.NaN : 100.0 * (t + b + nk) / lymph;
            if (!(sum >= LymphosumLow && sum <= LymphosumHigh))
            {
                flags.Add(new(QcCheck.Lymphosum, string.Create(inv, $"lymphosum (T {t} + B {b} + NK {nk}) / lymphocytes {lymph} = {sum:F1} %, outside {LymphosumLow:0}–{LymphosumHigh:0} %")));
            }
        }

        if (Get("T") is { } tt && Get("CD4") is { } cd4 && Get("CD8") is { } cd8 && Get("T_DP") is { } dp && Get("T_DN") is { } dn)
        {
            var subsets = cd4 + cd8 + dp + dn;
            var diff = tt == 0 ? (subsets == 0 ? 0 : double.PositiveInfinity) : 100.0 * Math.Abs(subsets - tt) / tt;
            if (diff > TSubsetTolerance)
            {
                flags.Add(new(QcCheck.TSubsetSum, string.Create(inv, $"CD4 {cd4} + CD8 {cd8} + DP {dp} + DN {dn} = {subsets} vs CD3+ T {tt}: off by {diff:F1} % (> {TSubsetTolerance:0} %)")));
            }
        }

        if (usesBeads && (Get("Beads") ?? 0) is var beads && beads < MinBeadEvents)
        {
            flags.Add(new(QcCheck.BeadEvents, string.Create(inv, $"{beads} bead events, fewer than {MinBeadEvents:N0}")));
        }

        if (Get("Lymphocytes") is { } l && l < MinLymphocyteEvents)
        {
            flags.Add(new(QcCheck.LymphocyteEvents, string.Create(inv, $"{l} lymphocyte events, fewer than {MinLymphocyteEvents:N0}")));
        }

        if (!timeMonotonic)
        {
            flags.Add(new(QcCheck.TimeOrder, "the Time channel decreases: events are not in acquisition order"));
        }

        if (!spilloverPresent)
        {
            flags.Add(new(QcCheck.MissingSpillover, "fluorescence is gated but the file has no $SPILLOVER/$SPILL matrix: gated uncompensated"));
        }

        if (usesBeads && !bead)
        {
            flags.Add(new(QcCheck.MissingBeadCount, "beads per test or sample volume unknown (no argument, no BEADS PER TEST / SAMPLE VOLUME UL keyword): cells/µL not reported"));
        }

        return flags;
    }
}

/// <summary>
/// The result of a panel on one sample: events, % of lymphocytes, % of parent and cells/µL per population,
/// the placed gates, and QC flags.
/// </summary>
public sealed class TbnkResult
{
    private readonly Dictionary<string, PopulationCount> _byName;

    private TbnkResult(string sample, double? beadsPerTest, double? volumeUl, IReadOnlyList<PopulationCount> populations, GatingStrategy strategy, GatingResult gating, IReadOnlyList<QcFlag> flags)
    {
        Sample = sample;
        BeadsPerTest = beadsPerTest;
        SampleVolumeUl = volumeUl;
        Populations = populations;
        Strategy = strategy;
        Gating = gating;
        Flags = flags;
        _byName = populations.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Sample name.</summary>
    public string Sample { get; }

    /// <summary>Beads per test used (argument or keyword), or null.</summary>
    public double? BeadsPerTest { get; }

    /// <summary>Sample volume µL used (argument or keyword), or null.</summary>
    public double? SampleVolumeUl { get; }

    /// <summary>Reported populations in the template's order; a population the template could not determine (flagged
    /// <see cref="QcCheck.PopulationUndetermined"/>) is left out.</summary>
    public IReadOnlyList<PopulationCount> Populations { get; }

    /// <summary>The gates placed on this sample (save with <see cref="GatingML.Save"/>; re-apply to the file to get the same counts).</summary>
    public GatingStrategy Strategy { get; }

    /// <summary>The full gating result (every population of <see cref="Strategy"/>).</summary>
    public GatingResult Gating { get; }

    /// <summary>Failed QC checks; empty when the sample passes.</summary>
    public IReadOnlyList<QcFlag> Flags { get; }

    /// <summary>One population by name.</summary>
    /// <param name="population">Name, e.g. <c>NK</c>.</param>
    /// <exception cref="KeyNotFoundException">Not reported by this panel.</exception>
    public PopulationCount this[string population] =>
        _byName.TryGetValue(population, out var p) ? p : throw new KeyNotFoundException($"Population '{population}' is not reported; reported: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Builds the result for reported populations found under their own ids in <paramref name="gating"/>.</summary>
    internal static TbnkResult Create(string sample, IReadOnlyList<(string Name, string Id)> reported, GatingResult gating, GatingStrategy strategy, double? beadsPerTest, double? volumeUl, bool timeMonotonic, bool spilloverPresent, bool usesBeads, IReadOnlyList<QcFlag> placementNotes)
    {
        ArgumentNullException.ThrowIfNull(gating);
        var lymph = gating[reported.First(r => r.Name == "Lymphocytes").Id].Count;
        var beadId = reported.FirstOrDefault(r => r.Name == "Beads").Id;
        var beadEvents = usesBeads && beadId is not null ? gating[beadId].Count : 0;
        var absolute = beadsPerTest is > 0 && volumeUl is > 0 && beadEvents > 0;
        var list = new List<PopulationCount>();
        var events = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, id) in reported)
        {
            var p = gating[id];
            events[name] = p.Count;
            list.Add(new PopulationCount(
                name,
                p.Count,
                lymph == 0 ? double.NaN : 100.0 * p.Count / lymph,
                p.PercentOfParent,
                absolute ? (double)p.Count / beadEvents * beadsPerTest!.Value / volumeUl!.Value : double.NaN));
        }

        IReadOnlyList<QcFlag> flags = [.. placementNotes, .. TbnkQc.Evaluate(events, usesBeads, timeMonotonic, spilloverPresent, beadsPerTest is > 0 && volumeUl is > 0)];
        return new TbnkResult(sample, beadsPerTest, volumeUl, list, strategy, gating, flags);
    }
}
