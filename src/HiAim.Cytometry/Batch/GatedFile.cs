using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Batch;

/// <summary>
/// One file gated by <see cref="GatingStrategy.ApplyMany"/>: the file as read (keywords, channels, the reader's
/// warnings and repairs) and its gating result. Counts and percentages stay valid; the events, population members and
/// computed columns are valid only until the enumeration moves to the next file (their memory is reused).
/// </summary>
public sealed class GatedFile
{
    internal GatedFile(FcsFile sample, GatingResult gating)
    {
        Sample = sample;
        Gating = gating;
    }

    /// <summary>The file as read.</summary>
    public FcsFile Sample { get; }

    /// <summary>The strategy applied to the file.</summary>
    public GatingResult Gating { get; }

    /// <summary>The reader's repairs (<see cref="FcsWarning.IsRepair"/>) then what the gating result should be read with,
    /// as one list of lines: what a report should print beside this file's counts.</summary>
    public IReadOnlyList<string> Warnings => [.. Sample.Warnings.Where(w => w.IsRepair).Select(w => w.ToString()), .. Gating.Warnings];
}
