using HiAim.Cytometry.Gating.Kernels;

namespace HiAim.Cytometry.Gating;

/// <summary>A range on one dimension of a <see cref="RectangleGate"/>: <c>Min ≤ value &lt; Max</c>; a null bound is open.</summary>
/// <param name="Dimension">The dimension.</param>
/// <param name="Min">Inclusive lower bound, or null for none.</param>
/// <param name="Max">Exclusive upper bound, or null for none.</param>
public sealed record GateRange(Dimension Dimension, double? Min, double? Max);

/// <summary>
/// A rectangle gate on 1…n dimensions (a "range" or "interval" gate in one dimension, a box in
/// more): an event is in when every value lies in its range, minimum inclusive and maximum exclusive
/// as Gating-ML 2.0 specifies. A NaN value is outside every range.
/// </summary>
public sealed class RectangleGate : Gate
{
    private readonly GateRange[] _ranges;

    /// <summary>Creates a rectangle gate.</summary>
    /// <param name="id">Gate (and population) id.</param>
    /// <param name="parentId">Parent population, or null.</param>
    /// <param name="ranges">One range per dimension; each needs at least one bound and <c>Min &lt; Max</c> when both are set.</param>
    public RectangleGate(string id, string? parentId, params IEnumerable<GateRange> ranges)
        : base(id, parentId)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        _ranges = [.. ranges];
        if (_ranges.Length == 0)
        {
            throw new ArgumentException($"Rectangle gate '{id}' needs at least one dimension.", nameof(ranges));
        }

        foreach (var r in _ranges)
        {
            ArgumentNullException.ThrowIfNull(r.Dimension);
            if (r.Min is null && r.Max is null)
            {
                throw new ArgumentException($"Rectangle gate '{id}': dimension {r.Dimension} has neither a minimum nor a maximum.", nameof(ranges));
            }

            if (r.Min is { } lo && r.Max is { } hi && !(lo < hi))
            {
                throw new ArgumentException($"Rectangle gate '{id}': dimension {r.Dimension} has min {lo} not below max {hi}.", nameof(ranges));
            }

            if (r.Min is { } m && double.IsNaN(m) || r.Max is { } x && double.IsNaN(x))
            {
                throw new ArgumentException($"Rectangle gate '{id}': NaN bound on {r.Dimension}.", nameof(ranges));
            }
        }
    }

    /// <summary>The ranges, one per dimension.</summary>
    public IReadOnlyList<GateRange> Ranges => _ranges;

    /// <inheritdoc/>
    public override IReadOnlyList<Dimension> Dimensions => [.. _ranges.Select(r => r.Dimension)];

    internal override EventBitset[] Test(GateContext context)
    {
        var columns = new float[_ranges.Length][];
        var lo = new float[_ranges.Length];
        var hi = new float[_ranges.Length];
        for (var d = 0; d < _ranges.Length; d++)
        {
            columns[d] = context.Column(_ranges[d].Dimension, this);
            lo[d] = FloatBounds.Lower(_ranges[d].Min);
            hi[d] = FloatBounds.UpperExclusive(_ranges[d].Max);
        }

        var result = context.NewBitset();
        GateKernels.Rectangle.Best.Run(columns, lo, hi, result.WordArray, context.EventCount);
        return [result];
    }
}
