using System.Globalization;
using System.Text;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using static HiAim.Cytometry.Simulation.TbnkModel;

namespace HiAim.Cytometry.Simulation;

/// <summary>
/// A deterministic simulator of a TBNK/Trucount cohort (BD Multitest 6-colour TBNK on a FACSCanto II,
/// domain.md §2.1): patients in two arms, several draws each, one FCS file per draw with debris,
/// doublets, granulocytes, monocytes, T (CD4, CD8, DN, DP), B and NK (CD56bright, CD56dim) cells and
/// Trucount beads, spilled through a per-file <c>$SPILLOVER</c> and noised like a real detector, plus
/// the ground truth (events and cells/µL per population).
/// </summary>
/// <remarks>
/// Every file draws from its own xoshiro256** stream derived from (seed, patient, timepoint), so the
/// bytes depend only on the options, never on thread count or the order files are made in. Dates and
/// times come from the seed, not the clock. Bit-identical output is guaranteed on one runtime and
/// platform; <see cref="Math.Log(double)"/>/<see cref="Math.Exp"/> come from the platform's math library,
/// so another OS may differ in the last bit of some values.
/// </remarks>
public sealed class TbnkSimulator
{
    /// <summary>Version of the simulation model, written as <c>HIAIM SIM VERSION</c>; bumped whenever the same seed would give different data.</summary>
    public const int ModelVersion = 1;

    private const ulong ArmStream = 1, PatientStream = 2, VisitStream = 3, SpilloverStream = 4, EventStream = 5, ScheduleStream = 6;
    private const int PopulationCount = 12;

    private static readonly double[] SpecFscSigma = [.. Particles.Select(p => p is null ? 0 : SimulationRandom.SigmaForCv(p.FscCv))];
    private static readonly double[] SpecSscSigma = [.. Particles.Select(p => p is null ? 0 : SimulationRandom.SigmaForCv(p.SscCv))];
    private static readonly double[][] SpecDyeSigma = [.. Particles.Select(p => p is null ? new double[FluorCount] : p.DyeCvs.Select(SimulationRandom.SigmaForCv).ToArray())];
    private static readonly double AfSigma = SimulationRandom.SigmaForCv(AutofluorescenceCv);
    private static readonly double HeightSigma = SimulationRandom.SigmaForCv(SingletHeightCv);

    /// <summary>Creates a simulator; the design (patients, arms, timepoints) is fixed here.</summary>
    /// <param name="options">Design and knobs; <see langword="null"/> = <see cref="TbnkSimulationOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public TbnkSimulator(TbnkSimulationOptions? options = null)
    {
        options ??= TbnkSimulationOptions.Default;
        options.Validate();
        Options = options;
        var samples = new List<TbnkSample>(options.Patients * options.Timepoints.Count);
        for (var p = 0; p < options.Patients; p++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"P{p + 1:000}");
            var arm = ArmOf(options.Seed, p);
            for (var t = 0; t < options.Timepoints.Count; t++)
            {
                var tp = options.Timepoints[t];
                samples.Add(new TbnkSample($"{id}_{tp}.fcs", p, id, arm, t, tp, options.BeadsPerTest, options.SampleVolumeUl));
            }
        }

