namespace HiAim.Cytometry.Simulation;

/// <summary>
/// The fixed biology and instrument model behind <see cref="TbnkSimulator"/>. Section numbers refer to
/// <c>shared/docs/domain.md</c>; values marked [assumption] are typical figures the document does not pin down.
/// </summary>
internal static class TbnkModel
{
    /// <summary>Canto full scale (domain.md §5: 0–2¹⁸); recorded values are clipped one below it.</summary>
    public const double FullScale = 262_144;

    public const double MaxValue = FullScale - 1;

    /// <summary>BD FACSDiva-style $PnN of the 6-colour TBNK tube on a FACSCanto II (domain.md §2.1, §5).</summary>
    public static readonly string[] ChannelNames =
        ["FSC-A", "FSC-H", "SSC-A", "FITC-A", "PE-A", "PerCP-Cy5-5-A", "PE-Cy7-A", "APC-A", "APC-Cy7-A", "Time"];

    /// <summary>$PnS: the marker on each channel (domain.md §2.1: CD3 FITC, CD16+56 PE, CD45 PerCP-Cy5.5, CD4 PE-Cy7, CD19 APC, CD8 APC-Cy7).</summary>
    public static readonly string?[] Markers = [null, null, null, "CD3", "CD16+56", "CD45", "CD4", "CD19", "CD8", null];

    /// <summary>Detector voltages ($PnV), typical Canto settings [assumption].</summary>
    public static readonly int[] Voltages = [350, 350, 420, 480, 460, 520, 600, 580, 620, 0];

    public const int FscA = 0, FscH = 1, SscA = 2, FirstFluor = 3, FluorCount = 6, Time = 9, ChannelCount = 10;

    /// <summary>
    /// FACSCanto-like spillover, rows = dye, columns = detector, in $PnN order FITC, PE, PerCP-Cy5.5,
    /// PE-Cy7, APC, APC-Cy7 [assumption: typical magnitudes; FITC→PE ≈ 0.2, PE→PerCP-Cy5.5 ≈ 0.2,
    /// PerCP-Cy5.5→PE-Cy7 ≈ 0.3, APC→APC-Cy7 ≈ 0.1, tandem cross-laser terms of a few %].
    /// </summary>
    public static readonly double[,] BaseSpillover =
    {
        { 1, 0.20, 0.030, 0.005, 0, 0 },
        { 0.012, 1, 0.20, 0.030, 0, 0.004 },
        { 0, 0.002, 1, 0.30, 0.020, 0.090 },
        { 0, 0.020, 0.045, 1, 0, 0.030 },
        { 0, 0, 0.010, 0.002, 1, 0.110 },
        { 0, 0, 0.002, 0.075, 0.045, 1 },
    };

    /// <summary>Day-to-day CV of each non-zero spillover coefficient (instrument drift between runs) [assumption].</summary>
    public const double SpilloverDayCv = 0.03;

    /// <summary>Autofluorescence of a lymphocyte per detector, in detector units [assumption]; other cells scale it.</summary>
    public static readonly double[] Autofluorescence = [60, 40, 50, 30, 15, 15];

    public const double AutofluorescenceCv = 0.4;

    /// <summary>Shot noise: variance = signal × this (detector units per photoelectron) [assumption: bright CV ≈ 3 % from shot noise].</summary>
    public const double PhotoelectronGain = 8;

    /// <summary>Electronic (baseline) noise SD per detector, detector units [assumption].</summary>
    public const double ElectronicNoiseSd = 25;

    /// <summary>Singlet FSC-H / FSC-A (area scaling on a Canto) [assumption], with its per-event CV.</summary>
    public const double SingletHeightRatio = 0.86, SingletHeightCv = 0.03;

    /// <summary>Sample flow, µL/s (a Canto "medium" 60 µL/min) [assumption], and $TIMESTEP in seconds: the event rate is particles per µL of tube × flow.</summary>
    public const double FlowUlPerSecond = 1, TimeStep = 0.01;

    /// <summary>Lysing solution added to the blood in the Trucount tube, µL (lyse/no-wash, domain.md §2.1) [assumption: 450 µL].</summary>
    public const double LyseVolumeUl = 450;

    /// <summary>
    /// Baseline blood concentrations of an NSCLC patient (cells/µL): medians and between-patient CVs.
    /// NK median 180/µL, lymphocytes 1.0–1.8×10³/µL (domain.md §3.2); T ≈ 75 %, B ≈ 11 % of lymphocytes,
    /// scaled down from the healthy centre of §2.4 as §3.2 reports lower absolute T in NSCLC; NK between-patient
    /// CV from §3.3. Monocytes and granulocytes [assumption: typical adult counts, WBC well above the 2×10⁹/L
    /// eligibility floor of §1.1].
    /// </summary>
    public const double TMedian = 1_000, TBetweenCv = 0.35;

    public const double BMedian = 150, BBetweenCv = 0.5, BWithinCv = 0.10;

    public const double NkMedian = 180;

