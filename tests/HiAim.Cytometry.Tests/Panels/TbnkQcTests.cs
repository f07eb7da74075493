using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Panels;

public sealed class TbnkQcTests
{
    private static Dictionary<string, int> Good() => new()
    {
        ["Beads"] = 5_000, ["Lymphocytes"] = 6_000, ["T"] = 4_500, ["CD4"] = 2_700, ["CD8"] = 1_500, ["T_DP"] = 100, ["T_DN"] = 200, ["B"] = 700, ["NK"] = 800,
    };

    private static IReadOnlyList<QcFlag> Check(Dictionary<string, int> events, bool time = true, bool spill = true) =>
        TbnkQc.Evaluate(events, usesBeads: true, timeMonotonic: time, spilloverPresent: spill);

    [Fact]
    public void A_good_sample_has_no_flags() => Assert.Empty(Check(Good()));

    [Theory]
    [InlineData(5_600, false)] // 6,000 / 5,600 = 107 %
    [InlineData(6_400, false)] // 93.75 %
    [InlineData(5_715, true)] // 104.99 %
    [InlineData(6_300, true)] // 95.2 %
    public void Lymphosum_outside_95_to_105_percent_is_flagged(int lymphocytes, bool passes)
    {
        var e = Good();
        e["Lymphocytes"] = lymphocytes;
        var flags = Check(e);
        Assert.Equal(passes, !flags.Any(f => f.Check == QcCheck.Lymphosum));
        if (!passes)
        {
            Assert.Contains("lymphosum", flags.Single(f => f.Check == QcCheck.Lymphosum).Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void T_subset_sum_off_by_more_than_5_percent_is_flagged()
    {
        var e = Good();
        e["CD4"] -= 300; // 4,200 vs 4,500: 6.7 % off
        var f = Assert.Single(Check(e), x => x.Check == QcCheck.TSubsetSum);
        Assert.Contains("4500", f.Reason, StringComparison.Ordinal);
        e["CD4"] += 100; // 4,300: 4.4 %
        Assert.DoesNotContain(Check(e), x => x.Check == QcCheck.TSubsetSum);
    }

    [Fact]
    public void Too_few_beads_or_lymphocytes_are_flagged()
    {
        var e = Good();
        e["Beads"] = 999;
        Assert.Contains(Check(e), x => x.Check == QcCheck.BeadEvents && x.Reason.Contains("999", StringComparison.Ordinal));
        e = Good();
        e["Lymphocytes"] = 2_499;
        e["T"] = 1_900;
        e["CD4"] = 1_200;
        e["CD8"] = 400;
        e["B"] = 300;
        e["NK"] = 299;
        var flags = Check(e);
        Assert.Contains(flags, x => x.Check == QcCheck.LymphocyteEvents);
        Assert.DoesNotContain(flags, x => x.Check == QcCheck.Lymphosum);
        Assert.Empty(TbnkQc.Evaluate(Good(), usesBeads: false, timeMonotonic: true, spilloverPresent: true));
    }

    [Fact]
    public void Time_and_spillover_flags()
    {
        Assert.Contains(Check(Good(), time: false), x => x.Check == QcCheck.TimeOrder);
        Assert.Contains(Check(Good(), spill: false), x => x.Check == QcCheck.MissingSpillover);
    }

    private static TbnkSimulatedFile Sim(int events)
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = events, Seed = 5 });
        return sim.Simulate(sim.Samples[0]);
    }

    [Fact]
    public void A_file_with_shuffled_time_is_flagged()
    {
        var f = Sim(30_000);
        var events = f.Events.Clone();
        var time = events.Column("Time");
        (time[100], time[200]) = (time[200], time[100]);
        var r = TbnkPanel.Default.Analyze(FcsFile.Read(FcsWriter.ToArray(events, f.Keywords)));
        Assert.Equal(QcCheck.TimeOrder, Assert.Single(r.Flags).Check);
    }

    [Fact]
    public void A_file_without_spillover_is_gated_uncompensated_and_flagged()
    {
        var f = Sim(30_000);
        var r = TbnkPanel.Default.Analyze(FcsFile.Read(FcsWriter.ToArray(f.Events, f.Keywords.Where(k => k.Key != "$SPILLOVER"))));
        Assert.Contains(r.Flags, x => x.Check == QcCheck.MissingSpillover);
        Assert.DoesNotContain("FCS", HiAim.Cytometry.Gating.GatingML.ToXml(r.Strategy), StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_acquisition_trips_the_event_count_flags()
    {
        var r = TbnkPanel.Default.Analyze(FcsFile.Read(Sim(8_000).ToArray()));
        Assert.Contains(r.Flags, x => x.Check == QcCheck.BeadEvents);
        Assert.Contains(r.Flags, x => x.Check == QcCheck.LymphocyteEvents);
    }
}
