using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// One sample being gated: its <see cref="ColumnStore"/> (every column, computed once) and the populations evaluated so
/// far. A template that places gates evaluates each one here as soon as it is placed, and gating the placed strategy
/// afterwards finds those populations done: placement and gating are one evaluation, not two.
/// </summary>
internal sealed class GateContext(ColumnStore store)
{
    private readonly Dictionary<string, EventBitset> _populations = new(StringComparer.Ordinal);

    public ColumnStore Store => store;

    public int EventCount => store.EventCount;

    public EventMatrix Events => store.Events;

    /// <summary>The batch's pool (population words come from it too), or null.</summary>
    public ColumnPool? Pool => store.Pool;

    /// <summary>An empty population over this sample's events, its words from the pool when there is one.</summary>
    public EventBitset NewBitset() => EventBitset.Empty(EventCount, store.Pool);

    public EventBitset Population(string id) =>
        _populations.TryGetValue(id, out var set) ? set : throw new GatingException(null, $"Population '{id}' has not been evaluated.");

    public bool HasPopulation(string id) => _populations.ContainsKey(id);

    public void SetPopulation(string id, EventBitset set) => _populations[id] = set;

    /// <summary>The values of <paramref name="dimension"/>, one per event (shared: do not write).</summary>
    public float[] Column(Dimension dimension, Gate? gate) => store.Column(dimension, gate);
}
