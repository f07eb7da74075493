using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Simulation;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests;

public sealed class SimulationTests
{
    private static readonly TbnkSimulationOptions Small = new() { Patients = 4, EventsPerFile = 3_000, Seed = 42 };

    private static string TempDir() => Path.Combine(Path.GetTempPath(), $"hiaim-sim-{Guid.NewGuid():N}");

    [Fact]
    public void Xoshiro256starstar_and_splitmix64_match_their_reference_outputs()
    {
        // xoshiro256** from state {1,2,3,4}; SplitMix64 from 1234567 (reference C implementations by Vigna).
        var x = new SimulationRandom(1, 2, 3, 4);
        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL], [x.NextUInt64(), x.NextUInt64(), x.NextUInt64(), x.NextUInt64()]);
        var state = 1234567UL;
        Assert.Equal(6457827717110365317UL, SimulationRandom.SplitMix64(ref state));
        Assert.Equal(3203168211198807973UL, SimulationRandom.SplitMix64(ref state));
    }

    [Fact]
    public void Normal_deviates_have_mean_0_and_sd_1()
    {
        var rng = new SimulationRandom(9);
        var values = Enumerable.Range(0, 200_000).Select(_ => rng.NextNormal()).ToArray();
        var mean = values.Average();
        var sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sd, 0.99, 1.01);
    }

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_different_bytes()
    {
        var a = new TbnkSimulator(Small);
        var b = new TbnkSimulator(Small);
        var sample = a.Samples[4];
        Assert.Equal(a.Simulate(sample).ToArray(), b.Simulate(b.Samples[4]).ToArray());
        Assert.Equal(a.Simulate(sample).ToArray(), a.Simulate(sample).ToArray()); // no hidden state between calls

        var other = new TbnkSimulator(Small with { Seed = 43 });
        Assert.NotEqual(a.Simulate(sample).ToArray(), other.Simulate(other.Samples[4]).ToArray());
        Assert.NotEqual(a.Simulate(a.Samples[0]).ToArray(), a.Simulate(a.Samples[1]).ToArray());
    }

    [Fact]
    public void Cohort_files_are_byte_identical_whatever_the_thread_count()
    {
        var one = TempDir();
        var many = TempDir();
        try
        {
            new TbnkSimulator(Small with { MaxDegreeOfParallelism = 1 }).WriteCohort(one, TestContext.Current.CancellationToken);
            new TbnkSimulator(Small with { MaxDegreeOfParallelism = 4 }).WriteCohort(many, TestContext.Current.CancellationToken);
            var names = Directory.GetFiles(one).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(4 * 3 + 2, names.Length);
            Assert.Equal(names, Directory.GetFiles(many).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var name in names)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(one, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(many, name!))), name);
            }
        }
        finally
        {
            Directory.Delete(one, true);
            Directory.Delete(many, true);
        }
    }

    [Fact]
    public void Files_read_back_with_declared_tot_par_spillover_markers_and_keywords()
    {
        var simulator = new TbnkSimulator(Small);
        var sim = simulator.Simulate(simulator.Samples[2]);
        var file = FcsFile.Read(sim.ToArray());
        Assert.Equal("FCS3.1", file.Version);
        Assert.Equal(Small.EventsPerFile, file.EventCount);
        Assert.Equal(10, file.Channels.Count);
        Assert.Equal(TbnkSimulator.ChannelNames, file.Channels.Select(c => c.Name));
        Assert.Equal(["CD3", "CD16+56", "CD45", "CD4", "CD19", "CD8"], file.Channels.Skip(3).Take(6).Select(c => c.Label));
        Assert.All(file.Channels, c => Assert.Equal(262144, c.Range));
        Assert.Empty(file.Warnings);

        var spill = file.Spillover!;
        Assert.Equal(["FITC-A", "PE-A", "PerCP-Cy5-5-A", "PE-Cy7-A", "APC-A", "APC-Cy7-A"], spill.Detectors);
        Assert.Equal(sim.Spillover.ToArray(), spill.ToArray()); // written with every digit the simulation used
        Assert.InRange(spill[0, 1], 0.17, 0.23); // FITC → PE ≈ 0.2
        Assert.NotEqual(spill.ToArray(), FcsFile.Read(simulator.Simulate(simulator.Samples[3]).ToArray()).Spillover!.ToArray()); // per-file drift

        var k = file.Keywords;
        Assert.Equal("FACSCanto II", k["$CYT"]);
        Assert.Equal("P001_post.fcs", k["$FIL"]);
        Assert.Equal("P001_post", k["$SRC"]);
        Assert.Equal("50000", k["BEADS PER TEST"]);
        Assert.Equal("50", k["SAMPLE VOLUME UL"]);
        Assert.Equal("0.01", k["$TIMESTEP"]);
        Assert.Matches(@"^\d\d-[A-Z]{3}-20\d\d$", k["$DATE"]);
        Assert.Matches(@"^\d\d:\d\d:\d\d$", k["$BTIM"]);
        Assert.True(string.CompareOrdinal(k["$ETIM"], k["$BTIM"]) >= 0);
        Assert.True(double.Parse(k["$VOL"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        for (var c = 0; c < 10; c++)
        {
            Assert.Equal(sim.Events.Column(c).ToArray(), file.Events.Column(c).ToArray());
        }
    }

    [Fact]
    public void Truth_counts_match_labels_sum_up_and_follow_the_bead_formula()
    {
        var simulator = new TbnkSimulator(Small);
        var sim = simulator.Simulate(simulator.Samples[0]);
        var t = sim.Truth;
        var labels = sim.Labels.ToArray();
        Assert.Equal(Small.EventsPerFile, t.TotalEvents);
        foreach (var pop in Enum.GetValues<TbnkPopulation>())
        {
            Assert.Equal(labels.Count(l => l == pop), t.EventsOf(pop));
        }

        Assert.Equal(t.TotalEvents, TbnkTruth.Populations.Where(p => p is not ("Lymphocytes" or "T" or "NK")).Sum(t.Events));
        Assert.Equal(t.Events("T") + t.Events("B") + t.Events("NK"), t.Events("Lymphocytes"));
        Assert.Equal(t.Events("CD4") + t.Events("CD8") + t.Events("T_DN") + t.Events("T_DP"), t.Events("T"));
        Assert.Equal(t.Events("NK_bright") + t.Events("NK_dim"), t.Events("NK"));
        Assert.True(t.Events("Beads") > 100);
        foreach (var p in TbnkTruth.CountedPopulations)
        {
            Assert.Equal((double)t.Events(p) / t.Events("Beads") * 50_000 / 50, t.CellsPerUl(p), 9);
        }

        Assert.Equal(1000, t.CellsPerUl("Beads"), 9);
        Assert.Equal(1000, t.ConcentrationPerUl("Beads"), 9);
        Assert.Equal(t.ConcentrationPerUl("T") + t.ConcentrationPerUl("B") + t.ConcentrationPerUl("NK"), t.ConcentrationPerUl("Lymphocytes"), 6);
    }

    [Fact]
    public void Bead_formula_on_true_events_recovers_the_simulated_concentration()
    {
        // Singlet cells and beads are sampled in proportion to their numbers in the tube, so with enough events the
        // bead formula is within Poisson error of the drawn concentration (analytical CV, domain.md §3.3).
        var simulator = new TbnkSimulator(Small with { EventsPerFile = 60_000 });
        var t = simulator.Simulate(simulator.Samples[1]).Truth;
        foreach (var p in new[] { "Lymphocytes", "T", "CD4", "CD8", "NK", "Granulocytes" })
        {
            var ratio = t.CellsPerUl(p) / t.ConcentrationPerUl(p);
            Assert.InRange(ratio, 0.9, 1.1);
        }
    }

    [Fact]
    public void Compensated_arcsinh_data_put_populations_where_the_tbnk_gating_expects_them()
    {
        var simulator = new TbnkSimulator(Small with { EventsPerFile = 20_000 });
        var sim = simulator.Simulate(simulator.Samples[0]);
        var events = sim.Events.Compensate(sim.Spillover);
        var asinh = Arcsinh.WithCofactor(150);
        var labels = sim.Labels.ToArray();
        double Median(string channel, params TbnkPopulation[] pops)
        {
            var col = events.Column(channel).ToArray();
            var values = Enumerable.Range(0, labels.Length).Where(i => pops.Contains(labels[i])).Select(i => (double)col[i]).Order().ToArray();
            return values[values.Length / 2];
        }

        double A(double v) => asinh.Apply(v);
        TbnkPopulation[] t = [TbnkPopulation.TCd4, TbnkPopulation.TCd8, TbnkPopulation.TDoubleNegative, TbnkPopulation.TDoublePositive];
        TbnkPopulation[] nonT = [TbnkPopulation.B, TbnkPopulation.NkBright, TbnkPopulation.NkDim];

        // CD3: T cells far above non-T lymphocytes, whose compensated values spread around 0.
        Assert.True(A(Median("FITC-A", t)) > 4, $"T CD3 {A(Median("FITC-A", t))}");
        Assert.InRange(Median("FITC-A", nonT), -150, 150);
        Assert.True(A(Median("FITC-A", t)) - A(Median("FITC-A", nonT)) > 3);

        // CD45 vs SSC: lymphocytes CD45 bright / SSC low, granulocytes CD45 dim / SSC high, debris CD45 negative.
        Assert.True(A(Median("PerCP-Cy5-5-A", [.. t, .. nonT])) > A(Median("PerCP-Cy5-5-A", TbnkPopulation.Granulocyte)) + 1);
        Assert.True(Median("SSC-A", TbnkPopulation.Granulocyte) > 5 * Median("SSC-A", t));
        Assert.InRange(Median("PerCP-Cy5-5-A", TbnkPopulation.Debris), -150, 150);

        // CD4 vs CD8 within T; CD19 on B; CD16+56 on NK; beads bright everywhere.
        Assert.True(A(Median("PE-Cy7-A", TbnkPopulation.TCd4)) > A(Median("PE-Cy7-A", TbnkPopulation.TCd8)) + 3);
        Assert.True(A(Median("APC-Cy7-A", TbnkPopulation.TCd8)) > A(Median("APC-Cy7-A", TbnkPopulation.TCd4)) + 3);
        Assert.True(A(Median("APC-A", TbnkPopulation.B)) > A(Median("APC-A", t)) + 3);
        Assert.True(A(Median("PE-A", TbnkPopulation.NkDim)) > A(Median("PE-A", t)) + 3);
        Assert.True(A(Median("PE-A", TbnkPopulation.NkBright)) > A(Median("PE-A", TbnkPopulation.NkDim)));
        foreach (var channel in TbnkSimulator.BaseSpillover.Detectors)
        {
            Assert.True(A(Median(channel, TbnkPopulation.Bead)) > 5.5, channel);
        }

        // Doublets leave the FSC-A ≈ FSC-H / 0.86 diagonal.
        var ratio = Enumerable.Range(0, labels.Length).Select(i => events[i, 1] / events[i, 0]).ToArray();
        var doubletRatio = Enumerable.Range(0, labels.Length).Where(i => labels[i] == TbnkPopulation.Doublet).Select(i => ratio[i]).Order().ToArray();
        var singletRatio = Enumerable.Range(0, labels.Length).Where(i => labels[i] == TbnkPopulation.TCd4).Select(i => ratio[i]).Order().ToArray();
        Assert.InRange(singletRatio[singletRatio.Length / 2], 0.82, 0.9);
        Assert.True(doubletRatio[doubletRatio.Length / 2] < 0.7);
    }

    [Fact]
    public void Uncompensated_negatives_carry_spillover_that_compensation_removes()
    {
        var simulator = new TbnkSimulator(Small with { EventsPerFile = 20_000 });
        var sim = simulator.Simulate(simulator.Samples[0]);
        var labels = sim.Labels.ToArray();
        var t = Enumerable.Range(0, labels.Length).Where(i => labels[i] == TbnkPopulation.TCd8).ToArray();
        var rawPe = t.Select(i => (double)sim.Events[i, 4]).Order().ToArray()[t.Length / 2];
        var compPe = sim.Events.Compensate(sim.Spillover);
        var comp = t.Select(i => (double)compPe[i, 4]).Order().ToArray()[t.Length / 2];
        Assert.True(rawPe > 1_500, $"raw PE of CD3 FITC-bright T cells {rawPe}"); // FITC → PE ≈ 20 % of ~10,000
        Assert.InRange(comp, -150, 150);
    }

    [Fact]
    public void Exercise_arm_nk_rises_across_timepoints_more_than_control()
    {
        // Concentrations do not depend on the event count: 40 patients of 1 event each show the planted effect.
        var simulator = new TbnkSimulator(new TbnkSimulationOptions { Patients = 40, EventsPerFile = 1, Seed = 5, NkEffectPerTimepoint = 0.2 });
        var truths = simulator.Samples.Select(s => simulator.Simulate(s).Truth).ToArray();
        double MeanLogChange(TrialArm arm) => truths
            .Where(t => t.Sample.Arm == arm && t.Sample.Timepoint == "post")
            .Select(post => Math.Log(post.ConcentrationPerUl("NK") / truths.Single(t => t.Sample.PatientId == post.Sample.PatientId && t.Sample.Timepoint == "pre").ConcentrationPerUl("NK")))
            .Average();
        Assert.Equal(20, simulator.Samples.Count(s => s.Arm == TrialArm.Exercise && s.Timepoint == "pre"));
        var exercise = MeanLogChange(TrialArm.Exercise);
        var control = MeanLogChange(TrialArm.Control);
        Assert.True(exercise - control > 0.15, $"exercise {exercise:F3} vs control {control:F3}");

        var none = new TbnkSimulator(new TbnkSimulationOptions { Patients = 40, EventsPerFile = 1, Seed = 5, NkEffectPerTimepoint = 0 });
        Assert.Equal(
            truths.Where(t => t.Sample.Arm == TrialArm.Control).Select(t => t.ConcentrationPerUl("NK")),
            none.Samples.Where(s => s.Arm == TrialArm.Control).Select(s => none.Simulate(s).Truth.ConcentrationPerUl("NK")));
    }

    [Fact]
    public void Baseline_counts_sit_in_the_domain_reference_ranges()
    {
        var simulator = new TbnkSimulator(new TbnkSimulationOptions { Patients = 200, Timepoints = ["pre"], EventsPerFile = 1, Seed = 11 });
        var truths = simulator.Samples.Select(s => simulator.Simulate(s).Truth).ToArray();
        double Median(Func<TbnkTruth, double> f) => truths.Select(f).Order().ToArray()[truths.Length / 2];
        Assert.InRange(Median(t => t.ConcentrationPerUl("NK")), 150, 215); // domain.md §3.2: median ≈ 180/µL
        Assert.InRange(Median(t => t.ConcentrationPerUl("Lymphocytes")), 1000, 1800); // §3.2: 1.0–1.8×10³/µL
        Assert.InRange(Median(t => t.ConcentrationPerUl("NK") / t.ConcentrationPerUl("Lymphocytes")), 0.10, 0.20); // §3.2
        Assert.InRange(Median(t => t.ConcentrationPerUl("CD4") / t.ConcentrationPerUl("CD8")), 1.35, 3.9); // §2.4
        Assert.InRange(Median(t => t.ConcentrationPerUl("NK_bright") / t.ConcentrationPerUl("NK")), 0.07, 0.13); // §2.5
    }

    [Fact]
    public void Design_is_patient_major_with_pairwise_balanced_arms_independent_of_cohort_size()
    {
        var small = new TbnkSimulator(Small);
        Assert.Equal(["P001_pre.fcs", "P001_mid.fcs", "P001_post.fcs", "P002_pre.fcs"], small.Samples.Take(4).Select(s => s.FileName));
        var big = new TbnkSimulator(Small with { Patients = 10 });
        for (var p = 0; p < 10; p += 2)
        {
            Assert.NotEqual(TbnkSimulator.ArmOf(42, p), TbnkSimulator.ArmOf(42, p + 1));
        }

        // A patient's data do not depend on how many patients the cohort has.
        Assert.Equal(small.Simulate(small.Samples[5]).ToArray(), big.Simulate(big.Samples[5]).ToArray());
    }

    [Theory]
    [InlineData(0, "pre", 10)]
    [InlineData(2, "", 10)]
    [InlineData(2, "pre,pre", 10)]
    [InlineData(2, "a/b", 10)]
    [InlineData(2, "pre", 0)]
    public void Bad_options_are_refused(int patients, string timepoints, int events)
    {
        var options = new TbnkSimulationOptions { Patients = patients, Timepoints = timepoints.Length == 0 ? [] : timepoints.Split(','), EventsPerFile = events };
        Assert.Throws<ArgumentException>(() => new TbnkSimulator(options));
        Assert.Throws<ArgumentException>(() => new TbnkSimulator(Small with { NkEffectPerTimepoint = -0.6 })); // post would be −20 %... of nothing
    }

    [Fact]
    public void Truth_and_sample_sheet_csv_have_one_row_per_file()
    {
        var dir = TempDir();
        try
        {
            var truths = new TbnkSimulator(Small with { Patients = 2, Timepoints = ["pre", "post"] }).WriteCohort(dir, TestContext.Current.CancellationToken);
            var truth = File.ReadAllLines(Path.Combine(dir, "truth.csv"));
            var sheet = File.ReadAllLines(Path.Combine(dir, "samples.csv"));
            Assert.Equal(5, truth.Length);
            Assert.Equal(["file,patient,arm,timepoint,beads_per_test,volume_ul", $"P001_pre.fcs,P001,{TbnkTruth.ArmName(truths[0].Sample.Arm)},pre,50000,50"], sheet.Take(2));
            var header = truth[0].Split(',');
            Assert.Equal(["file", "patient", "arm", "timepoint", "events_total", "Lymphocytes_events"], header.Take(6));
            Assert.Contains("NK_per_ul", header);
            Assert.Contains("NK_dim_conc", header);
            var row = truth[1].Split(',');
            Assert.Equal(header.Length, row.Length);
            Assert.Equal(truths[0].Events("NK").ToString(System.Globalization.CultureInfo.InvariantCulture), row[Array.IndexOf(header, "NK_events")]);
            Assert.Equal(truths[0].CellsPerUl("NK"), double.Parse(row[Array.IndexOf(header, "NK_per_ul")], System.Globalization.CultureInfo.InvariantCulture), 3);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
