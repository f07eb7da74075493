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

    /// <summary>
    /// Lymphocyte-gate purity below 90 %: of the events in the placed Lymphocytes gate, too few lie in the CD45bright/SSClow
    /// lymphocyte cluster found independently among leukocytes (<see cref="TbnkQc.MinLymphGatePurity"/>). Built-in templates only.
    /// </summary>
    LymphGatePurity = 9,

    /// <summary>
    /// Lymphocyte-gate recovery below 95 %: of the CD45bright/SSClow lymphocyte cluster, too few events are in the placed
    /// Lymphocytes gate (<see cref="TbnkQc.MinLymphGateRecovery"/>). Built-in templates only.
    /// </summary>
    LymphGateRecovery = 10,

    /// <summary>
    /// More than 3 % of the Lymphocytes gate are monocyte-like (CD45 as bright as lymphocytes, SSC above the lymphocyte
    /// cluster; <see cref="TbnkQc.MaxMonocyteContamination"/>). Built-in templates only.
    /// </summary>
    MonocyteContamination = 11,

    /// <summary>
    /// Bead aggregates (bright in every marker, outside the single-bead FSC/SSC band) exceed 10 % of single beads
    /// (<see cref="TbnkQc.MaxBeadDoubletPercent"/>): beads clump, so the bead count, and every cells/µL, is uncertain.
    /// Built-in templates with counting beads only.
    /// </summary>
    BeadDoublets = 12,

    /// <summary>
    /// Acquisition unstable over Time (a clog, a flow-rate drop or burst): some intervals' event rate is far from the
    /// median rate. The reason gives the intervals and the reported counts with and without them
    /// (<see cref="TbnkResult.PopulationsExcludingUnstable"/>).
    /// </summary>
    AcquisitionUnstable = 13,

    /// <summary>
    /// A population (% of lymphocytes or cells/µL) or the CD4/CD8 ratio far outside (below a third of the low limit, above
    /// three times the high one) the widest adult reference range of the labs in domain.md §2.4: review the gates (a slipped gate looks like an ill patient); the counts are still reported.
    /// </summary>
    OutsideReferenceRange = 14,
}

/// <summary>A failed QC check, why, and the number it was judged on.</summary>
/// <param name="Check">The check.</param>
/// <param name="Reason">Human-readable reason with the numbers.</param>
/// <param name="Value">The measured value the check judged, in the unit of <paramref name="Threshold"/>; null for a check
/// without a number (a missing keyword or channel).</param>
/// <param name="Threshold">The limit the value was judged against, with its unit (e.g. <c>95–105 %</c>, <c>≥ 1000 events</c>);
/// for a check without a number, what was required.</param>
public sealed record QcFlag(QcCheck Check, string Reason, double? Value = null, string? Threshold = null);

/// <summary>
/// Clinical QC rules for a TBNK result (domain.md §2.3). Every flag carries the value it judged and the limit
/// (<see cref="QcFlag.Value"/>, <see cref="QcFlag.Threshold"/>). Limits marked [unverified] are common lab practice
/// that domain.md could not tie to a primary source.
/// </summary>
public static class TbnkQc
{
    /// <summary>Lymphosum limits, percent (95–105 %: common lab practice [unverified]; IUPAC allows 100 ± 10 % [verified]).</summary>
    public const double LymphosumLow = 95, LymphosumHigh = 105;

    /// <summary>Largest relative difference of CD4 + CD8 + DP + DN from CD3+, percent (±5–10 % is common [unverified]).</summary>
    public const double TSubsetTolerance = 5;

    /// <summary>Minimum bead events (a Poisson CV near 3 %; domain.md: "a few thousand or more" [unverified]).</summary>
    public const int MinBeadEvents = 1_000;

    /// <summary>Minimum lymphocyte events (a fixed stop count is lab practice [unverified number]).</summary>
    public const int MinLymphocyteEvents = 2_500;

