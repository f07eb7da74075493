using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Gating.Kernels;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>
/// Gate kernels on 1,000,000 events, each category's scalar twin as its baseline. Times are per
/// event (OperationsPerInvoke = 1,000,000), so Mean is ns/event and Ratio is SIMD / scalar.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GatingKernelBenchmarks
{
    private const int N = 1_000_000;
    private float[] _x = [];
    private float[] _y = [];
    private PolygonEdges _poly8 = null!;
    private PolygonEdges _poly32 = null!;
    private float[] _lo = [];
    private float[] _hi = [];
    private float[] _mean = [];
    private float[] _q = [];
    private ulong[] _words = [];
    private ulong[] _a = [];
    private ulong[] _b = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _x = new float[N];
        _y = new float[N];
        for (var i = 0; i < N; i++)
        {
            _x[i] = (float)(rng.NextDouble() * 1000);
            _y[i] = (float)(rng.NextDouble() * 1000);
        }

        _poly8 = Star(8);
        _poly32 = Star(32);
        _lo = [200, 300];
        _hi = [700, 800];
        _mean = [500, 500];
        _q = [1f / 40_000, 1f / 80_000, 1f / 80_000, 1f / 20_000];
        _words = new ulong[EventBitset.WordCount(N)];
        _a = new ulong[_words.Length];
        _b = new ulong[_words.Length];
        GateKernels.Rectangle.Best.Run([_x, _y], _lo, _hi, _a, N);
        GateKernels.Polygon.Best.Run(_x, _y, _poly8, _b, N);
    }

    /// <summary>A non-convex star polygon with <paramref name="n"/> vertices around (500, 500).</summary>
    private static PolygonEdges Star(int n)
    {
        var xs = new float[n];
        var ys = new float[n];
        for (var i = 0; i < n; i++)
        {
            var r = i % 2 == 0 ? 450.0 : 250.0;
            var angle = 2 * Math.PI * i / n;
            xs[i] = (float)(500 + (r * Math.Cos(angle)));
            ys[i] = (float)(500 + (r * Math.Sin(angle)));
        }

        return new PolygonEdges(xs, ys);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Polygon8")]
    public void Polygon8Scalar() => PolygonScalar.Run(_x, _y, _poly8, _words, N);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Polygon8")]
    public void Polygon8Simd() => GateKernels.Polygon.Best.Run(_x, _y, _poly8, _words, N);

    /// <summary>The AVX2 kernel with the cross-lane (8-slab) lookup where the in-lane (4-slab) one applies.</summary>
    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Polygon8")]
    public void Polygon8SimdSlabs() => PolygonV256.RunSlabs(_x, _y, _poly8, _words, N);

    /// <summary>The AVX2 kernel without the per-lane slab lookup (every edge for every event), as before it.</summary>
    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Polygon8")]
    public void Polygon8SimdEdges() => PolygonV256.RunEdges(_x, _y, _poly8, _words, N);

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Polygon32")]
    public void Polygon32Scalar() => PolygonScalar.Run(_x, _y, _poly32, _words, N);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Polygon32")]
    public void Polygon32Simd() => GateKernels.Polygon.Best.Run(_x, _y, _poly32, _words, N);

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Rectangle2D")]
    public void Rectangle2DScalar() => RectangleScalar.Run([_x, _y], _lo, _hi, _words, N);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Rectangle2D")]
    public void Rectangle2DSimd() => GateKernels.Rectangle.Best.Run([_x, _y], _lo, _hi, _words, N);

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Ellipse2D")]
    public void Ellipse2DScalar() => EllipsoidScalar.Run([_x, _y], _mean, _q, 1, _words, N);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Ellipse2D")]
    public void Ellipse2DSimd() => GateKernels.Ellipsoid.Best.Run([_x, _y], _mean, _q, 1, _words, N);

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("And")]
    public void AndScalar() => BitsetScalar.And(_a, _b, _words);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("And")]
    public void AndSimd() => BitsetOps.And(_a, _b, _words);
}

/// <summary>
/// The Gating-ML compliance strategy gml_all_gates.xml (49 populations) on data1.fcs, end to end:
/// parse the XML, read the file, gate; as a ratio to reading the file alone.
/// </summary>
[MemoryDiagnoser]
public class GatingEndToEndBenchmarks
{
    private string _fcs = "";
    private string _xml = "";
    private GatingStrategy _strategy = null!;
    private FcsFile _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fcsDir = SharedCorpus.FcsDirectory() ?? throw new InvalidOperationException("../shared not found beside the repository (or set HIAIM_SHARED).");
        var dir = Path.Combine(fcsDir, "..", "gatingml2");
        _fcs = Path.Combine(dir, "data1.fcs");
        _xml = Path.Combine(dir, "gml", "gml_all_gates.xml");
        _strategy = GatingML.Load(_xml);
        _file = FcsFile.Read(_fcs);
    }

    [Benchmark(Baseline = true)]
    public int ReadFile() => FcsFile.Read(_fcs).EventCount;

    [Benchmark]
    public int ParseReadAndGate() => GatingML.Load(_xml).Apply(FcsFile.Read(_fcs)).Populations.Count;

    [Benchmark]
    public int GateOnly() => _strategy.Apply(_file).Populations.Count;

    [Benchmark]
    public int ParseXmlOnly() => GatingML.Load(_xml).Gates.Count;
}
