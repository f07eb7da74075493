using BenchmarkDotNet.Attributes;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>
/// Each transform kernel's Vector256 and Vector512 variants against its scalar twin, in the same run (ratio =
/// variant / scalar; Vector512 runs in software where the CPU lacks AVX-512), on
/// 65,536 values (in L2, so the ratio is the kernel's, not memory's). Written to compare the width-renamed
/// V256/V512 copies with the generic single body that replaced them: run before and after the change.
/// OperationsPerInvoke = 65,536, so Mean is ns per value.
/// </summary>
public class TransformKernelBenchmarks
{
    private const int N = 65_536;
    private float[] _input = [];
    private float[] _output = [];
    private Action _scalar = null!;
    private Action _v256 = null!;
    private Action _v512 = null!;

    /// <summary>Transform and direction, e.g. <c>Logicle.Forward</c>.</summary>
    [Params("Linear.Forward", "Arcsinh.Forward", "Arcsinh.Inverse", "Logicle.Forward", "Logicle.Inverse", "Hyperlog.Forward", "Hyperlog.Inverse")]
    public string Kernel { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var name = Kernel.Split('.');
        Transform transform = name[0] switch
        {
            "Linear" => new LinearTransform(262144),
            "Arcsinh" => new Arcsinh(262144, 4.5),
            "Logicle" => new Logicle(262144, 0.5, 4.5),
            _ => new Hyperlog(262144, 0.5, 4.5),
        };

        // Cytometry-like data as in TransformBenchmarks: 70 % log-uniform 1…262144, 30 % near zero (±300).
        var random = new Random(42);
        var data = new float[N];
        for (var i = 0; i < N; i++)
        {
            data[i] = random.NextDouble() < 0.7 ? (float)Math.Pow(262144, random.NextDouble()) : (float)((random.NextDouble() - 0.5) * 600);
        }

        _output = new float[N];
        var inverse = name[1] == "Inverse";
        if (inverse)
        {
            transform.Apply(data, _output);
            _input = [.. _output];
        }
        else
        {
            _input = data;
        }

        var variants = (inverse ? transform.InverseKernels : transform.ForwardKernels).All;
        var scalar = variants.First(v => v.Name.EndsWith(".Scalar", StringComparison.Ordinal));
        var v256 = variants.First(v => v.Name.EndsWith(".V256", StringComparison.Ordinal));
        _scalar = () => scalar.Run(_input, _output);
        var v512 = variants.First(v => v.Name.EndsWith(".V512", StringComparison.Ordinal));
        _v256 = () => v256.Run(_input, _output);
        _v512 = () => v512.Run(_input, _output);
    }

    /// <summary>The scalar twin (the specification).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public void Scalar() => _scalar();

    /// <summary>The Vector256 variant (what an AVX2 machine uses).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public void V256() => _v256();

    /// <summary>The Vector512 variant (what an AVX-512 machine uses).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public void V512() => _v512();
}