    /// <summary>Minimum lymphocyte-gate purity, percent (the library's choice: a gate that is 90 % lymphocytes is usable [unverified]).</summary>
    public const double MinLymphGatePurity = 90;

    /// <summary>Minimum lymphocyte-gate recovery, percent (the template's T gate should hold ≥ 97 % of T cells [verified];
    /// 95 % for the lymphocyte gate is the library's choice [unverified]).</summary>
    public const double MinLymphGateRecovery = 95;

    /// <summary>Most monocyte-like events in the lymphocyte gate, percent (monocyte contamination ≤ 3 %, domain.md §2.2 [verified]).</summary>
    public const double MaxMonocyteContamination = 3;

    /// <summary>Most bead aggregates per 100 single beads (domain.md asks for a bead singlet/doublet check without a number
    /// [unverified]; 10 % is the library's choice: random coincidences at the simulator's default 2.5 % doublets give 4–8 %).</summary>
    public const double MaxBeadDoubletPercent = 10;

    /// <summary>Evaluates every check whose populations are present.</summary>
    /// <param name="events">Events per population (names as in the TBNK report: Lymphocytes, T, B, NK, CD4, CD8, T_DP, T_DN, Beads).</param>
    /// <param name="usesBeads">Whether the panel counts with beads (the bead checks apply).</param>
    /// <param name="timeMonotonic">Whether the Time channel never decreases.</param>
    /// <param name="spilloverPresent">Whether the file had a spillover matrix for the gated fluorescence.</param>
    /// <param name="bead">Whether beads per test and volume are known.</param>
    /// <returns>The failed checks, each with its reason, value and limit; empty when all pass.</returns>
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
                flags.Add(new(QcCheck.Lymphosum, string.Create(inv, $"lymphosum (T {t} + B {b} + NK {nk}) / lymphocytes {lymph} = {sum:F1} %, outside {LymphosumLow:0}–{LymphosumHigh:0} %"), sum, string.Create(inv, $"{LymphosumLow:0}–{LymphosumHigh:0} %")));
            }
        }

        if (Get("T") is { } tt && Get("CD4") is { } cd4 && Get("CD8") is { } cd8 && Get("T_DP") is { } dp && Get("T_DN") is { } dn)
        {
            var subsets = cd4 + cd8 + dp + dn;
            var diff = tt == 0 ? (subsets == 0 ? 0 : double.PositiveInfinity) : 100.0 * Math.Abs(subsets - tt) / tt;
            if (diff > TSubsetTolerance)
            {
                flags.Add(new(QcCheck.TSubsetSum, string.Create(inv, $"CD4 {cd4} + CD8 {cd8} + DP {dp} + DN {dn} = {subsets} vs CD3+ T {tt}: off by {diff:F1} % (> {TSubsetTolerance:0} %)"), diff, string.Create(inv, $"≤ {TSubsetTolerance:0} %")));
            }
        }

        if (usesBeads && (Get("Beads") ?? 0) is var beads && beads < MinBeadEvents)
        {
            flags.Add(new(QcCheck.BeadEvents, string.Create(inv, $"{beads} bead events, fewer than {MinBeadEvents:N0}"), beads, string.Create(inv, $"≥ {MinBeadEvents} events")));
        }

        if (Get("Lymphocytes") is { } l && l < MinLymphocyteEvents)
        {
            flags.Add(new(QcCheck.LymphocyteEvents, string.Create(inv, $"{l} lymphocyte events, fewer than {MinLymphocyteEvents:N0}"), l, string.Create(inv, $"≥ {MinLymphocyteEvents} events")));
        }

        if (!timeMonotonic)
        {
            flags.Add(new(QcCheck.TimeOrder, "the Time channel decreases: events are not in acquisition order", null, "Time never decreases"));
        }

        if (!spilloverPresent)
        {
            flags.Add(new(QcCheck.MissingSpillover, "fluorescence is gated but the file has no $SPILLOVER/$SPILL matrix: gated uncompensated", null, "a $SPILLOVER/$SPILL matrix"));
        }

        if (usesBeads && !bead)
        {
            flags.Add(new(QcCheck.MissingBeadCount, "beads per test or sample volume unknown (no argument, no BEADS PER TEST / SAMPLE VOLUME UL keyword): cells/µL not reported", null, "beads per test and sample volume"));
        }

        return flags;
    }

    /// <summary>
    /// The review envelope of <see cref="QcCheck.OutsideReferenceRange"/>: per population, the widest adult range over the
    /// labs of domain.md §2.4 (Baystate, UCSF, Viapath, PeaceHealth, Essentia [verified]; the values domain.md marks as
    /// transcription errors left out), as % of lymphocytes and cells/µL.
    /// </summary>
    internal static readonly (string Population, double PctLow, double PctHigh, double PerUlLow, double PerUlHigh)[] ReferenceEnvelope =
    [
        ("T", 55, 88, 537, 2939),
        ("CD4", 24, 64, 300, 2124),
        ("CD8", 9, 40, 46, 1346),
        ("B", 5, 26, 14, 816),
        ("NK", 3, 31, 13, 600),
    ];

    /// <summary>Widest adult CD4/CD8 ratio range of domain.md §2.4 (Baystate 1.35–6.4, UCSF 0.7–3.9, Essentia ≥ 1.0).</summary>
    internal const double Cd4Cd8RatioLow = 0.7, Cd4Cd8RatioHigh = 6.4;

    /// <summary>
    /// "Far outside": a value below low / 3 or above high × 3 of the envelope. The labs' own limits differ up to
    /// ~10-fold at the low end (B 14 vs 140 /µL), so a plain excursion is common in healthy cohorts; the factor is the
    /// library's choice [unverified] and keeps the 36-tube demo cohort (B down to 2.4 %, exercise-arm NK up to 53 %, 1,600 /µL) quiet.
    /// </summary>
    internal const double ReferenceMargin = 3;

    /// <summary>Flags each reported population whose % of lymphocytes or cells/µL (when known), and the CD4/CD8 ratio, lies far outside <see cref="ReferenceEnvelope"/>.</summary>
    internal static IEnumerable<QcFlag> ReferenceRanges(IReadOnlyList<PopulationCount> populations)
    {
        var byName = populations.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, pctLo, pctHi, ulLo, ulHi) in ReferenceEnvelope)
        {
            if (byName.TryGetValue(name, out var p))
            {
                if (FarOutside(name, p.PercentOfLymphocytes, pctLo, pctHi, "% of lymphocytes") is { } pct)
                {
                    yield return pct;
                }

                if (FarOutside(name, p.CellsPerUl, ulLo, ulHi, "cells/µL") is { } ul)
                {
                    yield return ul;
                }
            }
        }

        if (byName.TryGetValue("CD4", out var c4) && byName.TryGetValue("CD8", out var c8) && c8.Events > 0
            && FarOutside("CD4/CD8 ratio", (double)c4.Events / c8.Events, Cd4Cd8RatioLow, Cd4Cd8RatioHigh, string.Empty) is { } ratio)
        {
            yield return ratio;
        }
    }

    private static QcFlag? FarOutside(string what, double value, double low, double high, string unit)
    {
        double lo = low / ReferenceMargin, hi = high * ReferenceMargin;
        if (!double.IsFinite(value) || (value >= lo && value <= hi))
        {
            return null;
        }

        var inv = CultureInfo.InvariantCulture;
        var limits = string.Create(inv, $"{lo:0.##}–{hi:0.##} {unit}").TrimEnd();
        var measured = string.Create(inv, $"{what} {value:0.##} {unit}").TrimEnd();
        return new(QcCheck.OutsideReferenceRange, measured + string.Create(inv, $", far outside the widest adult reference range {low:0.##}–{high:0.##} (review below {lo:0.##} or above {hi:0.##}): review the gates (a slipped gate looks like an ill patient)"), value, limits);
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

    /// <summary>
    /// The reported populations counted without the events of <see cref="UnstableIntervals"/> (flagged
    /// <see cref="QcCheck.AcquisitionUnstable"/>): events, % of lymphocytes, % of parent and cells/µL (beads excluded
    /// alike); the same as <see cref="Populations"/> when the acquisition was stable or not assessed.
    /// </summary>
    public IReadOnlyList<PopulationCount> PopulationsExcludingUnstable { get; private init; } = [];

    /// <summary>Intervals of unstable acquisition over Time (empty when stable, or when the file has no Time channel or too few events to judge).</summary>
    public IReadOnlyList<UnstableInterval> UnstableIntervals { get; private init; } = [];

    /// <summary>One population by name.</summary>
    /// <param name="population">Name, e.g. <c>NK</c>.</param>
    /// <exception cref="KeyNotFoundException">Not reported by this panel.</exception>
    public PopulationCount this[string population] =>
        _byName.TryGetValue(population, out var p) ? p : throw new KeyNotFoundException($"Population '{population}' is not reported; reported: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Builds the result for reported populations found under their own ids in <paramref name="gating"/>.</summary>
    internal static TbnkResult Create(string sample, IReadOnlyList<(string Name, string Id)> reported, GatingResult gating, GatingStrategy strategy, double? beadsPerTest, double? volumeUl, bool timeMonotonic, bool spilloverPresent, bool usesBeads, IReadOnlyList<QcFlag> placementNotes, AcquisitionStability.Assessment? stability = null)
    {
        ArgumentNullException.ThrowIfNull(gating);
        var list = Count(reported, gating, beadsPerTest, volumeUl, usesBeads, null);
        var events = list.ToDictionary(p => p.Name, p => p.Events, StringComparer.Ordinal);
        var stable = list;
        List<QcFlag> flags = [.. placementNotes, .. TbnkQc.Evaluate(events, usesBeads, timeMonotonic, spilloverPresent, beadsPerTest is > 0 && volumeUl is > 0)];
        if (stability is { Intervals.Count: > 0 })
        {
            stable = Count(reported, gating, beadsPerTest, volumeUl, usesBeads, stability.Unstable);
            flags.Add(AcquisitionStability.Flag(stability, gating.EventCount, list, stable));
        }

        flags.AddRange(TbnkQc.ReferenceRanges(list));
        return new TbnkResult(sample, beadsPerTest, volumeUl, list, strategy, gating, flags)
        {
            PopulationsExcludingUnstable = stable,
            UnstableIntervals = stability?.Intervals ?? [],
        };
    }

    /// <summary>Counts per reported population, over every event or over those not in <paramref name="excluded"/>.</summary>
    private static List<PopulationCount> Count(IReadOnlyList<(string Name, string Id)> reported, GatingResult gating, double? beadsPerTest, double? volumeUl, bool usesBeads, EventBitset? excluded)
    {
        int Events(PopulationResult p) => excluded is null ? p.Count : p.Members.AndNot(excluded).Count;
        int ParentEvents(PopulationResult p) => excluded is null ? p.ParentCount
            : p.ParentId is { } parent ? Events(gating[parent]) : gating.EventCount - excluded.Count;
        var lymph = Events(gating[reported.First(r => r.Name == "Lymphocytes").Id]);
        var beadId = reported.FirstOrDefault(r => r.Name == "Beads").Id;
        var beadEvents = usesBeads && beadId is not null ? Events(gating[beadId]) : 0;
        var absolute = beadsPerTest is > 0 && volumeUl is > 0 && beadEvents > 0;
        var list = new List<PopulationCount>();
        foreach (var (name, id) in reported)
        {
            var p = gating[id];
            var n = Events(p);
            var parent = ParentEvents(p);
            list.Add(new PopulationCount(
                name,
                n,
                lymph == 0 ? double.NaN : 100.0 * n / lymph,
                excluded is null ? p.PercentOfParent : parent == 0 ? 0 : 100.0 * n / parent,
                absolute ? (double)n / beadEvents * beadsPerTest!.Value / volumeUl!.Value : double.NaN));
        }

        return list;
    }
}
