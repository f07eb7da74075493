using HiAim.Cytometry.Compensation;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// A named spillover matrix (Gating-ML 2.0 <c>transforms:spectrumMatrix</c>): one row per
/// fluorochrome, one column per detector. Dimensions that reference it by id name a fluorochrome
/// (or a detector, meaning the fluorochrome in the same position); compensated = detectors · S⁻¹.
/// Only square matrices are supported.
/// </summary>
public sealed class SpectrumMatrix
{
    /// <summary>Creates a matrix.</summary>
    /// <param name="id">Identifier used as a compensation reference.</param>
    /// <param name="fluorochromes">Row names.</param>
    /// <param name="detectors">Column names: channels of the samples.</param>
    /// <param name="coefficients">Spillover coefficients [fluorochrome, detector].</param>
    public SpectrumMatrix(string id, IReadOnlyList<string> fluorochromes, IReadOnlyList<string> detectors, double[,] coefficients)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(fluorochromes);
        ArgumentNullException.ThrowIfNull(detectors);
        ArgumentNullException.ThrowIfNull(coefficients);
        if (id is CompensationRef.File or CompensationRef.Uncompensated)
        {
            throw new ArgumentException($"'{id}' is reserved by Gating-ML and cannot name a spectrum matrix.", nameof(id));
        }

        if (fluorochromes.Count != detectors.Count || coefficients.GetLength(0) != fluorochromes.Count || coefficients.GetLength(1) != detectors.Count)
        {
            throw new ArgumentException($"Spectrum matrix '{id}': {fluorochromes.Count} fluorochromes, {detectors.Count} detectors and a {coefficients.GetLength(0)}×{coefficients.GetLength(1)} matrix; only square matrices with one row per fluorochrome and one column per detector are supported.");
        }

        Id = id;
        Fluorochromes = [.. fluorochromes];
        Detectors = [.. detectors];
        Spillover = new Spillover(Detectors, (double[,])coefficients.Clone(), $"spectrumMatrix '{id}'");
    }

    /// <summary>Identifier.</summary>
    public string Id { get; }

    /// <summary>Row names.</summary>
    public IReadOnlyList<string> Fluorochromes { get; }

    /// <summary>Column names (channels).</summary>
    public IReadOnlyList<string> Detectors { get; }

    /// <summary>The matrix as a <see cref="Compensation.Spillover"/> over the detectors.</summary>
    public Spillover Spillover { get; }

    /// <summary>Position of <paramref name="name"/> among the fluorochromes, else the detectors, else -1.</summary>
    /// <param name="name">Fluorochrome or detector name.</param>
    /// <returns>Zero-based index or -1.</returns>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Fluorochromes.Count; i++)
        {
            if (Fluorochromes[i] == name)
            {
                return i;
            }
        }

        for (var i = 0; i < Detectors.Count; i++)
        {
            if (Detectors[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
