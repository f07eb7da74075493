using System.Globalization;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests;

/// <summary>Every value in /work/shared/data/transforms/REFERENCE.md sections A1–A6 and B.</summary>
public class TransformsReferenceTests
{
    private static readonly double[] A1Inputs = [-10, -5, -1, 0, 0.3, 1, 3, 10, 100, 1000];

    /// <summary>Asserts agreement to 1e-6 relative, or 1e-9 absolute near zero, or half a unit in the last printed place.</summary>
    internal static void Near(double expected, double actual, double halfUlpOfPrinted, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }

        if (double.IsInfinity(expected))
        {
            Assert.Equal(expected, actual);
            return;
        }

        var error = Math.Abs(actual - expected);
        var allowed = Math.Max(Math.Max(1e-6 * Math.Abs(expected), 1e-9), halfUlpOfPrinted);
        Assert.True(error <= allowed, $"{what}: expected {expected:R}, got {actual:R} (|error| {error:E3} > {allowed:E3})");
    }

    /// <summary>Half a unit in the last place of a value printed with the given significant or decimal digits.</summary>
    private static double HalfUlpDecimals(int decimals) => 0.5 * Math.Pow(10, -decimals);

    private static double HalfUlpSignificant(double value, int digits) =>
        value == 0 || !double.IsFinite(value) ? 0 : 0.5 * Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(value))) - digits + 1);

    [Fact]
    public void A1_Logicle_FlowUtils()
    {
        double[] expected = [0.067574, 0.147986, 0.228752, 0.25, 0.256384, 0.271248, 0.312897, 0.432426, 0.739548, 1.0];
        var t = new Logicle(1000, 1, 4, 0);
        for (var i = 0; i < A1Inputs.Length; i++)
        {
            Near(expected[i], t.Apply(A1Inputs[i]), HalfUlpDecimals(6), $"logicle({A1Inputs[i]})");
        }
    }

    [Fact]
    public void A2_Hyperlog_FlowUtils()
    {
        // Printed with up to 8 decimals; the upstream test asserts 6 places.
        double[] expected = [0.08355406, 0.15586819, 0.2294768, 0.25, 0.25623887, 0.2705232, 0.30909185, 0.41644594, 0.73187469, 1.0];
        var t = new Hyperlog(1000, 1, 4, 0);
        for (var i = 0; i < A1Inputs.Length; i++)
        {
            Near(expected[i], t.Apply(A1Inputs[i]), HalfUlpDecimals(8), $"hyperlog({A1Inputs[i]})");
        }
    }

    [Fact]
    public void A3_Asinh_FlowUtils()
    {
        double[] expected = [-0.200009, -0.139829, -0.000856, 0.2, 0.303776, 0.400856, 0.495521, 0.600009, 0.8, 1.0];
        var t = new Arcsinh(1000, 4, 1);
        for (var i = 0; i < A1Inputs.Length; i++)
        {
            Near(expected[i], t.Apply(A1Inputs[i]), HalfUlpDecimals(6), $"asinh({A1Inputs[i]})");
        }
    }

    [Fact]
    public void A4_Log_FlowUtils()
    {
        double[] x = [-1, 0, 0.5, 1, 10, 100, 1000, 1023, 10000, 100000, 262144];
        double[] expected = [double.NaN, double.NegativeInfinity, 0.139794, 0.2, 0.4, 0.6, 0.8, 0.801975, 1.0, 1.2, 1.283708];
        var t = new LogTransform(10000, 5);
        for (var i = 0; i < x.Length; i++)
        {
            Near(expected[i], t.Apply(x[i]), HalfUlpDecimals(6), $"log({x[i]})");
        }

        // The span kernels agree on the special values.
        var y = new float[x.Length];
        t.Apply(x.Select(v => (float)v).ToArray(), y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(float.NegativeInfinity, y[1]);
    }

    public static TheoryData<string, int> RoundTripCases() => new()
    {
        { "logicle:T=10000,W=0.5,M=4.5,A=0", 101 },
        { "logicle:T=10000,W=0.5,M=4.5,A=0", 10001 },
        { "hyperlog:T=10000,W=0.5,M=4.5,A=0", 101 },
        { "hyperlog:T=10000,W=0.5,M=4.5,A=0", 10001 },
        { "asinh:T=10000,M=4.5,A=0", 101 },
        { "asinh:T=10000,M=4.5,A=0", 10001 },
        { "log:T=10000,M=4.5", 101 },
        { "log:T=10000,M=4.5", 10001 },
        { "linear:T=10000,A=0", 101 },
        { "linear:T=10000,A=0", 10001 },
        { "biex:negative=0,width=-10,positive=4.41854,max=262144.000029", 101 },
        { "biex:negative=0,width=-10,positive=4.41854,max=262144.000029", 10001 },
    };

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void A5_RoundTrips_To10Places(string spec, int count)
    {
        var t = Transform.Parse(spec);
        for (var i = 0; i < count; i++)
        {
            var x = i / 10.0;
            var back = t.Inverse(t.Apply(x));
            if (x == 0 && t is LogTransform)
            {
                Assert.Equal(0, back); // log(0) = -inf and back to 0
                continue;
            }

            Assert.True(Math.Abs(back - x) < 0.5e-10, $"{spec}: inverse(apply({x})) = {back:R}");
        }
    }

    [Fact]
    public void A5_Linear_WithTopAtDataMaximum_MapsOntoUnitInterval()
    {
        // FlowKit's data1.fcs check, with synthetic raw data: T = max(raw), A = 0 gives exactly [0, 1].
        float[] raw = [0, 12, 1023, 512, 7.5f, 1023, 0];
        var t = new LinearTransform(raw.Max(), 0);
        var y = new float[raw.Length];
        t.Apply(raw, y);
        Assert.Equal(0f, y.Min());
        Assert.Equal(1f, y.Max());
    }

    [Fact]
    public void A6_FlowJoBiex_Table_MeanRelativeErrorBelow0_01Percent()
    {
        var path = Path.Combine(SharedData.RequirePath(), "data", "transforms", "tr_biex_l256_w-7.943282_n1.000000_m4.418540_r262144.000029.csv");
        var rows = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(c => (Channel: double.Parse(c[0], CultureInfo.InvariantCulture), Data: double.Parse(c[1], CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.Equal(4096, rows.Length);

        var t = new FlowJoBiexponential(negative: 1, width: -7.943282);
        double sum = 0;
        for (var i = 1; i < rows.Length; i++) // row 0 skipped, as FlowKit does
        {
            var channel = t.Apply(rows[i].Data);
            sum += Math.Abs(channel - rows[i].Channel) / rows[i].Channel;
        }

        var mean = sum / (rows.Length - 1);
        TestContext.Current.TestOutputHelper?.WriteLine($"FlowJo biex LUT: mean relative error {mean:E3} over {rows.Length - 1} rows");
        Assert.True(mean < 1e-4, $"mean relative error {mean:E3}");
    }

    private static readonly double[] BInputs = [-1000, -100, -10, 0, 10, 100, 1000, 10000, 100000, 262144];

    public static TheoryData<string, double[]> BCases() => new()
    {
        { "logicle:T=10000,W=0.5,M=4.5,A=0", [-0.55521119, -0.329914477, -0.0882735885, 0.111111111, 0.310495811, 0.552136699, 0.777433412, 1, 1.2222581, 1.31526947] },
        { "logicle:T=10000,W=1,M=4,A=0.5", [-0.101820134, 0.171177065, 0.314445881, 0.333333333, 0.352220786, 0.495489601, 0.768486801, 1, 1.22333666, 1.31642947] },
        { "logicle:T=262144,W=0.5,M=4.5,A=0", [-0.232115354, 0.00904113469, 0.0999179465, 0.111111111, 0.122304276, 0.213181088, 0.454337576, 0.683832657, 0.906927591, 1] },
        { "hyperlog:T=10000,W=1,M=4.5,A=0", [-0.326926348, -0.0667069926, 0.167962056, 0.222222222, 0.276482388, 0.511151437, 0.771370792, 1, 1.22312126, 1.31620764] },
        { "asinh:T=10000,M=4,A=1", [-0.400000086, -0.200008684, -0.00085584142, 0.2, 0.400855841, 0.600008684, 0.800000086, 1, 1.2, 1.28370798] },
        { "asinh:T=262144,M=4.5,A=0", [-0.462553315, -0.240980939, -0.0551582725, 0, 0.0551582725, 0.240980939, 0.462553315, 0.684768972, 0.906991129, 1] },
        { "linear:T=10000,A=500", [-0.0476190476, 0.0380952381, 0.0466666667, 0.0476190476, 0.0485714286, 0.0571428571, 0.142857143, 1, 9.57142857, 25.0137143] },
        { "log:T=10000,M=5", [double.NaN, double.NaN, double.NaN, double.NegativeInfinity, 0.4, 0.6, 0.8, 1, 1.2, 1.28370798] },
        { "biex:negative=0,width=-10,positive=4.41854,max=262144.000029", [0, 97.3439656, 423.901418, 463, 502.098582, 828.656034, 1816.82107, 2778.28922, 3708.82378, 4096] },
        { "biex:negative=0,width=-100", [256.783855, 849.200986, 919.208256, 927, 934.791744, 1004.79901, 1597.21615, 2737.17142, 3703.62729, 4094.88296] },
        { "biex:negative=1,width=-100", [961.880945, 1447.15221, 1504.60544, 1511, 1517.39456, 1574.84779, 2060.11905, 2988.96315, 3776.4305, 4095.28549] },
        { "flowjo-log:offset=0.5,decades=4.5", [0, 0, 0, 0, 0.289117777, 0.511339999, 0.733562221, 0.955784443, 1.17800667, 1.27101554] },
    };

    [Theory]
    [MemberData(nameof(BCases))]
    public void B_FlowKitAnchors_9SignificantDigits(string spec, double[] expected)
    {
        var t = Transform.Parse(spec);
        for (var i = 0; i < BInputs.Length; i++)
        {
            Near(expected[i], t.Apply(BInputs[i]), HalfUlpSignificant(expected[i], 9), $"{spec} at {BInputs[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(BCases))]
    public void B_FlowKitAnchors_SpanPath_FloatPrecision(string spec, double[] expected)
    {
        // The SIMD span path in float: 16 inputs so a whole Vector512 runs, anchors in the first 10.
        var t = Transform.Parse(spec);
        var x = new float[16];
        for (var i = 0; i < BInputs.Length; i++)
        {
            x[i] = (float)BInputs[i];
        }

        var y = new float[16];
        t.Apply(x, y);
        for (var i = 0; i < BInputs.Length; i++)
        {
            var e = expected[i];
            if (double.IsNaN(e))
            {
                Assert.True(float.IsNaN(y[i]), $"{spec} at {BInputs[i]}: expected NaN, got {y[i]}");
            }
            else if (double.IsInfinity(e))
            {
                Assert.Equal(e, y[i]);
            }
            else
            {
                var allowed = Math.Max(2e-6 * Math.Abs(e), 2e-7);
                Assert.True(Math.Abs(y[i] - e) <= allowed, $"{spec} at {BInputs[i]}: expected {e:R}, span path gave {y[i]:R}");
            }
        }
    }
}
