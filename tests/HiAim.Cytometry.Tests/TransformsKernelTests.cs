using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HiAim.Cytometry.Transforms;
using HiAim.Cytometry.Kernels;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// Every kernel variant written (scalar, TensorPrimitives, Vector256, Vector512; an ISA the CPU lacks
/// runs emulated, so its code is still checked) against its scalar twin, over lengths 0..256, random data with NaN, ±∞, ±0, negative and huge
/// values, in place and out of place. The error metric is |v − twin| / max(|twin|, floor): relative
/// above the floor, absolute (scaled by the floor) below it.
/// </summary>
public class TransformsKernelTests
{
    /// <summary>A transform under test: its spec, typical data magnitude and error bounds.</summary>
    public sealed record TransformCase(string Spec, double DataScale, double ForwardFloor, double ForwardBound, double InverseFloor, double InverseBound, double ScaleLow = -0.5, double ScaleHigh = 1.5)
    {
        public override string ToString() => Spec;
    }

    // Bounds are what the kernels are held to; the measured maxima are printed by the tests.
    public static readonly TransformCase[] Cases =
    [
        new("asinh:T=262144,M=4.5,A=0", 262144, 1e-30, 1e-6, 1e-3, 2e-6),
        new("asinh:T=10000,M=4,A=1", 10000, 1, 1e-6, 1e-3, 2e-6),
        new("arcsinh:cofactor=150", 262144, 1e-30, 1e-6, 1e-3, 2e-6, -5, 9),
        new("arcsinh:cofactor=5", 262144, 1e-30, 1e-6, 1e-3, 2e-6, -5, 11),
        new("logicle:T=262144,W=0.5,M=4.5,A=0", 262144, 1, 1e-6, 1e-2, 2e-6),
        new("logicle:T=10000,W=1,M=4,A=0.5", 10000, 1, 1e-6, 1e-2, 2e-6),
        new("logicle:T=10000,W=0,M=4.5,A=0", 10000, 1, 1e-6, 1e-2, 2e-6),
        new("logicle:T=1000,W=1,M=4,A=-1", 1000, 1, 1e-6, 1e-2, 2e-6),
        new("logicle:T=262144,W=2,M=4.5,A=0.5", 262144, 1, 1e-6, 1e-2, 2e-6),
        new("hyperlog:T=262144,W=0.5,M=4.5,A=0", 262144, 1, 1e-6, 1e-2, 2e-6),
        new("hyperlog:T=10000,W=1,M=4.5,A=0", 10000, 1, 1e-6, 1e-2, 2e-6),
        new("hyperlog:T=1000,W=1,M=4,A=-1", 1000, 1, 1e-6, 1e-2, 2e-6),
        new("hyperlog:T=262144,W=2,M=5,A=1", 262144, 1, 1e-6, 1e-2, 2e-6),
        new("linear:T=262144,A=100", 262144, 1, 1e-6, 1, 1e-6),
        // Log inverses exponentiate a float argument: 1e-5 relative is the float input's own resolution (M·ln10·ulp(y)).
        new("log:T=262144,M=4.5", 262144, 1, 1e-6, 1e-30, 1e-5),
        new("flowjo-log:offset=0.5,decades=4.5", 262144, 1, 1e-6, 1e-30, 1e-5),
        new("biex:negative=0,width=-10", 262144, 1, 0, 1, 0, 0, 4096),
        new("biex:negative=1,width=-100", 262144, 1, 0, 1, 0, 0, 4096),
    ];

