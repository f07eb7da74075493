using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Statistics;
using HiAim.Cytometry.Tests.Cohort;

namespace HiAim.Cytometry.Tests.Batch;

/// <summary>Members made public or read-only by issue 13: stage timing as an option, read-only population members,
/// and the statistics helpers other packages use.</summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void Stage_timings_given_in_the_options_collect_compensation_and_transform_time()
    {
        var file = CohortFixture.Files(CohortFixture.Small)[0];
        var timings = new StageTimings();
        TbnkPanel.Default.Analyze(FcsFile.Read(file), new PanelRunOptions { Timings = timings });
        Assert.True(timings.Compensate > TimeSpan.Zero, "a simulated tube has a spillover: compensation was timed");
        Assert.True(timings.Transform > TimeSpan.Zero, "markers are scaled: transforms were timed");

        var total = new StageTimings();
        total.Add(timings);
        total.Add(timings);
        Assert.InRange(total.Compensate.Ticks, (timings.Compensate.Ticks * 2) - 1, (timings.Compensate.Ticks * 2) + 1); // rounding of two conversions
    }

    [Fact]
    public void A_population_result_refuses_changes_to_its_members()
    {
        var file = CohortFixture.Files(CohortFixture.Small)[0];
        var result = TbnkPanel.Default.Analyze(FcsFile.Read(file)).Gating["NK"];
        Assert.True(result.Members.IsReadOnly);
        var member = result.Members.ToIndices()[0];
        Assert.Throws<InvalidOperationException>(() => result.Members[member] = false);
        Assert.True(result.Members[member]);

        var copy = result.Members.And(EventBitset.All(result.Members.EventCount)); // a copy may be changed
        Assert.False(copy.IsReadOnly);
        copy[member] = false;
        Assert.False(copy[member]);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 10.0)]
    [InlineData(0.5, 3.0)]
    [InlineData(0.375, 2.5)] // position 1.5: halfway between 2 and 3 (numpy's default, R type 7)
    [InlineData(0.625, 4.0)] // position 2.5: halfway between 3 and 5
    public void Percentile_interpolates_between_order_statistics(double p, double expected) =>
        Assert.Equal(expected, PopulationStatistics.Percentile([1, 2, 3, 5, 10], p), 12);

    [Fact]
    public void Percentile_refuses_an_empty_list_and_a_probability_outside_0_1()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PopulationStatistics.Percentile([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PopulationStatistics.Percentile([1.0], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PopulationStatistics.Percentile([1.0], double.NaN));
    }

    [Theory]
    [InlineData("FSC-A", "FSCA")]
    [InlineData("cd16+56 pe", "CD1656PE")]
    [InlineData("SSC_A", "SSCA")]
    public void Squeeze_keeps_letters_and_digits_upper_case(string name, string squeezed) =>
        Assert.Equal(squeezed, MarkerMatching.Squeeze(name));
}
