using static HiAim.Cytometry.Tests.CliRunner;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;
using HiAim.Cytometry.Tests.Gating;

namespace HiAim.Cytometry.Tests.Golden;

/// <summary>
/// <c>hiaim gate</c> and <c>hiaim count</c> outputs compared byte for byte with outputs recorded before the column store,
/// batch API and kernel-registry refactors (issue 13): a refactor that changes one count, one percentage's last digit
/// or one CSV quote fails here. The golden files live in this folder; paths in them are written as <c>{dir}</c>.
/// To record new ones deliberately (an intended output change), run the tests with <c>HIAIM_UPDATE_GOLDEN=1</c> and
/// review the diff.
/// </summary>
public sealed class CliGoldenOutputTests
{
    private static readonly Lazy<(string Directory, string Strategy)> Cohort = new(() =>
    {
        // 2 patients × 3 draws × 20,000 events, fixed seed: the same bytes on every machine.
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-golden-{Guid.NewGuid():N}");
        new TbnkSimulator(new TbnkSimulationOptions { Patients = 2, EventsPerFile = 20_000, Seed = 77 }).WriteCohort(Path.Combine(dir, "fcs"));
        // A strategy placed by the TBNK template on one tube, saved as Gating-ML, then applied to all six by hiaim gate.
        var placed = TbnkPanel.Default.Analyze(FcsFile.Read(Path.Combine(dir, "fcs", "P001_pre.fcs")));
        var strategy = Path.Combine(dir, "tbnk.xml");
        GatingML.Save(placed.Strategy, strategy);
        return (dir, strategy);
    });

    [Theory]
    [InlineData("--csv", "gate-simulated.csv")]
    [InlineData("--json", "gate-simulated.json")]
    public void Gate_on_simulated_tubes_is_unchanged(string format, string golden)
    {
        var (dir, strategy) = Cohort.Value;
        var files = Directory.GetFiles(Path.Combine(dir, "fcs"), "*.fcs").Order(StringComparer.Ordinal);
        var (code, output, err) = Hiaim(["gate", .. files, "--strategy", strategy, format]);
        Assert.True(code == 0, err);
        Compare(golden, output.Replace(dir, "{dir}", StringComparison.Ordinal));
    }

    [Fact]
    public void Count_on_simulated_tubes_is_unchanged()
    {
        var (dir, _) = Cohort.Value;
        var output = Path.Combine(dir, $"count-{Guid.NewGuid():N}");
        var (code, _, err) = Hiaim("count", Path.Combine(dir, "fcs"), "--out", output, "--threads", "2");
        Assert.True(code == 0, err);
        Compare("count-counts.csv", File.ReadAllText(Path.Combine(output, "counts.csv")));
        Compare("count-qc.csv", File.ReadAllText(Path.Combine(output, "qc.csv")));
    }

    [Fact]
    public void Gate_on_the_compliance_suite_is_unchanged()
    {
        var root = GatingMLComplianceTests.Root();
        var data1 = Path.Combine(root, "data1.fcs");
        var all = new System.Text.StringBuilder();
        foreach (var document in Directory.GetFiles(Path.Combine(root, "gml"), "*.xml").Order(StringComparer.Ordinal))
        {
            var (code, output, err) = Hiaim("gate", data1, "--strategy", document, "--csv");
            all.Append("# ").Append(Path.GetFileName(document)).Append(" exit ").Append(code).Append('\n');
            all.Append(output.Replace(root, "{dir}", StringComparison.Ordinal));
            all.Append(err.Replace(root, "{dir}", StringComparison.Ordinal));
        }

        Compare("gate-compliance.csv", all.ToString());
    }

    private static void Compare(string golden, string actual)
    {
        var path = Path.Combine(SharedData.RepositoryRoot() ?? throw new InvalidOperationException("no repository root"), "tests", "HiAim.Cytometry.Tests", "Golden", golden);
        if (Environment.GetEnvironmentVariable("HIAIM_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing (record it with HIAIM_UPDATE_GOLDEN=1)");
        var expected = File.ReadAllText(path);
        if (expected == actual)
        {
            return;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        Assert.Fail($"{golden} differs from the recorded output at line {line + 1}:\n  recorded: {(line < e.Length ? e[line] : "(end)")}\n  now:      {(line < a.Length ? a[line] : "(end)")}");
    }
}