        Samples = samples;
    }

    /// <summary>The options in force.</summary>
    public TbnkSimulationOptions Options { get; }

    /// <summary>Every draw of the cohort, patient by patient, timepoints in order (the sample sheet).</summary>
    public IReadOnlyList<TbnkSample> Samples { get; }

    /// <summary>$PnN of the simulated tube: FSC-A, FSC-H, SSC-A, FITC-A, PE-A, PerCP-Cy5-5-A, PE-Cy7-A, APC-A, APC-Cy7-A, Time.</summary>
    public static IReadOnlyList<string> ChannelNames => TbnkModel.ChannelNames;

    /// <summary>$PnS of the simulated tube (<see langword="null"/> for scatter and time): CD3, CD16+56, CD45, CD4, CD19, CD8.</summary>
    public static IReadOnlyList<string?> Markers => TbnkModel.Markers;

    /// <summary>The FACSCanto-like spillover every file's <c>$SPILLOVER</c> varies around (day-to-day CV 3 % per coefficient).</summary>
    public static Spillover BaseSpillover { get; } = new(TbnkModel.ChannelNames[FirstFluor..(FirstFluor + FluorCount)], TbnkModel.BaseSpillover, "TbnkSimulator base");

    /// <summary>The arm of a patient: 1:1 block randomisation in pairs (patients 2k and 2k+1 get different arms), from the seed alone.</summary>
    /// <param name="seed">Root seed.</param>
    /// <param name="patientIndex">Zero-based patient.</param>
    /// <returns>The arm.</returns>
    public static TrialArm ArmOf(ulong seed, int patientIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patientIndex);
        var firstIsExercise = (SimulationRandom.Derive(seed, ArmStream, (ulong)(patientIndex / 2)).NextUInt64() >> 63) == 0;
        return firstIsExercise == (patientIndex % 2 == 0) ? TrialArm.Exercise : TrialArm.Control;
    }

    /// <summary>Simulates one draw of <see cref="Samples"/> (any order, any thread: the result depends only on the options and the sample).</summary>
    /// <param name="sample">A sample of this simulator's design.</param>
    /// <returns>Events, keywords, spillover and truth.</returns>
    public TbnkSimulatedFile Simulate(TbnkSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.PatientIndex < 0 || sample.PatientIndex >= Options.Patients || sample.TimepointIndex < 0 || sample.TimepointIndex >= Options.Timepoints.Count)
        {
            throw new ArgumentException($"Sample {sample.FileName} is not part of this simulator's design.", nameof(sample));
        }

        var seed = Options.Seed;
        var p = (ulong)sample.PatientIndex;
        var t = (ulong)sample.TimepointIndex;
        var concentration = Concentrations(sample);

        var spillRng = SimulationRandom.Derive(seed, SpilloverStream, p, t);
        var spillover = DailySpillover(spillRng);

        var rng = SimulationRandom.Derive(seed, EventStream, p, t);
        var debris = Math.Min(0.2, Options.DebrisFraction == 0 ? 0 : rng.NextLogNormal(Options.DebrisFraction, ArtefactFractionCv));
        var doublets = Math.Min(0.2, Options.DoubletFraction == 0 ? 0 : rng.NextLogNormal(Options.DoubletFraction, ArtefactFractionCv));
        var (cumulative, singletCumulative) = Probabilities(concentration, debris, doublets);

        // Recorded particles per µL of the tube (blood + lyse) times the flow: the event rate, so Time and $VOL agree.
        var particlesPerUl = concentration.Sum() * sample.VolumeUl / (1 - debris - doublets) / (sample.VolumeUl + LyseVolumeUl);
        var meanGap = 1 / (particlesPerUl * FlowUlPerSecond);

        var n = Options.EventsPerFile;
        var columns = new float[ChannelCount][];
        for (var c = 0; c < ChannelCount; c++)
        {
            columns[c] = new float[n];
        }

        var labels = new TbnkPopulation[n];
        var counts = new int[PopulationCount];
        var spill = spillover.ToArray();
        Span<double> x = stackalloc double[FluorCount];
        Span<double> y = stackalloc double[FluorCount];
        Span<double> x2 = stackalloc double[FluorCount];
        var time = 0.0;
        for (var e = 0; e < n; e++)
        {
            var pop = (TbnkPopulation)Pick(cumulative, rng.NextDouble());
            labels[e] = pop;
            counts[(int)pop]++;
            double fsc, fscH, ssc;
            if (pop == TbnkPopulation.Doublet)
            {
                // Two singlets in one pulse: areas add, the height grows little, so FSC-A/FSC-H leaves the singlet diagonal.
                var a = Pick(singletCumulative, rng.NextDouble());
                var b = Pick(singletCumulative, rng.NextDouble());
                Particle(rng, a, out var fa, out var ha, out var sa, x);
                Particle(rng, b, out var fb, out var hb, out var sb, x2);
                fsc = fa + fb;
                ssc = sa + sb;
                fscH = Math.Max(ha, hb) * 1.1;
                for (var i = 0; i < FluorCount; i++)
                {
                    x[i] += x2[i];
                }
            }
            else
            {
                Particle(rng, (int)pop, out fsc, out fscH, out ssc, x);
            }

            // What the detectors see: true fluorescence through the spillover (row = dye, column = detector),
            // then photon (shot) noise proportional to √signal and additive electronic noise.
            for (var j = 0; j < FluorCount; j++)
            {
                var signal = 0.0;
                for (var i = 0; i < FluorCount; i++)
                {
                    signal += x[i] * spill[i, j];
                }

                y[j] = signal + (Math.Sqrt(Math.Max(signal, 0) * PhotoelectronGain) * rng.NextNormal()) + (ElectronicNoiseSd * rng.NextNormal());
            }

            time += rng.NextExponential(meanGap);
            columns[FscA][e] = Clip(fsc);
            columns[FscH][e] = Clip(fscH);
            columns[SscA][e] = Clip(ssc);
            for (var j = 0; j < FluorCount; j++)
            {
                columns[FirstFluor + j][e] = (float)Math.Min(y[j], MaxValue);
            }

            columns[Time][e] = (float)(time / TimeStep);
        }

        var truth = new TbnkTruth(sample, counts, concentration);
        var (events, keywords, written) = (Options.Instrument ?? InstrumentProfile.Simulator).Write(new EventMatrix(TbnkModel.ChannelNames, columns), Keywords(sample, spillover, time), spillover);
        spillover = written;
        return new TbnkSimulatedFile(sample, events, keywords, spillover, truth, labels);
    }

    /// <summary>
    /// Simulates every sample (in parallel across files) and writes <c>DIR/&lt;patient&gt;_&lt;timepoint&gt;.fcs</c>,
    /// <c>DIR/truth.csv</c> and <c>DIR/samples.csv</c>.
    /// </summary>
    /// <param name="directory">Output folder, created if missing; existing files of the same names are replaced.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    /// <returns>The truth of every file, in <see cref="Samples"/> order.</returns>
    public IReadOnlyList<TbnkTruth> WriteCohort(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var truths = new TbnkTruth[Samples.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism ?? -1, CancellationToken = cancellationToken };
        Parallel.For(0, Samples.Count, parallel, i =>
        {
            var file = Simulate(Samples[i]);
            file.Write(Path.Combine(directory, Samples[i].FileName));
            truths[i] = file.Truth;
        });

        Internals.AtomicFile.WriteText(Path.Combine(directory, "truth.csv"), w => TbnkTruth.WriteCsv(w, truths));
        Internals.AtomicFile.WriteText(Path.Combine(directory, "samples.csv"), w => TbnkTruth.WriteSampleSheet(w, Samples));

        return truths;
    }

    /// <summary>Blood concentrations (cells/µL) of this draw, indexed by <see cref="TbnkPopulation"/>; beads as beads per µL of blood.</summary>
    private double[] Concentrations(TbnkSample sample)
    {
        var seed = Options.Seed;
        var p = (ulong)sample.PatientIndex;

        // Patient baseline: log-normal between-patient variation (domain.md §3.2, §3.3).
        var pr = SimulationRandom.Derive(seed, PatientStream, p);
        var t = pr.NextLogNormal(TMedian, TBetweenCv);
        var shares = new double[TShares.Length];
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = TShares[i] * pr.NextLogNormal(1, TShareBetweenCv);
        }

        var b = pr.NextLogNormal(BMedian, BBetweenCv);
        var nk = pr.NextLogNormal(NkMedian, Options.BetweenPatientCvNk);
        var brightShare = Math.Min(0.5, pr.NextLogNormal(NkBrightShare, NkBrightShareBetweenCv));
        var mono = pr.NextLogNormal(MonocyteMedian, MonocyteBetweenCv);
        var gran = pr.NextLogNormal(GranulocyteMedian, GranulocyteBetweenCv);

        // This draw: day-to-day (within-patient) variation (domain.md §3.3), then the planted exercise effect on CD56dim NK (§3.1).
        var vr = SimulationRandom.Derive(seed, VisitStream, p, (ulong)sample.TimepointIndex);
        t *= vr.NextLogNormal(1, Options.WithinPatientCvT);
        var shareSum = 0.0;
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] *= vr.NextLogNormal(1, TShareWithinCv);
            shareSum += shares[i];
        }

        b *= vr.NextLogNormal(1, BWithinCv);
        nk *= vr.NextLogNormal(1, Options.WithinPatientCvNk);
        mono *= vr.NextLogNormal(1, MonocyteWithinCv);
        gran *= vr.NextLogNormal(1, GranulocyteWithinCv);
        var effect = sample.Arm == TrialArm.Exercise ? 1 + (Options.NkEffectPerTimepoint * sample.TimepointIndex) : 1;

        var c = new double[PopulationCount];
        c[(int)TbnkPopulation.Granulocyte] = gran;
        c[(int)TbnkPopulation.Monocyte] = mono;
        c[(int)TbnkPopulation.TCd4] = t * shares[0] / shareSum;
        c[(int)TbnkPopulation.TCd8] = t * shares[1] / shareSum;
        c[(int)TbnkPopulation.TDoubleNegative] = t * shares[2] / shareSum;
        c[(int)TbnkPopulation.TDoublePositive] = t * shares[3] / shareSum;
        c[(int)TbnkPopulation.B] = b;
        c[(int)TbnkPopulation.NkBright] = nk * brightShare;
        c[(int)TbnkPopulation.NkDim] = nk * (1 - brightShare) * effect;
        c[(int)TbnkPopulation.Bead] = Options.BeadsPerTest / Options.SampleVolumeUl;
        return c;
    }

    /// <summary>
    /// Cumulative event-class probabilities. Singlet cells and beads are in proportion to their numbers in the tube
    /// (concentration × volume; beads per test), so singlet cell events / bead events estimates concentration ×
    /// volume / beads per test without bias: the bead formula of domain.md §2.1.
    /// </summary>
    private static (double[] All, double[] Singlets) Probabilities(double[] concentration, double debris, double doublets)
    {
        var total = concentration.Sum();
        var singletShare = 1 - debris - doublets;
        var all = new double[PopulationCount];
        var singlets = new double[PopulationCount];
        double acc = 0, accSinglets = 0;
        for (var k = 0; k < PopulationCount; k++)
        {
            var share = k switch
            {
                (int)TbnkPopulation.Debris => debris,
                (int)TbnkPopulation.Doublet => doublets,
                _ => singletShare * concentration[k] / total,
            };
            acc += share;
            all[k] = acc;
            accSinglets += k is (int)TbnkPopulation.Debris or (int)TbnkPopulation.Doublet ? 0 : concentration[k] / total;
            singlets[k] = accSinglets;
        }

        all[^1] = singlets[^1] = 1; // rounding never leaves a gap above the last class
        return (all, singlets);
    }

    private static int Pick(double[] cumulative, double u)
    {
        for (var k = 0; k < cumulative.Length - 1; k++)
        {
            if (u < cumulative[k])
            {
                return k;
            }
        }

        return cumulative.Length - 1;
    }

    /// <summary>One particle's scatter and true fluorescence (autofluorescence + stain, per dye), log-normal around its spec.</summary>
    private static void Particle(SimulationRandom rng, int population, out double fsc, out double fscH, out double ssc, Span<double> dyes)
    {
        var spec = Particles[population]!;
        fsc = spec.Fsc * Math.Exp(SpecFscSigma[population] * rng.NextNormal());
        for (var tries = 0; fsc < FscThreshold && tries < 64; tries++)
        {
            fsc = spec.Fsc * Math.Exp(SpecFscSigma[population] * rng.NextNormal()); // below the FSC threshold: never recorded
        }

        fsc = Math.Max(fsc, FscThreshold);
        fscH = fsc * SingletHeightRatio * Math.Exp(HeightSigma * rng.NextNormal());
        ssc = spec.Ssc * Math.Exp(SpecSscSigma[population] * rng.NextNormal());
        var sigmas = SpecDyeSigma[population];
        for (var i = 0; i < FluorCount; i++)
        {
            var af = spec.AutofluorescenceScale == 0 ? 0 : Autofluorescence[i] * spec.AutofluorescenceScale * Math.Exp(AfSigma * rng.NextNormal());
            var stain = spec.Dyes[i] == 0 ? 0 : spec.Dyes[i] * Math.Exp(sigmas[i] * rng.NextNormal());
            dyes[i] = af + stain;
        }
    }

    private static float Clip(double value) => (float)Math.Clamp(value, 0, MaxValue);

    /// <summary>Today's spillover: every non-zero coefficient of the base matrix drifts log-normally, rounded to 6 decimals as written.</summary>
    private static Spillover DailySpillover(SimulationRandom rng)
    {
        var m = (double[,])TbnkModel.BaseSpillover.Clone();
        for (var i = 0; i < FluorCount; i++)
        {
            for (var j = 0; j < FluorCount; j++)
            {
                if (i != j && m[i, j] != 0)
                {
                    m[i, j] = Math.Round(m[i, j] * rng.NextLogNormal(1, SpilloverDayCv), 6);
                }
            }
        }

        return new Spillover(TbnkModel.ChannelNames[FirstFluor..(FirstFluor + FluorCount)], m, "$SPILLOVER");
    }

    private List<KeyValuePair<string, string>> Keywords(TbnkSample sample, Spillover spillover, double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        var seed = Options.Seed;
        var p = (ulong)sample.PatientIndex;

        // Schedule from the seed, never the clock: enrolment day, a fixed morning draw time per patient (domain.md §3.3
        // warns of a strong diurnal effect), timepoints three weeks apart with a few days' jitter.
        var patientSchedule = SimulationRandom.Derive(seed, ScheduleStream, p);
        var enrolment = patientSchedule.NextInt(EnrolmentDays);
        var drawMinute = (8 * 60) + patientSchedule.NextInt(150);
        var visit = SimulationRandom.Derive(seed, ScheduleStream, p, (ulong)sample.TimepointIndex + 1);
        var day = TrialStart.AddDays(enrolment + (sample.TimepointIndex * DaysBetweenTimepoints) + (sample.TimepointIndex == 0 ? 0 : visit.NextInt(4)));
        var begin = new TimeOnly(0, 0).AddMinutes(drawMinute + 60).Add(TimeSpan.FromSeconds(visit.NextInt(60))); // acquired about an hour after the draw
        var end = begin.Add(TimeSpan.FromSeconds(Math.Ceiling(seconds)));

        // Volume of the tube (blood + lyse) run through the flow cell during acquisition; $VOL is in nL (FCS 3.1).
        var acquiredNl = seconds * FlowUlPerSecond * 1000;

        var s = spillover;
        var spill = new StringBuilder().Append(s.Count.ToString(inv));
        foreach (var d in s.Detectors)
        {
            spill.Append(',').Append(d);
        }

        for (var i = 0; i < s.Count; i++)
        {
            for (var j = 0; j < s.Count; j++)
            {
                spill.Append(',').Append(s[i, j].ToString("0.######", inv));
            }
        }

        var list = new List<KeyValuePair<string, string>>
        {
            new("$CYT", "FACSCanto II"),
            new("$CYTSN", "SIM-V96300001"),
            new("$INST", "HiAim simulated laboratory"),
            new("$OP", "simulator"),
            new("$COM", "Simulated data (HiAim.Cytometry TbnkSimulator); not from a patient"),
            new("CREATOR", string.Create(inv, $"HiAim.Cytometry TbnkSimulator model {ModelVersion}")),
            new("$DATE", day.ToString("dd-MMM-yyyy", inv).ToUpperInvariant()),
            new("$BTIM", begin.ToString("HH:mm:ss", inv)),
            new("$ETIM", end.ToString("HH:mm:ss", inv)),
            new("$SRC", sample.SampleId),
            new("$FIL", sample.FileName),
            new("$SPILLOVER", spill.ToString()),
            new("APPLY COMPENSATION", "FALSE"),
            new("$TIMESTEP", TimeStep.ToString("0.##", inv)),
            new("$VOL", acquiredNl.ToString("0.0", inv)),
            new("THRESHOLD", string.Create(inv, $"FSC,{FscThreshold:0}")),
            new("EXPERIMENT NAME", "HI AIM TBNK (simulated)"),
            new("TUBE NAME", "TBNK Trucount"),
            new("SAMPLE ID", sample.SampleId),
            new("PATIENT ID", sample.PatientId),
            new("VISIT", sample.Timepoint),
            new("BEADS PER TEST", sample.BeadsPerTest.ToString(inv)),
            new("TRUCOUNT LOT", Options.BeadLot),
            new("SAMPLE VOLUME UL", sample.VolumeUl.ToString("0.###", inv)),
            new("HIAIM SIM SEED", seed.ToString(inv)),
            new("HIAIM SIM VERSION", ModelVersion.ToString(inv)),
        };
        for (var c = 0; c < ChannelCount; c++)
        {
            var n = c + 1;
            if (TbnkModel.Markers[c] is { } marker)
            {
                list.Add(new(string.Create(inv, $"$P{n}S"), marker));
            }

            // Time grows past 2¹⁸ units only in very long acquisitions (millions of events): widen its range then.
            var range = c == Time ? Math.Max(FullScale, Math.Ceiling(seconds / TimeStep) + 1) : FullScale;
            list.Add(new(string.Create(inv, $"$P{n}R"), range.ToString("0", inv)));
            list.Add(new(string.Create(inv, $"$P{n}G"), "1"));
            if (c != Time)
            {
                list.Add(new(string.Create(inv, $"$P{n}V"), Voltages[c].ToString(inv)));
                list.Add(new(string.Create(inv, $"P{n}DISPLAY"), c >= FirstFluor ? "LOG" : "LIN"));
            }
        }

        return list;
    }
}
