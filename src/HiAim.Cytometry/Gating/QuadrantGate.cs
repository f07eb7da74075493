using HiAim.Cytometry.Gating.Kernels;

namespace HiAim.Cytometry.Gating;

/// <summary>A divider of a <see cref="QuadrantGate"/>: one dimension cut at one or more values (sorted ascending), giving values.Count + 1 bins.</summary>
/// <param name="Id">Divider id, referenced by <see cref="QuadrantPosition.DividerId"/>.</param>
/// <param name="Dimension">The dimension it cuts.</param>
/// <param name="Values">Cut values.</param>
public sealed record QuadrantDivider(string Id, Dimension Dimension, IReadOnlyList<double> Values);

/// <summary>Places a quadrant in the bin of <see cref="DividerId"/> that contains <see cref="Location"/>.</summary>
/// <param name="DividerId">The divider.</param>
/// <param name="Location">Any value inside the wanted bin.</param>
public sealed record QuadrantPosition(string DividerId, double Location);

/// <summary>One named quadrant (a population): the bins it occupies on some dividers; dividers it does not name are unconstrained.</summary>
/// <param name="Id">Population id.</param>
/// <param name="Positions">At least one position.</param>
public sealed record Quadrant(string Id, IReadOnlyList<QuadrantPosition> Positions);

/// <summary>
/// A quadrant gate: dividers cut dimensions into bins (each bin half-open, lower cut inclusive, as
/// Gating-ML 2.0 ranges are), and each named <see cref="Quadrant"/> is a population. The gate's own id
/// is not a population: children and boolean gates reference the quadrant ids.
/// </summary>
public sealed class QuadrantGate : Gate
{
    private readonly QuadrantDivider[] _dividers;
    private readonly Quadrant[] _quadrants;

    /// <summary>Creates a quadrant gate.</summary>
    /// <param name="id">Gate id.</param>
    /// <param name="parentId">Parent population, or null.</param>
    /// <param name="dividers">At least one divider, each with at least one finite value.</param>
    /// <param name="quadrants">At least one quadrant.</param>
    public QuadrantGate(string id, string? parentId, IEnumerable<QuadrantDivider> dividers, IEnumerable<Quadrant> quadrants)
        : base(id, parentId)
    {
        ArgumentNullException.ThrowIfNull(dividers);
        ArgumentNullException.ThrowIfNull(quadrants);
        _dividers = [.. dividers.Select(d => d with { Values = [.. d.Values.Order()] })];
        _quadrants = [.. quadrants];
        if (_dividers.Length == 0 || _quadrants.Length == 0)
        {
            throw new ArgumentException($"Quadrant gate '{id}' needs at least one divider and one quadrant.");
        }

        foreach (var d in _dividers)
        {
            if (d.Values.Count == 0 || d.Values.Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException($"Quadrant gate '{id}': divider '{d.Id}' needs at least one finite value.");
            }
        }

        if (_dividers.Select(d => d.Id).Distinct().Count() != _dividers.Length)
        {
            throw new ArgumentException($"Quadrant gate '{id}': divider ids repeat.");
        }

        foreach (var q in _quadrants)
        {
            if (q.Positions.Count == 0)
            {
                throw new ArgumentException($"Quadrant gate '{id}': quadrant '{q.Id}' has no position.");
            }

            foreach (var p in q.Positions)
            {
                if (!_dividers.Any(d => d.Id == p.DividerId))
                {
                    throw new ArgumentException($"Quadrant gate '{id}': quadrant '{q.Id}' references divider '{p.DividerId}', which the gate does not define.");
                }

                if (double.IsNaN(p.Location))
                {
                    throw new ArgumentException($"Quadrant gate '{id}': quadrant '{q.Id}' has a NaN location.");
                }
            }
        }
    }

