using BenchmarkDotNet.Attributes;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>
/// Transforms over 1,000,000 events × 20 channels of float32 (20 M values, one column per channel, as
/// in <c>EventMatrix</c>), out of place. OperationsPerInvoke = 20 M, so the Mean column is ns per value.
/// Baseline: a scalar <see cref="MathF.Asinh(float)"/> loop computing the same Gating-ML fasinh.
/// </summary>
[MemoryDiagnoser]
public class TransformBenchmarks
{
    private const int Events = 1_000_000;
    private const int Channels = 20;
    private const int Values = Events * Channels;

    private readonly Arcsinh _asinh = new(262144, 4.5, 0);
    private readonly Logicle _logicle = new(262144, 0.5, 4.5, 0);
    private readonly Hyperlog _hyperlog = new(262144, 0.5, 4.5, 0);
    private float[][] _data = [];
    private float[][] _scale = [];
    private float[][] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        // Cytometry-like data: 70 % log-uniform 1…262144, 30 % near zero (±300), fixed seed.
        var random = new Random(42);
        _data = new float[Channels][];
        _scale = new float[Channels][];
        _output = new float[Channels][];
        for (var c = 0; c < Channels; c++)
        {
            var column = _data[c] = new float[Events];
            for (var i = 0; i < Events; i++)
            {
                column[i] = random.NextDouble() < 0.7
                    ? (float)Math.Pow(262144, random.NextDouble())
                    : (float)((random.NextDouble() - 0.5) * 600);
            }

            _scale[c] = new float[Events];
            _logicle.Apply(column, _scale[c]);
            _output[c] = new float[Events];
        }
    }

    /// <summary>Scalar loop: (asinh(x·k)·gain + offset) with <see cref="MathF.Asinh(float)"/>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Values)]
    public void AsinhMathFLoop()
    {
        var k = (float)(Math.Sinh(4.5 * Math.Log(10)) / 262144);
        var gain = (float)(1 / (4.5 * Math.Log(10)));
        for (var c = 0; c < Channels; c++)
        {
            var x = _data[c];
            var y = _output[c];
            for (var i = 0; i < x.Length; i++)
            {
                y[i] = MathF.Asinh(x[i] * k) * gain;
            }
        }
    }

    /// <summary><see cref="Arcsinh"/> span API (fused single-pass SIMD kernel).</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void ArcsinhForward()
    {
        for (var c = 0; c < Channels; c++)
        {
            _asinh.Apply(_data[c], _output[c]);
        }
    }

    /// <summary><see cref="Logicle"/> span API forward (vectorized Halley).</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void LogicleForward()
    {
        for (var c = 0; c < Channels; c++)
        {
            _logicle.Apply(_data[c], _output[c]);
        }
    }

    /// <summary><see cref="Hyperlog"/> span API forward (vectorized Halley).</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void HyperlogForward()
    {
        for (var c = 0; c < Channels; c++)
        {
            _hyperlog.Apply(_data[c], _output[c]);
        }
    }

    /// <summary><see cref="Logicle"/> span API inverse (vectorized, double inside).</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void LogicleInverse()
    {
        for (var c = 0; c < Channels; c++)
        {
            _logicle.Inverse(_scale[c], _output[c]);
        }
    }

    /// <summary>Copying the same floats: the memory floor.</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void CopyFloor()
    {
        for (var c = 0; c < Channels; c++)
        {
            _data[c].AsSpan().CopyTo(_output[c]);
        }
    }
}
