using System.Globalization;
using HiAim.Cytometry.Events;
using MathNet.Numerics.LinearAlgebra;

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

    /// <summary>
    /// The compensation matrix S⁻¹ (row-major, n×n): compensated = observed · S⁻¹ per event.
    /// Computed once with MathNet.Numerics (an n×n LU inverse, never per event).
    /// </summary>
    /// <returns>A copy of the inverse.</returns>
    /// <exception cref="CompensationException">The matrix is singular or too ill-conditioned to invert.</exception>
    public double[,] Inverse()
    {
        var inv = InverseRowMajor();
        var n = Count;
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[i, j] = inv[(i * n) + j];
            }
        }

        return m;
    }

    private double[]? _inverse;

    internal double[] InverseRowMajor()
    {
        if (_inverse is not null)
        {
            return _inverse;
        }

        var n = Count;
        var matrix = Matrix<double>.Build.Dense(n, n, (i, j) => _values[(i * n) + j]);
        var lu = matrix.LU();
        var det = lu.Determinant;
        var inverse = det == 0 ? null : lu.Inverse(); // inverted once: the condition number and the result share it
        var condition = n == 0 ? 1 : matrix.L1Norm() * (inverse is null ? double.PositiveInfinity : inverse.L1Norm());
        if (inverse is null || !double.IsFinite(condition) || condition > 1e12)
        {
            var names = n <= 12 ? string.Join(", ", _detectors) : string.Join(", ", _detectors.Take(12)) + $", … ({n} in all)";
            throw new CompensationException($"Spillover matrix ({Source}; detectors {names}) is singular or nearly so (condition number {condition:G3}); it cannot be inverted for compensation.");
        }

        var result = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                result[(i * n) + j] = inverse[i, j];
            }
        }

        _inverse = result;
        return result;
    }

    /// <summary>Column index in <paramref name="events"/> of each detector, in matrix order.</summary>
    /// <param name="events">The events to compensate.</param>
    /// <returns>One column index per detector.</returns>
    /// <exception cref="KeyNotFoundException">A detector has no channel of that name; the message names it.</exception>
    public int[] ColumnsIn(EventMatrix events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var map = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            map[i] = events.IndexOf(_detectors[i]);
            if (map[i] < 0)
            {
                throw new KeyNotFoundException($"Spillover detector '{_detectors[i]}' ({Source}) is not a channel of the events; channels are: {string.Join(", ", events.ChannelNames)}.");
            }
        }

        return map;
    }

    /// <summary>Reads a spillover matrix from a file: CSV/TSV/space-separated, with or without row names (FlowJo export style).</summary>
    /// <param name="path">The matrix file.</param>
    /// <returns>The matrix, with <see cref="Source"/> = the file name.</returns>
    /// <exception cref="FormatException">The text is not a square matrix with detector names.</exception>
    public static Spillover Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>
    /// Parses a spillover matrix from text: a header line of detector names (optionally starting with
    /// <c>#</c>, optionally quoted), then n rows of n numbers, each optionally preceded by its row name.
    /// Cells are separated by tabs, commas or spaces; lines by LF, CRLF or CR. Lines before the header
    /// that are not part of the matrix (FlowJo writes the matrix name first) are skipped.
    /// </summary>
    /// <param name="text">The matrix text.</param>
    /// <param name="source">Name recorded as <see cref="Source"/>.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="FormatException">The text is not a square matrix with detector names.</exception>
    public static Spillover Parse(string text, string source = "text")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split(["\r\n", "\r", "\n"], StringSplitOptions.RemoveEmptyEntries)
            .Select(Cells).Where(c => c.Length > 0).ToList();
        for (var h = 0; h < lines.Count; h++)
        {
            var header = lines[h];
            if (header.Length < 1 || header.Any(IsNumber))
            {
                continue;
            }

            var n = header.Length;
            var rows = lines.Skip(h + 1).ToList();
            if (rows.Count == 0 || !rows.All(r => r.Skip(r.Length - Math.Min(n, r.Length)).All(IsNumber)))
            {
                continue;
            }

            if (rows.Count != n)
            {
                throw new FormatException($"Spillover matrix in {source} has {rows.Count} rows for {n} detectors ({string.Join(", ", header)}); it must be square.");
            }

            var m = new double[n, n];
            var rowNames = new string?[n];
            for (var i = 0; i < n; i++)
            {
                var r = rows[i];
                if (r.Length == n + 1 && !IsNumber(r[0]))
                {
                    rowNames[i] = r[0];
                    r = r[1..];
                }

                if (r.Length != n)
                {
                    throw new FormatException($"Spillover matrix in {source}: row {i + 1} has {r.Length} values for {n} detectors.");
                }

                for (var j = 0; j < n; j++)
                {
                    m[i, j] = double.Parse(r[j], NumberStyles.Float, CultureInfo.InvariantCulture);
                }
            }

            // Row names, when given, must name the same detectors in the same order as the header.
            for (var i = 0; i < n; i++)
            {
                if (rowNames[i] is { } name && name != header[i])
                {
                    throw new FormatException($"Spillover matrix in {source}: row {i + 1} is named '{name}' but column {i + 1} is '{header[i]}'; rows and columns must list the detectors in the same order.");
                }
            }

            return new Spillover(header, m, source);
        }

        throw new FormatException($"No spillover matrix found in {source}: expected a line of detector names followed by rows of numbers.");
    }

    private static string[] Cells(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.StartsWith('#'))
        {
            trimmed = trimmed[1..];
        }

        char[] separators = trimmed.Contains('\t', StringComparison.Ordinal) ? ['\t'] : trimmed.Contains(',', StringComparison.Ordinal) ? [','] : [' '];
        return [.. trimmed.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.Trim('"', '\'', '<', '>')).Where(c => c.Length > 0)];
    }

    private static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