    public static TheoryData<TransformCase> AllCases()
    {
        var data = new TheoryData<TransformCase>();
        foreach (var c in Cases)
        {
            data.Add(c);
        }

        return data;
    }

    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, -float.MaxValue,
        float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 1e30f, -1e30f, 1e20f, -3e37f, 1f, -1f,
    ];

    /// <summary>Random data values: log-uniform magnitudes of either sign, near-zero, typical range, specials.</summary>
    internal static float[] DataValues(Random random, int length, double scale)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = random.Next(8) switch
            {
                0 => Specials[random.Next(Specials.Length)],
                1 or 2 => (float)((random.Next(2) == 0 ? -1 : 1) * Math.Pow(10, -6 + (13 * random.NextDouble()))),
                3 => (float)((random.NextDouble() - 0.5) * 2e-3 * scale),
                4 => (float)((random.NextDouble() - 0.5) * 200),
                _ => (float)((random.NextDouble() * 1.1 * scale) - (0.05 * scale)),
            };
        }

        return values;
    }

    /// <summary>Random scale values in [low, high] plus specials.</summary>
    internal static float[] ScaleValues(Random random, int length, double low, double high)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = random.Next(10) == 0
                ? Specials[random.Next(Specials.Length)]
                : (float)(low + ((high - low) * random.NextDouble()));
        }

        return values;
    }

    /// <summary>Scaled error of one value; +∞ when NaN/∞ disagree.</summary>
    internal static double Error(float actual, float twin, double floor)
    {
        if (float.IsNaN(twin) || float.IsNaN(actual))
        {
            return float.IsNaN(twin) && float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        }

        if (float.IsInfinity(twin) || float.IsInfinity(actual))
        {
            return twin == actual ? 0 : double.PositiveInfinity;
        }

        return Math.Abs((double)actual - twin) / Math.Max(Math.Abs((double)twin), floor);
    }

    private static (double Max, float At) Compare(Kernel<SpanKernel> variant, Kernel<SpanKernel> twin, float[] input, double floor, bool inPlace)
    {
        var expected = new float[input.Length];
        twin.Run(input, expected);
        var actual = new float[input.Length];
        if (inPlace)
        {
            input.CopyTo(actual, 0);
            variant.Run(actual, actual);
        }
        else
        {
            variant.Run(input, actual);
        }

        double max = 0;
        float at = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var e = Error(actual[i], expected[i], floor);
            Assert.False(double.IsPositiveInfinity(e), $"{variant.Name}: input {input[i]:R} gave {actual[i]:R}, scalar twin {expected[i]:R}");
            if (e > max)
            {
                max = e;
                at = input[i];
            }
        }

        return (max, at);
    }

    private static void CheckAllVariants(TransformCase c, bool forward)
    {
        var t = Transform.Parse(c.Spec);
        var registry = forward ? t.ForwardKernels : t.InverseKernels;
        var floor = forward ? c.ForwardFloor : c.InverseFloor;
        var bound = forward ? c.ForwardBound : c.InverseBound;
        var random = new Random(forward ? 20240601 : 20240602);
        foreach (var variant in registry.All)
        {
            double max = 0;
            float worst = 0;
            for (var length = 0; length <= 256; length++)
            {
                var input = forward ? DataValues(random, length, c.DataScale) : ScaleValues(random, length, c.ScaleLow, c.ScaleHigh);
                foreach (var inPlace in new[] { false, true })
                {
                    var (m, at) = Compare(variant, registry.Scalar, input, floor, inPlace);
                    if (m > max)
                    {
                        max = m;
                        worst = at;
                    }
                }
            }

            // A dense sweep over the domain as well (not only random points).
            var sweep = forward
                ? Enumerable.Range(-4000, 8001).Select(i => (float)(Math.Sign(i) * c.DataScale * Math.Pow(10, (Math.Abs(i) / 500.0) - 7))).ToArray()
                : Enumerable.Range(0, 8001).Select(i => (float)(c.ScaleLow + ((c.ScaleHigh - c.ScaleLow) * i / 8000.0))).ToArray();
            var (sm, sat) = Compare(variant, registry.Scalar, sweep, floor, inPlace: false);
            if (sm > max)
            {
                max = sm;
                worst = sat;
            }

            Report($"{variant.Name,-36} {c.Spec,-45} max error {max:E2} (floor {floor:G3}) at x = {worst:R}");
            Assert.True(max <= bound, $"{variant.Name} for {c.Spec}: max error {max:E3} at input {worst:R} exceeds {bound:E1}");
        }
    }

    /// <summary>Writes to the test output and, when HIAIM_ACCURACY_LOG names a file, appends there too.</summary>
    internal static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("HIAIM_ACCURACY_LOG") is { Length: > 0 } path)
        {
            lock (ReportLock)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }

    private static readonly Lock ReportLock = new();

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Forward_EveryVariant_MatchesScalarTwin_Lengths0To256(TransformCase c) => CheckAllVariants(c, forward: true);

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Inverse_EveryVariant_MatchesScalarTwin_Lengths0To256(TransformCase c) => CheckAllVariants(c, forward: false);

    [Fact]
    public void Registry_PicksTheWidestAcceleratedIsa_AndListsEveryWidth()
    {
        var t = new Logicle(262144, 0.5, 4.5, 0);
        var registry = t.ForwardKernels;
        Assert.Equal(KernelIsa.Scalar, registry.Scalar.Isa);
        Assert.Same(registry.Available[0], registry.Best);
        Assert.Equal([KernelIsa.Vector512, KernelIsa.Vector256, KernelIsa.Scalar], registry.All.Select(v => v.Isa));
        var isas = registry.Available.Select(v => v.Isa).ToList();
        Assert.Equal(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated, isas.Contains(KernelIsa.Vector256));
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, isas.Contains(KernelIsa.Vector512));
        var widest = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? KernelIsa.Vector512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? KernelIsa.Vector256 : KernelIsa.Scalar;
        Assert.Equal(widest, registry.Best.Isa);
        TestContext.Current.TestOutputHelper?.WriteLine("Logicle forward variants here: " + string.Join(", ", registry.Available.Select(v => v.Name)));
    }

    [Property(MaxTest = 300)]
    public void Property_EveryVariant_MatchesTwin_OnArbitraryFloats(float[] values)
    {
        foreach (var c in Cases)
        {
            var t = Transform.Parse(c.Spec);
            foreach (var (registry, floor, bound) in new[] { (t.ForwardKernels, c.ForwardFloor, c.ForwardBound), (t.InverseKernels, c.InverseFloor, c.InverseBound) })
            {
                foreach (var variant in registry.All)
                {
                    var (max, at) = Compare(variant, registry.Scalar, values, floor, inPlace: false);
                    Assert.True(max <= bound, $"{variant.Name} for {c.Spec}: error {max:E3} at {at:R}");
                }
            }
        }
    }

    [Fact]
    public void Span_RejectsShortDestination_AndPartialOverlap()
    {
        var t = new Logicle(262144, 0.5, 4.5, 0);
        var buffer = new float[64];
        Assert.Throws<ArgumentException>(() => t.Apply(new float[10], new float[9]));
        Assert.Throws<ArgumentException>(() => t.Apply(buffer.AsSpan(0, 32), buffer.AsSpan(1, 32)));
        t.Apply(buffer, buffer); // identical spans: in place is allowed
        t.Apply(buffer.AsSpan(0, 32), buffer.AsSpan(32, 32)); // disjoint
    }

    [Fact]
    public void Specials_DocumentedMapping()
    {
        foreach (var c in Cases)
        {
            var t = Transform.Parse(c.Spec);
            Assert.True(double.IsNaN(t.Apply(double.NaN)), $"{c.Spec}: NaN must map to NaN");
            Assert.True(double.IsNaN(t.Inverse(double.NaN)), $"{c.Spec}: inverse NaN must map to NaN");
        }

        var logicle = new Logicle(262144, 0.5, 4.5, 0);
        Assert.Equal(double.PositiveInfinity, logicle.Apply(double.PositiveInfinity));
        Assert.Equal(double.NegativeInfinity, logicle.Apply(double.NegativeInfinity));
        Assert.Equal(0.5 / 4.5, logicle.Apply(0), 15);
        var asinh = Arcsinh.WithCofactor(5);
        Assert.Equal(double.PositiveInfinity, asinh.Apply(double.PositiveInfinity));
        Assert.Equal(Math.Asinh(1e300 / 5), asinh.Apply(1e300), 12);
    }
}
