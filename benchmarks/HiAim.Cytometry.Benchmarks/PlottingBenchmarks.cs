using BenchmarkDotNet.Attributes;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Plotting;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>
/// A density plot of all 1,000,000 events of a simulated TBNK file (FSC-A vs FSC-H with the singlet gate): the
/// binning alone, and binning + rendering + PNG encoding. Baseline: one pass reading both columns (the memory floor).
/// </summary>
[MemoryDiagnoser]
public class DensityPlotBenchmarks
{
    private TbnkResult _result = null!;
    private Dimension _x = null!;
    private Dimension _y = null!;
    private float[] _xs = [];
    private float[] _ys = [];

    [GlobalSetup]
    public void Setup()
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, Timepoints = ["pre"], EventsPerFile = 1_000_000, Seed = 9 });
        _result = TbnkPanel.Default.Analyze(FcsFile.Read(sim.Simulate(sim.Samples[0]).ToArray()));
        var singlets = _result.Strategy.GateOf("Singlets");
        (_x, _y) = (singlets.Dimensions[0], singlets.Dimensions[1]);
        _xs = _result.Gating.Values(_x).ToArray();
        _ys = _result.Gating.Values(_y).ToArray();
    }

    [Benchmark(Baseline = true)]
    public double ReadBothColumns()
    {
        double sum = 0;
        for (var i = 0; i < _xs.Length; i++)
        {
            sum += _xs[i] + _ys[i];
        }

        return sum;
    }

    [Benchmark]
    public int Bin256x256() => new DensityPlot(_result.Gating, _x, _y).Counts()[0];

    [Benchmark]
    public int DensityPng()
    {
        var plot = new DensityPlot(_result.Gating, _x, _y);
        plot.Gates.Add(_result.Strategy.GateOf("Singlets"));
        return plot.ToPng().Length;
    }
}

/// <summary>
/// The HTML report of a 36-sample cohort (12 patients × 3 timepoints, 50,000 events each, analysed in setup): a
/// TBNK gating panel per sample rendered to PNG on every core, the cohort plot and index.html. Baseline: one panel.
/// </summary>
public class ReportBenchmarks
{
    private readonly List<TbnkResult> _results = [];
    private readonly List<TbnkSample> _samples = [];
    private string _dir = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 12, EventsPerFile = 50_000, Seed = 3 });
        foreach (var s in sim.Samples)
        {
            _results.Add(TbnkPanel.Default.Analyze(FcsFile.Read(sim.Simulate(s).ToArray())));
            _samples.Add(s);
        }

        _dir = Path.Combine(Path.GetTempPath(), $"hiaim-report-bench-{Environment.ProcessId}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Benchmark(Baseline = true)]
    public int OnePanelPng() => GatingPanel.For(_results[0]).ToPng().Length;

    [Benchmark]
    public string Report36()
    {
        var samples = _results.Select(r => new ReportSample(r.Sample, [.. r.Populations.Select(p => p.CellsPerUl.ToString("0", System.Globalization.CultureInfo.InvariantCulture))])
        {
            Flags = [.. r.Flags.Select(f => $"{f.Check}: {f.Reason}")],
            Panel = () => GatingPanel.For(r),
        }).ToList();
        var points = _results.Select((r, i) => new CohortPoint(_samples[i].PatientId, TbnkTruth.ArmName(_samples[i].Arm), _samples[i].Timepoint, r["NK"].CellsPerUl));
        var model = new CohortReportModel("36-sample TBNK cohort", [.. _results[0].Populations.Select(p => p.Name + " cells/µL")], samples)
        {
            CohortPlots = [new CohortPlot("NK", points, ["pre", "mid", "post"])],
        };
        return CohortReport.Write(_dir, model);
    }
}
