using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;

namespace HiAim.Cytometry.Cohort;

/// <summary>Settings of a <see cref="CohortRun"/>. Every setting that changes a count is part of the settings hash that decides whether a stored sample is reused.</summary>
public sealed record CohortRunOptions
{
    /// <summary>The panel (markers, channel matching, template). Default: <see cref="TbnkPanel.Default"/>.</summary>
    public Panel Panel { get; init; } = TbnkPanel.Default;

    /// <summary>A lab-supplied fixed strategy applied instead of the panel's data-placed template; null = place per sample.</summary>
    public GatingStrategy? Strategy { get; init; }

    /// <summary>Reported population → strategy population id, for <see cref="Strategy"/> (see <see cref="PanelRunOptions.PopulationIds"/>).</summary>
    public IReadOnlyDictionary<string, string>? PopulationIds { get; init; }

    /// <summary>Sample sheet: its columns are copied into <c>counts.csv</c>; its <c>beads_per_test</c>/<c>volume_ul</c> apply per sample.</summary>
    public SampleSheet? SampleSheet { get; init; }

    /// <summary>Beads per test for every sample (overrides the sheet and the file keyword); null = sheet, else keyword.</summary>
    public double? BeadsPerTest { get; init; }

    /// <summary>Blood volume per tube, µL, for every sample (overrides the sheet and the keyword); null = sheet, else keyword.</summary>
    public double? SampleVolumeUl { get; init; }

    /// <summary>Marker (or scatter parameter) → channel $PnN, overriding label matching.</summary>
    public IReadOnlyDictionary<string, string>? ChannelOverrides { get; init; }

    /// <summary>How files are read (lenience options, dataset).</summary>
    public FcsReadOptions ReadOptions { get; init; } = FcsReadOptions.Default;

    /// <summary>Samples analysed at once; null = one per core. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Also write each sample's placed gates as Gating-ML 2.0 to <c>gates/&lt;sample&gt;.gating.xml</c> in the output folder
    /// (they are always stored in <c>study.db</c>); re-applying one to its file gives the same counts.
    /// </summary>
    public bool ExportGates { get; init; }

    /// <summary>
    /// Called on the worker thread after each sample is analysed and committed (not for reused or failed samples), e.g. to
    /// draw its gating panel; it must be thread-safe. Not part of the settings hash.
    /// </summary>
    public Action<CohortSampleOutcome, TbnkResult>? Analyzed { get; init; }

    /// <summary>Reuse stored samples whose SHA-256 and settings are unchanged (default true); false re-analyses everything.</summary>
    public bool Resume { get; init; } = true;
}
