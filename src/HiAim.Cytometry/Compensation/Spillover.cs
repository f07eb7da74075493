namespace HiAim.Cytometry.Compensation;

/// <summary>
/// A spillover matrix: row i holds the fraction of detector i's dye seen in each detector
/// (diagonal 1), with the detector (channel) names it applies to. Read from <c>$SPILLOVER</c>,
/// <c>SPILL</c>, <c>$COMP</c> or Beckman <c>$DFCiTOj</c> keywords, or built in code.
/// </summary>
public sealed class Spillover
{
    private readonly double[] _values; // row-major n×n
    private readonly string[] _detectors;

    /// <summary>Creates a spillover matrix.</summary>
    /// <param name="detectors">Detector (channel) names, one per row/column, unique.</param>
    /// <param name="matrix">Square matrix, row-major, finite values.</param>
    /// <param name="source">Where it came from (e.g. the keyword <c>$SPILLOVER</c>).</param>
    /// <exception cref="ArgumentException">Not square, not finite, or names not unique.</exception>
    public Spillover(IReadOnlyList<string> detectors, double[,] matrix, string source = "code")
    {
        ArgumentNullException.ThrowIfNull(detectors);
        ArgumentNullException.ThrowIfNull(matrix);
        var n = detectors.Count;
        if (matrix.GetLength(0) != n || matrix.GetLength(1) != n)
        {
            throw new ArgumentException($"Spillover matrix is {matrix.GetLength(0)}×{matrix.GetLength(1)} for {n} detectors; it must be {n}×{n}.", nameof(matrix));
        }

        _detectors = [.. detectors];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in _detectors)
        {
            if (!seen.Add(d))
            {
                throw new ArgumentException($"Detector '{d}' appears twice in the spillover matrix.", nameof(detectors));
            }
        }

        _values = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var v = matrix[i, j];
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"Spillover value [{_detectors[i]}, {_detectors[j]}] is {v}; values must be finite.", nameof(matrix));
                }

                _values[(i * n) + j] = v;
            }
        }

        Source = source;
    }

    /// <summary>Detector names in row/column order.</summary>
    public IReadOnlyList<string> Detectors => _detectors;

    /// <summary>Number of detectors (matrix order).</summary>
    public int Count => _detectors.Length;

    /// <summary>Where the matrix came from (keyword name, file, or <c>code</c>).</summary>
    public string Source { get; }

    /// <summary>One coefficient: the fraction of detector <paramref name="row"/>'s dye seen in detector <paramref name="column"/>.</summary>
    /// <param name="row">Zero-based source detector.</param>
    /// <param name="column">Zero-based receiving detector.</param>
    public double this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)column, (uint)Count, nameof(column));
            return _values[(row * Count) + column];
        }
    }

    /// <summary>A copy of the matrix.</summary>
    /// <returns>An n×n array.</returns>
    public double[,] ToArray()
    {
        var n = Count;
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[i, j] = _values[(i * n) + j];
            }
        }

        return m;
    }
}