    public const double MonocyteMedian = 500, MonocyteBetweenCv = 0.3, MonocyteWithinCv = 0.15;

    public const double GranulocyteMedian = 4_500, GranulocyteBetweenCv = 0.4, GranulocyteWithinCv = 0.2;

    /// <summary>Shares of T cells: CD4 ≈ 60 %, CD8 ≈ 33 % (CD4/CD8 ≈ 1.8, inside the §2.4 ratio ranges), DN ≈ 5 %, DP ≈ 2 % [assumption]; between-patient CV of each share.</summary>
    public static readonly double[] TShares = [0.60, 0.33, 0.05, 0.02];

    public const double TShareBetweenCv = 0.25, TShareWithinCv = 0.04;

    /// <summary>CD56bright share of NK ≈ 10 % (domain.md §2.5), between-patient CV [assumption].</summary>
    public const double NkBrightShare = 0.10, NkBrightShareBetweenCv = 0.3;

    /// <summary>Per-file CV of the debris and doublet fractions [assumption].</summary>
    public const double ArtefactFractionCv = 0.3;

    /// <summary>Draw schedule: days between timepoints (pre, mid, post of a 6-week programme, domain.md §1.1) and the trial start 2020-08-17 (§1.1).</summary>
    public const int DaysBetweenTimepoints = 21;

    public static readonly DateOnly TrialStart = new(2020, 8, 17);

    /// <summary>Enrolment spread, days after the trial start (start 2020-08 to primary completion 2024-01, §1.1).</summary>
    public const int EnrolmentDays = 1_200;

    /// <summary>How one kind of particle looks: scatter medians/CVs, the six dye medians/CVs (0 = not stained), autofluorescence scale.</summary>
    internal sealed record ParticleSpec(double Fsc, double FscCv, double Ssc, double SscCv, double[] Dyes, double[] DyeCvs, double AutofluorescenceScale);

    private const double Cv = 0.35;

    private static double[] Cvs(double cv = Cv) => [cv, cv, cv, cv, cv, cv];

    /// <summary>
    /// Particle specs indexed by <see cref="TbnkPopulation"/> (doublets are built from two singlets).
    /// Scatter and CD45 positions follow the gating picture of domain.md §2.2 (lymphocytes CD45 bright/SSC low,
    /// monocytes CD45 bright/SSC intermediate, granulocytes CD45 dim/SSC high, debris CD45−; beads bright in
    /// every channel, apart from cells). Exact medians are [assumption]s on the Canto's linear 2¹⁸ scale.
    /// Dye order: CD3 FITC, CD16+56 PE, CD45 PerCP-Cy5.5, CD4 PE-Cy7, CD19 APC, CD8 APC-Cy7.
    /// </summary>
    public static readonly ParticleSpec?[] Particles =
    [
        /* Debris      */ new(9_000, 0.6, 6_000, 0.8, [0, 0, 0, 0, 0, 0], Cvs(), 0.5),
        /* Doublet     */ null,
        /* Granulocyte */ new(95_000, 0.12, 140_000, 0.15, [0, 12_000, 3_500, 0, 0, 0], [Cv, 0.6, 0.3, Cv, Cv, Cv], 4),
        /* Monocyte    */ new(80_000, 0.12, 50_000, 0.2, [0, 800, 12_000, 2_500, 0, 0], [Cv, 1.0, 0.25, 0.4, Cv, Cv], 2.5),
        /* TCd4        */ new(48_000, 0.10, 13_000, 0.18, [9_000, 0, 22_000, 12_000, 0, 0], Cvs(0.3), 1),
        /* TCd8        */ new(47_000, 0.10, 13_000, 0.18, [10_000, 0, 22_000, 0, 0, 15_000], Cvs(0.3), 1),
        /* TDn         */ new(47_000, 0.10, 13_000, 0.18, [9_000, 0, 22_000, 0, 0, 0], Cvs(0.3), 1),
        /* TDp         */ new(48_000, 0.10, 13_000, 0.18, [9_000, 0, 22_000, 9_000, 0, 9_000], Cvs(0.3), 1),
        /* B           */ new(50_000, 0.10, 12_000, 0.18, [0, 0, 18_000, 0, 10_000, 0], Cvs(0.3), 1),
        /* NkBright    */ new(52_000, 0.10, 15_000, 0.18, [0, 30_000, 26_000, 0, 0, 600], [Cv, 0.3, 0.25, Cv, Cv, 1.0], 1),
        /* NkDim       */ new(50_000, 0.10, 17_000, 0.18, [0, 7_000, 16_000, 0, 0, 600], [Cv, 0.4, 0.25, Cv, Cv, 1.2], 1),
        /* Bead        */ new(30_000, 0.05, 22_000, 0.06, [70_000, 90_000, 50_000, 40_000, 60_000, 30_000], Cvs(0.04), 0),
    ];

    /// <summary>The threshold a Canto applies on FSC: smaller debris is never recorded [assumption: FSC 5,000].</summary>
    public const double FscThreshold = 5_000;
}
