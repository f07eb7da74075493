using HiAim.Cytometry.Gating.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// An ellipse (2-D) or ellipsoid (n-D) gate, defined as in Gating-ML 2.0 by a mean, a covariance
/// matrix C and a squared distance d²: an event v is in when (v − mean)ᵀ C⁻¹ (v − mean) ≤ d².
/// </summary>
public sealed class EllipsoidGate : Gate
{
    private readonly Dimension[] _dimensions;
    private readonly double[] _mean;
    private readonly double[,] _covariance;
    private readonly float[] _inverse;

    /// <summary>Creates an ellipsoid gate.</summary>
    /// <param name="id">Gate (and population) id.</param>
    /// <param name="parentId">Parent population, or null.</param>
    /// <param name="dimensions">n ≥ 2 dimensions.</param>
    /// <param name="mean">Centre, n values.</param>
    /// <param name="covariance">n×n invertible covariance matrix.</param>
    /// <param name="distanceSquare">Squared Mahalanobis distance of the boundary (&gt; 0).</param>
    public EllipsoidGate(string id, string? parentId, IReadOnlyList<Dimension> dimensions, IReadOnlyList<double> mean, double[,] covariance, double distanceSquare)
        : base(id, parentId)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        var n = dimensions.Count;
        if (n < 2 || mean.Count != n || covariance.GetLength(0) != n || covariance.GetLength(1) != n)
        {
            throw new ArgumentException($"Ellipsoid gate '{id}': {n} dimensions, {mean.Count} mean values and a {covariance.GetLength(0)}×{covariance.GetLength(1)} covariance matrix; it needs n ≥ 2 dimensions, n means and an n×n matrix.");
        }

        if (!double.IsFinite(distanceSquare) || distanceSquare <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(distanceSquare), distanceSquare, $"Ellipsoid gate '{id}': distanceSquare must be a positive number.");
        }

        _dimensions = [.. dimensions];
        _mean = [.. mean];
        _covariance = (double[,])covariance.Clone();
        var matrix = Matrix<double>.Build.Dense(n, n, (i, j) => covariance[i, j]);
        if (matrix.Enumerate().Any(v => !double.IsFinite(v)) || _mean.Any(v => !double.IsFinite(v)) || matrix.Determinant() == 0)
        {
            throw new ArgumentException($"Ellipsoid gate '{id}': the covariance matrix must be finite and invertible, and the mean finite.", nameof(covariance));
        }

        var inverse = matrix.Inverse();
        _inverse = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                _inverse[(i * n) + j] = (float)inverse[i, j];
            }
        }

        DistanceSquare = distanceSquare;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Dimension> Dimensions => _dimensions;

    /// <summary>Centre.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>A copy of the covariance matrix.</summary>
    /// <returns>n×n matrix.</returns>
    public double[,] Covariance() => (double[,])_covariance.Clone();

    /// <summary>Squared distance of the boundary.</summary>
    public double DistanceSquare { get; }

    internal float[] InverseCovariance => _inverse;

    internal float[] MeanF => [.. _mean.Select(m => (float)m)];

    internal override EventBitset[] Test(GateContext context)
    {
        var columns = _dimensions.Select(d => context.Column(d, this)).ToArray();
        var result = context.NewBitset();
        GateKernels.Ellipsoid.Best.Run(columns, MeanF, _inverse, (float)DistanceSquare, result.WordArray, context.EventCount);
        return [result];
    }
}
