using BenchmarkDotNet.Attributes;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>
/// Compensation of 1,000,000 events × P detectors (float32, one column per channel), in place, against
/// the copy floor of the same bytes (P columns copied into P others) and the scalar twin. P = 6 is a TBNK tube
/// (the single-pass kernel for up to 8 detectors), P = 20 a large panel (the general blocks).
/// OperationsPerInvoke = 1 M, so Mean is ns per event; divide by P for ns per value.
/// </summary>
[MemoryDiagnoser]
public class CompensationBenchmarks
{
    private const int Events = 1_000_000;
    private EventMatrix _events = null!;

    /// <summary>Detectors (P).</summary>
    [Params(6, 20)]
    public int Channels { get; set; }

    private float[][] _copy = [];
    private Spillover _spillover = null!;
    private int[] _columns = [];
    private double[] _inverse = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var names = Enumerable.Range(1, Channels).Select(i => $"FL{i}-A").ToArray();
        var s = new double[Channels, Channels];
        for (var i = 0; i < Channels; i++)
        {
            for (var j = 0; j < Channels; j++)
            {
                s[i, j] = i == j ? 1 : random.NextDouble() * 0.02;
            }
        }

        _spillover = new Spillover(names, s);
        _events = new EventMatrix(Events, names);
        _copy = new float[Channels][];
        for (var c = 0; c < Channels; c++)
        {
            var col = _events.Column(c);
            for (var e = 0; e < Events; e++)
            {
                col[e] = (float)(random.NextDouble() * 10_000);
            }

            _copy[c] = new float[Events];
        }

        _columns = _spillover.ColumnsIn(_events);
        _inverse = _spillover.InverseRowMajor();
    }

    /// <summary>Copy floor: the same 4·P MB read and written.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void CopyFloor()
    {
        for (var c = 0; c < Channels; c++)
        {
            _events.Column(c).CopyTo(_copy[c]);
        }
    }

    /// <summary>The public API: best kernel for this CPU, in place.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void CompensateInPlace() => _events.CompensateInPlace(_spillover);

    /// <summary>The scalar twin (the specification), in place.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public unsafe void CompensateScalarTwin() => CompensationExtensions.Apply(_events, _columns, _inverse, CompensateScalar.Run);
}
