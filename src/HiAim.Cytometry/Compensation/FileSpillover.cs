namespace HiAim.Cytometry.Compensation;

/// <summary>
/// What a dataset's own spillover keywords mean for its channels, settled when the file is read (no inversion yet).
/// </summary>
/// <param name="Channels">The matrix over this dataset's channel names, ready to apply; null when there is none to apply.</param>
/// <param name="Problem">Why the keywords cannot compensate these channels; null when they can (or there are none).</param>
/// <param name="AtAcquisition">The instrument already compensated the detector channels with this matrix (Beckman FCS 2.0 listmode).</param>
/// <param name="DetectorChannels">The channels the keywords cover (for transforms and warnings).</param>
/// <param name="Source">The keyword(s) it came from, for messages.</param>
internal sealed record FileSpillover(Spillover? Channels, string? Problem, bool AtAcquisition, IReadOnlyList<string> DetectorChannels, string Source)
{
    public static FileSpillover None { get; } = new(null, null, false, [], "none");

    /// <summary>A matrix whose detectors are taken to be channel names (the public <c>Apply(events, spillover)</c> path).</summary>
    public static FileSpillover Of(Spillover? spillover) =>
        spillover is null ? None : new(spillover, null, false, spillover.Detectors, spillover.Source);

    /// <summary>The matrix to compensate with, inverted once here so a singular one fails now; null when the file has none.</summary>
    /// <exception cref="CompensationException">The keywords cannot be applied (see <see cref="Problem"/>), were applied at acquisition, or the matrix is singular.</exception>
    public Spillover? Require()
    {
        if (Problem is not null)
        {
            throw new CompensationException(Problem);
        }

        if (AtAcquisition)
        {
            throw new CompensationException($"{Source}: the instrument applied this compensation to the FCS 2.0 dataset's detector channels ({string.Join(", ", DetectorChannels)}) when it wrote them; compensating again would subtract the spillover twice. Use the values as stored, or the instrument's uncompensated FCS 3.0 dataset (--dataset 1 / FcsReadOptions.Dataset = 1), which this matrix compensates.");
        }

        Channels?.InverseRowMajor();
        return Channels;
    }

    /// <summary>The warning a gating result carries when a strategy reads <c>FCS</c>-compensated dimensions of this sample
    /// and nothing is computed; null when the matrix is applied (or the keywords cannot be, which fails instead).</summary>
    public string? FileRefWarning() =>
        Problem is not null || Channels is not null ? null
        : AtAcquisition ? $"compensation-ref \"FCS\": {Source} was applied by the instrument when it wrote this FCS 2.0 dataset; {string.Join(", ", DetectorChannels)} are gated as stored (already compensated)."
        : "compensation-ref \"FCS\": the file has no spillover keyword ($SPILLOVER, SPILL, $COMP or $DFCiTOj); gated uncompensated, as Gating-ML 2.0 specifies.";
}
