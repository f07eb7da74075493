using HiAim.Cytometry.Gating.Kernels;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// A polygon gate on two dimensions, any number (≥ 3) of vertices, closed implicitly from the last
/// vertex to the first. Non-convex and self-intersecting outlines follow the even-odd rule (an
/// event is in when a ray from it crosses the outline an odd number of times). Events exactly on an
/// edge or a vertex are decided by a fixed rule: edges are half-open in y (lower end included) and
/// an event counts an edge only when strictly on its west side, which puts the bottom and left edges
/// of an axis-aligned box inside and the top and right edges outside — as in FlowUtils/FlowKit.
/// </summary>
public sealed class PolygonGate : Gate
{
    private readonly (double X, double Y)[] _vertices;
    private PolygonEdges? _edges;

    /// <summary>Creates a polygon gate.</summary>
    /// <param name="id">Gate (and population) id.</param>
    /// <param name="parentId">Parent population, or null.</param>
    /// <param name="x">Horizontal dimension.</param>
    /// <param name="y">Vertical dimension.</param>
    /// <param name="vertices">At least three finite vertices, in order.</param>
    public PolygonGate(string id, string? parentId, Dimension x, Dimension y, IEnumerable<(double X, double Y)> vertices)
        : base(id, parentId)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(vertices);
        _vertices = [.. vertices];
        if (_vertices.Length < 3)
        {
            throw new ArgumentException($"Polygon gate '{id}' has {_vertices.Length} vertices; it needs at least 3.", nameof(vertices));
        }

        if (_vertices.Any(v => !double.IsFinite(v.X) || !double.IsFinite(v.Y)))
        {
            throw new ArgumentException($"Polygon gate '{id}' has a vertex that is not a finite number.", nameof(vertices));
        }

        X = x;
        Y = y;
    }

    /// <summary>Horizontal dimension.</summary>
    public Dimension X { get; }

    /// <summary>Vertical dimension.</summary>
    public Dimension Y { get; }

    /// <summary>The vertices in order.</summary>
    public IReadOnlyList<(double X, double Y)> Vertices => _vertices;

    /// <inheritdoc/>
    public override IReadOnlyList<Dimension> Dimensions => [X, Y];

    // The edge and slab tables depend only on the vertices: built once per gate, not once per sample (a race
    // builds the same immutable tables twice at worst).
    internal PolygonEdges Edges() =>
        _edges ??= new([.. _vertices.Select(v => (float)v.X)], [.. _vertices.Select(v => (float)v.Y)]);

    internal override EventBitset[] Test(GateContext context)
    {
        var xs = context.Column(X, this);
        var ys = context.Column(Y, this);
        var result = context.NewBitset();
        GateKernels.Polygon.Best.Run(xs, ys, Edges(), result.WordArray, context.EventCount);
        return [result];
    }
}
