using System.Security.Cryptography;
using System.Text;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Panels;

/// <summary>
/// A template that is a fixed Gating-ML strategy written in <em>marker</em> names (e.g. a dimension <c>CD25</c>, not
/// <c>PE-A</c>) plus the populations to report. Each sample's markers are bound to its channels by the panel's matching, so
/// one strategy file serves every instrument and lab without code: this is how a lab adds its own panel (see
/// <see cref="Panel.Load"/>). Scatter dimensions use the names <c>FSC-A</c>, <c>FSC-H</c>, <c>SSC-A</c>.
/// </summary>
public sealed class StrategyTemplate : GateTemplate
{
    private readonly List<(string Name, string Id)> _reported;

    /// <summary>Creates the template.</summary>
    /// <param name="name">Panel or strategy name (for messages and provenance).</param>
    /// <param name="strategy">The strategy; its dimensions name markers or scatter parameters.</param>
    /// <param name="reported">Reported population name → population id in <paramref name="strategy"/>, in report order; must include <c>Lymphocytes</c>.</param>
    /// <exception cref="PanelException">A reported id is not a population of the strategy, or <c>Lymphocytes</c> is missing.</exception>
    public StrategyTemplate(string name, GatingStrategy strategy, IEnumerable<KeyValuePair<string, string>> reported)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(reported);
        Strategy = strategy;
        _reported = [.. reported.Select(kv => (kv.Key, kv.Value))];
        var ids = strategy.PopulationIds.ToHashSet(StringComparer.Ordinal);
        foreach (var (population, id) in _reported)
        {
            if (!ids.Contains(id))
            {
                throw new PanelException($"Panel '{name}': population '{population}' is gate '{id}', which the strategy does not define (it defines {string.Join(", ", ids.Order(StringComparer.Ordinal))}).");
            }
        }

        if (!_reported.Any(r => r.Name == "Lymphocytes"))
        {
            throw new PanelException($"Panel '{name}': the reported populations need 'Lymphocytes' (the denominator of % of lymphocytes and of the QC checks).");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(GatingML.ToXml(strategy))))[..12];
        Name = $"{name} (Gating-ML strategy {hash})";
        RequiredMarkers = [.. strategy.Gates.SelectMany(g => g.Dimensions).SelectMany(DimensionChannels)
            .Where(c => !Panel.ScatterChannels.Contains(c, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)];
        ReportedPopulations = [.. _reported.Select(r => r.Name)];
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>Markers the strategy's dimensions name (everything but scatter).</summary>
    public override IReadOnlyList<string> RequiredMarkers { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ReportedPopulations { get; }

    /// <summary>The strategy, in marker names.</summary>
    public GatingStrategy Strategy { get; }

    internal IReadOnlyList<(string Name, string Id)> Reported => _reported;

    /// <summary>Returns <see cref="Strategy"/> unchanged: the gates are fixed; <see cref="Panel.Analyze(Fcs.FcsFile, PanelRunOptions?)"/> binds markers to channels.</summary>
    /// <param name="channelValues">Unused.</param>
    /// <param name="spillover">Unused.</param>
    /// <param name="channels">Unused.</param>
    /// <param name="sampleName">Unused.</param>
    /// <returns><see cref="Strategy"/>.</returns>
    public override GatingStrategy Place(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName) => Strategy;

    /// <summary>
    /// The strategy without the gates on <paramref name="missingMarkers"/> (optional markers a sample lacks) and without every
    /// gate below or built from them; the reported populations that remain; and a <see cref="QcCheck.PopulationUndetermined"/>
    /// note naming the ones left out.
    /// </summary>
    /// <exception cref="PanelException"><c>Lymphocytes</c> would be left out: the sample cannot be reported.</exception>
    internal (GatingStrategy Strategy, IReadOnlyList<(string Name, string Id)> Reported, IReadOnlyList<QcFlag> Notes) Without(IReadOnlyCollection<string> missingMarkers, string sampleName)
    {
        if (missingMarkers.Count == 0)
        {
            return (Strategy, _reported, []);
        }

        var missing = missingMarkers.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var dropped = new HashSet<string>(StringComparer.Ordinal);

        // A parent may be defined after its child, so repeat until nothing more is dropped.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var gate in Strategy.Gates)
            {
                if (dropped.Contains(gate.Id))
                {
                    continue;
                }

                var lost = gate.Dimensions.SelectMany(DimensionChannels).Any(missing.Contains)
                    || (gate.ParentId is { } parent && dropped.Contains(parent))
                    || (gate is BooleanGate b && b.Operands.Any(o => dropped.Contains(o.PopulationId)));
                if (lost)
                {
                    dropped.Add(gate.Id);
                    dropped.UnionWith(gate.PopulationIds);
                    changed = true;
                }
            }
        }

        var lostReported = _reported.Where(r => dropped.Contains(r.Id)).Select(r => r.Name).ToList();
        var why = $"marker{(missing.Count == 1 ? string.Empty : "s")} {string.Join(", ", missing.Order(StringComparer.OrdinalIgnoreCase))} (optional) not in the file";
        if (lostReported.Contains("Lymphocytes"))
        {
            throw new PanelException($"Sample '{sampleName}': the core population Lymphocytes is gated on {why}.");
        }

        var strategy = new GatingStrategy();
        foreach (var matrix in Strategy.Matrices.Values)
        {
            strategy.Add(matrix);
        }

        foreach (var gate in Strategy.Gates.Where(g => !dropped.Contains(g.Id)))
        {
            strategy.Add(gate);
        }

        IReadOnlyList<QcFlag> notes = lostReported.Count == 0 ? [] : [new QcFlag(QcCheck.PopulationUndetermined, $"{string.Join(", ", lostReported)} not determined (not reported): {why}")];
        return (strategy, [.. _reported.Where(r => !dropped.Contains(r.Id))], notes);
    }

    /// <summary>The sample's values and spillover with each bound channel renamed to its marker (columns shared, not copied).</summary>
    internal static (EventMatrix Values, Spillover? Spillover) Bind(EventMatrix values, Spillover? spillover, IReadOnlyDictionary<string, string> channels)
    {
        var toMarker = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (marker, channel) in channels)
        {
            toMarker.TryAdd(channel, marker);
        }

        string Rename(string channel) => toMarker.GetValueOrDefault(channel, channel);
        var names = values.ChannelNames.Select(Rename).ToList();
        var bound = new EventMatrix(names, [.. Enumerable.Range(0, values.ChannelCount).Select(values.ColumnArray)]);
        Spillover? spill = null;
        if (spillover is not null)
        {
            var m = new double[spillover.Count, spillover.Count];
            for (var i = 0; i < spillover.Count; i++)
            {
                for (var j = 0; j < spillover.Count; j++)
                {
                    m[i, j] = spillover[i, j];
                }
            }

            spill = new Spillover([.. spillover.Detectors.Select(Rename)], m, spillover.Source);
        }

        return (bound, spill);
    }

    private static IEnumerable<string> DimensionChannels(Dimension d) =>
        d.Channel is { } c ? [c] : [d.Ratio!.Numerator, d.Ratio.Denominator];
}