    /// <summary>
    /// The common case: two dimensions, one cut each, four quadrants named as given.
    /// </summary>
    /// <param name="id">Gate id.</param>
    /// <param name="parentId">Parent population, or null.</param>
    /// <param name="x">Horizontal dimension.</param>
    /// <param name="xCut">Cut on x.</param>
    /// <param name="y">Vertical dimension.</param>
    /// <param name="yCut">Cut on y.</param>
    /// <param name="lowLow">Quadrant x &lt; cut, y &lt; cut (e.g. "CD4−CD8−").</param>
    /// <param name="highLow">Quadrant x ≥ cut, y &lt; cut.</param>
    /// <param name="lowHigh">Quadrant x &lt; cut, y ≥ cut.</param>
    /// <param name="highHigh">Quadrant x ≥ cut, y ≥ cut.</param>
    /// <returns>The gate.</returns>
    public static QuadrantGate Cross(string id, string? parentId, Dimension x, double xCut, Dimension y, double yCut, string lowLow, string highLow, string lowHigh, string highHigh)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var dx = new QuadrantDivider(id + ".x", x, [xCut]);
        var dy = new QuadrantDivider(id + ".y", y, [yCut]);
        double below(double v) => v - (Math.Abs(v) + 1);
        double above(double v) => v + (Math.Abs(v) + 1);
        Quadrant q(string name, double xl, double yl) => new(name, [new(dx.Id, xl), new(dy.Id, yl)]);
        return new QuadrantGate(id, parentId, [dx, dy], [
            q(lowLow, below(xCut), below(yCut)),
            q(highLow, above(xCut), below(yCut)),
            q(lowHigh, below(xCut), above(yCut)),
            q(highHigh, above(xCut), above(yCut))]);
    }

    /// <summary>The dividers (values sorted).</summary>
    public IReadOnlyList<QuadrantDivider> Dividers => _dividers;

    /// <summary>The quadrants.</summary>
    public IReadOnlyList<Quadrant> Quadrants => _quadrants;

    /// <inheritdoc/>
    public override IReadOnlyList<Dimension> Dimensions => [.. _dividers.Select(d => d.Dimension)];

    /// <inheritdoc/>
    public override IReadOnlyList<string> PopulationIds => [.. _quadrants.Select(q => q.Id)];

    /// <summary>The bin bounds of one position: [lower, upper), null when open.</summary>
    internal (double? Min, double? Max) Bin(QuadrantPosition position)
    {
        var values = _dividers.First(d => d.Id == position.DividerId).Values;
        var k = 0;
        while (k < values.Count && position.Location >= values[k])
        {
            k++;
        }

        return (k == 0 ? null : values[k - 1], k == values.Count ? null : values[k]);
    }

    internal override EventBitset[] Test(GateContext context)
    {
        // Each (divider, bin) is tested once as a 1-D range and shared by the quadrants that use it (a cross
        // gate: 4 one-column passes and 4 bitset ANDs instead of 4 two-column passes). A rectangle's test
        // is the AND of its per-dimension range tests, so the bits are the same.
        var bins = new Dictionary<(QuadrantDivider, double? Min, double? Max), EventBitset>();
        EventBitset BinSet(QuadrantPosition position)
        {
            var divider = _dividers.First(d => d.Id == position.DividerId);
            var (min, max) = Bin(position);
            if (!bins.TryGetValue((divider, min, max), out var set))
            {
                set = context.NewBitset();
                GateKernels.Rectangle.Best.Run([context.Column(divider.Dimension, this)], [FloatBounds.Lower(min)], [FloatBounds.UpperExclusive(max)], set.WordArray, context.EventCount);
                bins[(divider, min, max)] = set;
            }

            return set;
        }

        var result = new EventBitset[_quadrants.Length];
        for (var qi = 0; qi < _quadrants.Length; qi++)
        {
            var positions = _quadrants[qi].Positions;
            var set = BinSet(positions[0]);
            for (var p = 1; p < positions.Count; p++)
            {
                set = set.And(BinSet(positions[p]), context.Pool);
            }

            // A single-position quadrant's set is shared with the cache: copy so populations never alias.
            result[qi] = positions.Count == 1 ? set.And(set, context.Pool) : set;
        }

        return result;
    }
}
