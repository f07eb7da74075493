using HiAim.Cytometry.Events;
using HiAim.Cytometry.Statistics;

namespace HiAim.Cytometry.Gating;

/// <summary>The result of applying a <see cref="GatingStrategy"/> to one sample.</summary>
public sealed class GatingResult
{
    private readonly GateContext _context;
    private readonly Dictionary<string, PopulationResult> _byId;

    internal GatingResult(GateContext context, IReadOnlyList<PopulationResult> populations, IReadOnlyList<string>? warnings = null)
    {
        _context = context;
        Populations = populations;
        Warnings = warnings ?? [];
        _byId = populations.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Number of events in the sample.</summary>
    public int EventCount => _context.EventCount;

    /// <summary>Every population, in the strategy's order.</summary>
    public IReadOnlyList<PopulationResult> Populations { get; }

    /// <summary>
    /// What the result should be read with: e.g. dimensions with compensation-ref <c>FCS</c> gated uncompensated because
    /// the file has no spillover keyword (as Gating-ML 2.0 specifies), or gated as stored because the instrument compensated
    /// them at acquisition. Empty when there is nothing to say.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Number of distinct dimensions (channel, compensation, transform) computed for this sample (the compute-once check of the tests).</summary>
    internal int DimensionsComputed => _context.Store.DimensionCount;

    /// <summary>The population with id <paramref name="populationId"/>.</summary>
    /// <param name="populationId">Gate or quadrant id.</param>
    /// <exception cref="KeyNotFoundException">No such population.</exception>
    public PopulationResult this[string populationId] =>
        _byId.TryGetValue(populationId, out var p) ? p : throw new KeyNotFoundException($"No population '{populationId}'. Populations: {string.Join(", ", _byId.Keys)}.");

    /// <summary>Statistics of the population's events on one dimension (computed, or taken from the cache, as the gates do).</summary>
    /// <param name="populationId">Gate or quadrant id.</param>
    /// <param name="dimension">The dimension (channel, compensation, transform).</param>
    /// <returns>Count, median, mean, geometric mean and robust CV.</returns>
    public PopulationStatistics Statistics(string populationId, Dimension dimension)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        return PopulationStatistics.Of(_context.Column(dimension, null), this[populationId].Members);
    }

    /// <summary>
    /// The values of every event on one dimension, compensated and transformed as the dimension says (the
    /// coordinates the gates test; computed, or taken from the cache, as the gates do). For plots and exports.
    /// </summary>
    /// <param name="dimension">The dimension (channel, compensation, transform).</param>
    /// <returns>One value per event, in event order (read-only: the gates share it).</returns>
    /// <exception cref="GatingException">The sample lacks the channel, or the compensation is unknown.</exception>
    public ReadOnlyMemory<float> Values(Dimension dimension)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        return _context.Column(dimension, null);
    }

    /// <summary>Statistics of the population's events on one channel, uncompensated and untransformed.</summary>
    /// <param name="populationId">Gate or quadrant id.</param>
    /// <param name="channel">Channel name.</param>
    /// <returns>Count, median, mean, geometric mean and robust CV.</returns>
    public PopulationStatistics Statistics(string populationId, string channel) =>
        Statistics(populationId, new Dimension(channel));

    /// <summary>The channel values the strategy was applied to.</summary>
    public EventMatrix Events => _context.Events;
}

/// <summary>One population of a <see cref="GatingResult"/>.</summary>
public sealed class PopulationResult
{
    internal PopulationResult(string id, string? parentId, EventBitset members, EventBitset? parent)
    {
        Id = id;
        ParentId = parentId;
        // Read-only from here: the engine shares a population's words with its children and the sample's other results.
        members.MakeReadOnly();
        Members = members;
        Count = members.Count;
        ParentCount = parent?.Count ?? members.EventCount;
    }

    /// <summary>Population id (gate id, or quadrant id).</summary>
    public string Id { get; }

    /// <summary>Parent population, or null when the parent is all events.</summary>
    public string? ParentId { get; }

    /// <summary>Member events (read-only: <see cref="EventBitset.IsReadOnly"/>).</summary>
    public EventBitset Members { get; }

    /// <summary>Number of member events.</summary>
    public int Count { get; }

    /// <summary>Number of events in the parent (all events for a top-level gate).</summary>
    public int ParentCount { get; }

    /// <summary>Number of events in the sample.</summary>
    public int TotalCount => Members.EventCount;

    /// <summary>100 · Count / ParentCount (0 when the parent is empty).</summary>
    public double PercentOfParent => ParentCount == 0 ? 0 : 100.0 * Count / ParentCount;

    /// <summary>100 · Count / TotalCount (0 when the sample is empty).</summary>
    public double PercentOfTotal => TotalCount == 0 ? 0 : 100.0 * Count / TotalCount;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"{Id}: {Count} ({PercentOfParent:F2} % of parent)");
}
