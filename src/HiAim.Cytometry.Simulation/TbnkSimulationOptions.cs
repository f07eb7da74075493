namespace HiAim.Cytometry.Simulation;

/// <summary>
/// Design and knobs of a simulated TBNK/Trucount cohort (see <see cref="TbnkSimulator"/>). The defaults
/// follow <c>shared/docs/domain.md</c>: HI AIM's 70 patients × 3 draws (§1.1, §1.4), 50 µL blood in a
/// Trucount tube (§2.1), NSCLC baseline NK and biological variation (§3.2, §3.3), and a modest planted
/// exercise effect on resting NK (§3.1, "simulator implications").
/// </summary>
public sealed record TbnkSimulationOptions
{
    /// <summary>Defaults: 70 patients, pre/mid/post, 50,000 events per file, seed 1.</summary>
    public static TbnkSimulationOptions Default { get; } = new();

    /// <summary>Number of patients, randomised 1:1 to exercise and control in blocks of two (domain.md §1.1: 70 planned).</summary>
    public int Patients { get; init; } = 70;

    /// <summary>Timepoint names in order; the n-th (zero-based) carries n steps of the exercise effect (domain.md §1.1: before, during, after).</summary>
    public IReadOnlyList<string> Timepoints { get; init; } = ["pre", "mid", "post"];

    /// <summary>Events recorded per file (the acquisition stop criterion; domain.md §5: clinical TBNK 10⁴–5×10⁴).</summary>
    public int EventsPerFile { get; init; } = 50_000;

    /// <summary>Root seed: the same seed and options give byte-identical files, whatever the thread count.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Relative rise of CD56dim NK per timepoint step in the exercise arm (0.10 = +10 % at the second
    /// timepoint, +20 % at the third); control patients get none. domain.md §3.1 suggests +10–20 % for a
    /// chronic effect on resting NK.
    /// </summary>
    public double NkEffectPerTimepoint { get; init; } = 0.10;

    /// <summary>Trucount beads per tube, the lot value (domain.md §2.1: on the order of 5×10⁴, unverified magnitude).</summary>
    public int BeadsPerTest { get; init; } = 50_000;

    /// <summary>Trucount lot identifier written to every file.</summary>
    public string BeadLot { get; init; } = "SIM-TC-0001";

    /// <summary>Whole blood per tube, µL (domain.md §2.1: normally 50 µL).</summary>
    public double SampleVolumeUl { get; init; } = 50;

    /// <summary>Between-patient CV of baseline NK counts (domain.md §3.3: 40–50 %, log-normal).</summary>
    public double BetweenPatientCvNk { get; init; } = 0.45;

    /// <summary>Day-to-day (within-patient) CV of NK counts (domain.md §3.3: 15–20 %).</summary>
    public double WithinPatientCvNk { get; init; } = 0.18;

    /// <summary>Day-to-day (within-patient) CV of T, CD4 and CD8 counts (domain.md §3.3: below 10 %, 8 % assumed).</summary>
    public double WithinPatientCvT { get; init; } = 0.08;

    /// <summary>Median fraction of events that are debris or unlysed red cells (log-normal, CV 30 %, per file).</summary>
    public double DebrisFraction { get; init; } = 0.05;

    /// <summary>Median fraction of events that are doublets (log-normal, CV 30 %, per file).</summary>
    public double DoubletFraction { get; init; } = 0.025;

    /// <summary>How the files name and lay out their parameters and write compensation (<see cref="InstrumentProfile"/>);
    /// <see cref="InstrumentProfile.Simulator"/> (the default) writes the simulator's own FACSCanto-style files.</summary>
    public InstrumentProfile Instrument { get; init; } = InstrumentProfile.Simulator;

    /// <summary>Files simulated at once by <see cref="TbnkSimulator.WriteCohort"/>; <see langword="null"/> = one per core. Never changes the output.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public void Validate()
    {
        if (Patients is < 1 or > 9999)
        {
            throw new ArgumentException($"Patients must be 1..9999; got {Patients}.");
        }

        if (Timepoints is null || Timepoints.Count == 0)
        {
            throw new ArgumentException("At least one timepoint is needed.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in Timepoints)
        {
            if (string.IsNullOrEmpty(t) || t.Length > 32 || !t.All(c => char.IsAsciiLetterOrDigit(c) || c is '-'))
            {
                throw new ArgumentException($"Timepoint '{t}' must be 1–32 ASCII letters, digits or '-' (it becomes part of a file name).");
            }

            if (!seen.Add(t))
            {
                throw new ArgumentException($"Timepoint '{t}' appears twice.");
            }
        }

        if (EventsPerFile is < 1 or > 50_000_000)
        {
            throw new ArgumentException($"EventsPerFile must be 1..50,000,000; got {EventsPerFile}.");
        }

        if (!double.IsFinite(NkEffectPerTimepoint) || 1 + (NkEffectPerTimepoint * (Timepoints.Count - 1)) <= 0)
        {
            throw new ArgumentException($"NkEffectPerTimepoint {NkEffectPerTimepoint} would make NK counts zero or negative at the last timepoint.");
        }

        if (BeadsPerTest < 1)
        {
            throw new ArgumentException($"BeadsPerTest must be positive; got {BeadsPerTest}.");
        }

        if (!(SampleVolumeUl > 0) || !double.IsFinite(SampleVolumeUl))
        {
            throw new ArgumentException($"SampleVolumeUl must be positive; got {SampleVolumeUl}.");
        }

        foreach (var (name, cv) in new[] { (nameof(BetweenPatientCvNk), BetweenPatientCvNk), (nameof(WithinPatientCvNk), WithinPatientCvNk), (nameof(WithinPatientCvT), WithinPatientCvT) })
        {
            if (!(cv >= 0 && cv <= 5))
            {
                throw new ArgumentException($"{name} must be 0..5; got {cv}.");
            }
        }

        if (!(DebrisFraction >= 0) || !(DoubletFraction >= 0) || DebrisFraction + DoubletFraction >= 0.5)
        {
            throw new ArgumentException($"DebrisFraction ({DebrisFraction}) and DoubletFraction ({DoubletFraction}) must be non-negative and sum to less than 0.5.");
        }

        if (MaxDegreeOfParallelism is < 1)
        {
            throw new ArgumentException($"MaxDegreeOfParallelism must be at least 1; got {MaxDegreeOfParallelism}.");
        }

        if (string.IsNullOrWhiteSpace(BeadLot))
        {
            throw new ArgumentException("BeadLot must not be empty.");
        }
    }
}
