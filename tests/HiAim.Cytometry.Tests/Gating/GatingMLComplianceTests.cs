using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Tests.Gating;

/// <summary>
/// The ISAC Gating-ML 2.0 compliance set (../shared/data/gatingml2): every gate with a truth file
/// must match it event for event on data1.fcs, read directly and after a write/re-read round trip.
/// </summary>
public sealed class GatingMLComplianceTests
{
    private static readonly Lazy<FcsFile> Data1 = new(() => FcsFile.Read(Path.Combine(Root(), "data1.fcs")));

    public static string Root() => Path.Combine(SharedData.RequirePath(), "data", "gatingml2");

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        var dir = SharedData.Path is { } p ? Path.Combine(p, "data", "gatingml2", "gml") : null;
        if (dir is null || !Directory.Exists(dir))
        {
            data.Add("(shared data missing)");
            return data;
        }

        foreach (var f in Directory.GetFiles(dir, "*.xml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    internal static bool[] Truth(string id) =>
        [.. File.ReadLines(Path.Combine(Root(), "truth", $"Results_{id}.txt")).Where(l => l.Length > 0).Select(l => l.Trim() == "1")];

    internal static bool HasTruth(string id) => File.Exists(Path.Combine(Root(), "truth", $"Results_{id}.txt"));

    /// <summary>Population ids of the document that have a truth file, each checked event for event.</summary>
    internal static List<string> Check(GatingStrategy strategy, string label)
    {
        var result = strategy.Apply(Data1.Value);
        var matched = new List<string>();
        foreach (var population in result.Populations)
        {
            // The README's table: the child of quadrant FL2P-FL4P is stored as Results_ParQuadRect.
            var truthId = population.Id == "ParRectangle1" ? "ParQuadRect" : population.Id;
            if (!HasTruth(truthId))
            {
                continue;
            }

            var truth = Truth(truthId);
            Assert.Equal(truth.Length, population.Members.EventCount);
            var flags = population.Members.ToFlags();
            var wrong = Enumerable.Range(0, truth.Length).Where(i => truth[i] != flags[i]).ToList();
            Assert.True(wrong.Count == 0, $"{label}: population {population.Id} differs from its truth at {wrong.Count} events (first: {string.Join(", ", wrong.Take(10))}); count {population.Count}, truth {truth.Count(t => t)}.");
            matched.Add(truthId);
        }

        return matched;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_truth_in_the_document_matches_event_for_event(string document)
    {
        var path = Path.Combine(Root(), "gml", document);
        var strategy = GatingML.Load(path);
        var matched = Check(strategy, document);
        if (document is not ("gml_ellipse2_gate.xml" or "gml_range_gate_attr_testing.xml"))
        {
            Assert.NotEmpty(matched);
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Written_and_reread_document_gives_identical_results(string document)
    {
        var path = Path.Combine(Root(), "gml", document);
        var original = GatingML.Load(path);
        var xml = GatingML.ToXml(original);
        var reread = GatingML.Parse(xml);
        Assert.Equal(original.PopulationIds, reread.PopulationIds);
        Check(reread, document + " (re-read)");
        var a = original.Apply(Data1.Value);
        var b = reread.Apply(Data1.Value);
        foreach (var p in a.Populations)
        {
            Assert.Equal(p.Members, b[p.Id].Members);
        }

        Assert.Equal(xml, GatingML.ToXml(reread));
    }

    [Fact]
    public void All_51_truth_files_are_reproduced()
    {
        var root = Root();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "gml"), "*.xml"))
        {
            matched.UnionWith(Check(GatingML.Load(file), Path.GetFileName(file)));
        }

        var truths = Directory.GetFiles(Path.Combine(root, "truth"), "Results_*.txt")
            .Select(f => Path.GetFileNameWithoutExtension(f)["Results_".Length..]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(51, truths.Count);
        Assert.Empty(truths.Except(matched));
    }

    [Fact]
    public void Quadrant_percentages_of_a_full_divider_set_sum_to_100()
    {
        var result = GatingML.Load(Path.Combine(Root(), "gml", "gml_quadrant1_gate.xml")).Apply(Data1.Value);
        var sum = result.Populations.Sum(p => p.PercentOfParent);
        Assert.Equal(100.0, sum, 9);
        Assert.Equal(result.EventCount, result.Populations.Sum(p => p.Count));
    }

    [Fact]
    public void Each_dimension_is_computed_once_per_sample()
    {
        var strategy = GatingML.Load(Path.Combine(Root(), "gml", "gml_all_gates.xml"));
        var distinct = strategy.Gates.SelectMany(g => g.Dimensions).Distinct().Count();
        var result = strategy.Apply(Data1.Value);
        Assert.Equal(distinct, result.DimensionsComputed);
    }
}
