using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>The clinical QC checks of issue 14 item 3: each fires on a constructed case with its value and limit, and stays quiet on a normal simulated tube.</summary>
public sealed class ClinicalQcTests
{
    private static readonly Lazy<TbnkSimulatedFile> Normal = new(() =>
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 50_000, Seed = 11 });
        return sim.Simulate(sim.Samples[0]);
    });

    private static readonly Lazy<TbnkResult> NormalResult = new(() => Analyze(Normal.Value.Events));

    private static TbnkResult Analyze(EventMatrix events) => TbnkPanel.Default.Analyze(FcsFile.Read(FcsWriter.ToArray(events, Normal.Value.Keywords)));

    [Fact]
    public void A_normal_simulated_tube_raises_no_flag_and_keeps_its_counts_when_stable()
    {
        var r = NormalResult.Value;
        Assert.Empty(r.Flags);
        Assert.Empty(r.UnstableIntervals);
        Assert.Equal(r.Populations, r.PopulationsExcludingUnstable);
    }

    [Fact]
    public void Existing_checks_carry_their_value_and_threshold()
    {
        var e = new Dictionary<string, int> { ["Beads"] = 900, ["Lymphocytes"] = 5_600, ["T"] = 4_500, ["B"] = 700, ["NK"] = 800 };
        var flags = TbnkQc.Evaluate(e, usesBeads: true, timeMonotonic: false, spilloverPresent: true);
        var sum = Assert.Single(flags, f => f.Check == QcCheck.Lymphosum);
        Assert.Equal(100.0 * 6_000 / 5_600, sum.Value!.Value, 9);
        Assert.Equal("95–105 %", sum.Threshold);
        var beads = Assert.Single(flags, f => f.Check == QcCheck.BeadEvents);
        Assert.Equal((900.0, "≥ 1000 events"), (beads.Value!.Value, beads.Threshold));
        var time = Assert.Single(flags, f => f.Check == QcCheck.TimeOrder);
        Assert.Null(time.Value);
        Assert.False(string.IsNullOrEmpty(time.Threshold));
    }

    [Theory]
    [InlineData("B", 1.5, 100.0, true)] // below 5 / 3
    [InlineData("B", 2.0, 100.0, false)] // outside 5–26 but not far
    [InlineData("NK", 40.0, 100.0, false)]
    [InlineData("NK", 95.0, 100.0, true)] // above 31 × 3
    [InlineData("T", 15.0, 1_000.0, true)] // below 55 / 3
    [InlineData("CD4", 40.0, 90.0, true)] // 90 /µL: below 300 / 3
    [InlineData("CD8", 20.0, 5_000.0, true)] // above 1346 × 3
    public void A_population_far_outside_the_reference_envelope_is_flagged_for_review(string population, double pct, double perUl, bool fires)
    {
        List<PopulationCount> pops = [new("Lymphocytes", 1_000, 100, 50, 1_000), new(population, (int)(pct * 10), pct, pct, perUl)];
        var flags = TbnkQc.ReferenceRanges(pops).ToList();
        Assert.Equal(fires, flags.Count > 0);
        foreach (var f in flags)
        {
            Assert.Equal(QcCheck.OutsideReferenceRange, f.Check);
            Assert.True(f.Value == pct || f.Value == perUl);
            Assert.Contains(population, f.Reason, StringComparison.Ordinal);
            var (lo, hi) = Limits(f.Threshold!);
            Assert.True(f.Value < lo || f.Value > hi, $"{f.Value} within {f.Threshold}");
        }
    }

    [Fact]
    public void A_cd4_cd8_ratio_far_outside_is_flagged()
    {
        List<PopulationCount> pops = [new("CD4", 2_000, 40, 40, double.NaN), new("CD8", 90, 10, 10, double.NaN)];
        var f = Assert.Single(TbnkQc.ReferenceRanges(pops));
        Assert.Equal(2_000.0 / 90, f.Value!.Value, 9);
        Assert.Equal("0.23–19.2", f.Threshold);
    }

    private static (double Lo, double Hi) Limits(string threshold)
    {
        var parts = threshold.Split(' ')[0].Split('–');
        return (double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_flow_rate_drop_is_flagged_with_its_interval_and_counts_without_it()
    {
        var events = Normal.Value.Events.Clone();
        var time = events.Column("Time");
        var original = time.ToArray();
        int a = time.Length * 4 / 10, b = time.Length / 2;

        // Events a..b arrive at a quarter of the rate: their gaps are four times longer, later events shift.
        for (var i = a; i < time.Length; i++)
        {
            time[i] = i < b ? original[a] + (4 * (original[i] - original[a])) : original[i] + (3 * (original[b] - original[a]));
        }

        var r = Analyze(events);
        // Intervals are in seconds (Time × $TIMESTEP), as the reader gives the Time channel.
        var step = double.Parse(Normal.Value.Keywords.First(k => k.Key == "$TIMESTEP").Value, System.Globalization.CultureInfo.InvariantCulture);
        double slowStart = original[a] * step, slowEnd = time[b] * step, slack = time[^1] * step / 50;
        var f = Assert.Single(r.Flags, x => x.Check == QcCheck.AcquisitionUnstable);
        Assert.InRange(f.Value!.Value, 70, 85);
        // The limit is max(5 robust SD, 20 %) of the intervals' counts; the slow intervals widen the robust SD a little.
        var limit = double.Parse(System.Text.RegularExpressions.Regex.Match(f.Threshold!, @"^≤ (\d+) % from the median rate$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(limit, AcquisitionStability.MinDeviationPercent, 50);
        Assert.True(f.Value > limit);
        Assert.NotEmpty(r.UnstableIntervals);
        Assert.All(r.UnstableIntervals, i => Assert.True(i.RateDeviationPercent < -20 && i.StartTime >= slowStart - slack && i.EndTime <= slowEnd + slack));

        // The drop holds ~10 % of events: counts without it are ~90 % of the full counts, and the percentages barely move.
        var full = r["Lymphocytes"].Events;
        var stable = r.PopulationsExcludingUnstable.Single(p => p.Name == "Lymphocytes").Events;
        Assert.InRange((double)stable / full, 0.86, 0.92);
        Assert.Contains($"Lymphocytes {full}→{stable}", f.Reason, StringComparison.Ordinal);
        var t = r.PopulationsExcludingUnstable.Single(p => p.Name == "T");
        Assert.InRange(t.PercentOfLymphocytes - r["T"].PercentOfLymphocytes, -1, 1);
        Assert.InRange(t.CellsPerUl / r["T"].CellsPerUl, 0.97, 1.03);
    }

    [Fact]
    public void A_clog_that_stops_the_flow_is_flagged_as_an_empty_interval()
    {
        var events = Normal.Value.Events.Clone();
        var time = events.Column("Time");
        var gap = (time[^1] - time[0]) / 10;
        for (var i = time.Length / 2; i < time.Length; i++)
        {
            time[i] += gap;
        }

        var r = Analyze(events);
        var f = Assert.Single(r.Flags, x => x.Check == QcCheck.AcquisitionUnstable);
        Assert.Equal(100, f.Value!.Value, 9);
        Assert.Contains(r.UnstableIntervals, i => i.Events == 0 && i.RateDeviationPercent == -100);
    }

    [Fact]
    public void Stability_is_quiet_on_steady_arrivals_and_needs_enough_events()
    {
        // Poisson arrivals (exponential gaps, fixed seed) at a constant rate: no interval is unstable, whatever the length.
        var rng = new Random(3);
        foreach (var n in (int[])[4_000, 20_000, 100_000, 400_000])
        {
            var t = new float[n];
            var now = 0.0;
            for (var i = 0; i < n; i++)
            {
                now += -Math.Log(1 - rng.NextDouble());
                t[i] = (float)now;
            }

            var a = AcquisitionStability.Assess(t);
            Assert.NotNull(a);
            Assert.Empty(a.Intervals);
            Assert.Equal(0, a.Unstable.Count);
        }

        Assert.Null(AcquisitionStability.Assess(new float[3_999]));
        Assert.Null(AcquisitionStability.Assess(new float[10_000])); // Time never advances
    }

    [Fact]
    public void Bead_aggregates_above_the_limit_are_flagged()
    {
        var normal = NormalResult.Value;
        var events = Normal.Value.Events.Clone();
        var beads = normal.Gating["Beads"].Members.ToIndices();
        var notBeads = normal.Gating["Beads"].Members.Not().ToIndices();

        // 20 % of the bead count become bead doublets: twice a single bead's scatter and fluorescence.
        var doublets = beads.Length / 5;
        var step = notBeads.Length / doublets;
        for (var k = 0; k < doublets; k++)
        {
            int target = notBeads[k * step], bead = beads[k];
            for (var c = 0; c < events.ChannelCount; c++)
            {
                if (events.ChannelNames[c] != "Time")
                {
                    events.Column(c)[target] = 2 * events.Column(c)[bead];
                }
            }
        }

        var r = Analyze(events);
        var f = Assert.Single(r.Flags, x => x.Check == QcCheck.BeadDoublets);
        Assert.InRange(f.Value!.Value, 20, 30);
        Assert.Equal("≤ 10 % of single beads", f.Threshold);
    }

    [Fact]
    public void Lymph_gate_purity_and_recovery_are_high_for_the_placed_gate_and_fall_for_a_slipped_one()
    {
        var r = NormalResult.Value;
        var cd45 = r.Gating.Values(((RectangleGate)r.Strategy.GateOf("Leukocytes")).Ranges[0].Dimension).ToArray();
        var ssc = r.Gating.Events.Column("SSC-A").ToArray();
        var leuk = r.Gating["Leukocytes"].Members;
        var lymph = r.Gating["Lymphocytes"].Members;
        var m = LymphGateQc.Measure(cd45, ssc, leuk, lymph)!.Value;
        Assert.InRange(m.Purity, TbnkQc.MinLymphGatePurity, 100);
        Assert.InRange(m.Recovery, TbnkQc.MinLymphGateRecovery, 100);
        Assert.InRange(m.Monocytes, 0, TbnkQc.MaxMonocyteContamination);

        // Too tight: the SSC cut at the lymphocytes' median keeps about half of the cluster.
        var lymphSsc = lymph.ToIndices().Select(i => ssc[i]).Order().ToList();
        var median = lymphSsc[lymphSsc.Count / 2];
        var tight = EventBitset.FromFlags([.. Enumerable.Range(0, ssc.Length).Select(i => lymph[i] && ssc[i] < median)]);
        var f = Assert.Single(LymphGateQc.Flags(cd45, ssc, leuk, tight));
        Assert.Equal(QcCheck.LymphGateRecovery, f.Check);
        Assert.InRange(f.Value!.Value, 40, 60);
        Assert.Equal("≥ 95 %", f.Threshold);

        // Too loose: the SSC cut at three times the gate's takes monocytes in.
        var cut = ((RectangleGate)r.Strategy.GateOf("Lymphocytes")).Ranges[0].Max!.Value;
        var loose = EventBitset.FromFlags([.. Enumerable.Range(0, ssc.Length).Select(i => leuk[i] && ssc[i] < 3 * cut)]);
        var flags = LymphGateQc.Flags(cd45, ssc, leuk, loose).ToList();
        var purity = Assert.Single(flags, x => x.Check == QcCheck.LymphGatePurity);
        Assert.True(purity.Value < TbnkQc.MinLymphGatePurity);
        var mono = Assert.Single(flags, x => x.Check == QcCheck.MonocyteContamination);
        Assert.True(mono.Value > TbnkQc.MaxMonocyteContamination);
        Assert.Equal("≤ 3 %", mono.Threshold);
    }
}
