using HiAim.Cytometry.Transforms.Kernels;
using ExpLogV256 = HiAim.Cytometry.Transforms.Kernels.ExpLogSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;
using ExpLogV512 = HiAim.Cytometry.Transforms.Kernels.ExpLogSimd<HiAim.Cytometry.Kernels.Simd512, System.Runtime.Intrinsics.Vector512<float>, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<double>>;

namespace HiAim.Cytometry.Tests.Kernels;

/// <summary>
/// The float32 exp, expm1 and log kernels: the scalar twin's error in ulps against double-precision
/// references over the whole float range (a stride through all 2^32 bit patterns plus dense ranges
/// around the interesting points), the documented specials, and every SIMD variant (Vector512 runs
/// emulated where the CPU lacks it) bit for bit against the scalar twin.
/// </summary>
public sealed class ExpLogKernelTests
{
    /// <summary>Bounds the scalar twins are held to (measured maxima are reported by the tests).</summary>
    private const double ExpUlpBound = 1.5, Expm1UlpBound = 1.5, LogUlpBound = 1.5;

    public static TheoryData<string> Functions() => new("exp", "expm1", "log");

    private static float Twin(string function, float x) => function switch
    {
        "exp" => ExpLogScalar.Exp(x),
        "expm1" => ExpLogScalar.Expm1(x),
        _ => ExpLogScalar.Log(x),
    };

    private static double Reference(string function, double x) => function switch
    {
        "exp" => Math.Exp(x),
        "expm1" => Math.Abs(x) < 1e-5 ? x + (x * x * (0.5 + (x * ((1.0 / 6) + (x / 24))))) : Math.Exp(x) - 1,
        _ => Math.Log(x),
    };

    /// <summary>|actual − exact| in units of the float ulp at the exact value (subnormal ulp 2^−149; beyond float.MaxValue the ulp of 2^127).</summary>
    internal static double UlpError(float actual, double exact)
    {
        if (double.IsNaN(exact))
        {
            return float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        }

        if (double.IsInfinity(exact))
        {
            return actual == exact ? 0 : double.PositiveInfinity;
        }

        var magnitude = Math.Abs(exact);
        if (magnitude >= Math.ScaleB(1, 128) - Math.ScaleB(1, 103))
        {
            // Rounds to ±∞ in float.
            return float.IsInfinity(actual) && Math.Sign(actual) == Math.Sign(exact) ? 0 : Math.Abs(actual - exact) / Math.ScaleB(1, 104);
        }

        var exponent = magnitude < 1.1754943508222875e-38 ? -126 : Math.Min(127, Math.ILogB(magnitude));
        var ulp = Math.ScaleB(1, exponent - 23);
        var a = float.IsInfinity(actual) ? Math.CopySign(Math.ScaleB(1, 128), actual) : actual;
        return Math.Abs(a - exact) / ulp;
    }

    private static IEnumerable<float> Sweep(string function)
    {
        // A stride through every bit pattern (both signs, subnormals, NaNs, infinities).
        for (long bits = 0; bits <= uint.MaxValue; bits += 127)
        {
            yield return BitConverter.Int32BitsToSingle(unchecked((int)(uint)bits));
        }

        // Dense ranges: every float in [0.5, 2] for log; every 16th in ±[1e-3, 2] for exp and expm1.
        if (function == "log")
        {
            for (var x = 0.5f; x <= 2f; x = MathF.BitIncrement(x))
            {
                yield return x;
            }
        }
        else
        {
            for (var bits = BitConverter.SingleToInt32Bits(1e-3f); bits <= BitConverter.SingleToInt32Bits(2f); bits += 16)
            {
                yield return BitConverter.Int32BitsToSingle(bits);
                yield return -BitConverter.Int32BitsToSingle(bits);
            }
        }

        foreach (var centre in new[] { 88.7228f, -87.33655f, -103.27893f, 0f, 1e-30f, 1.17549435e-38f })
        {
            var x = centre;
            for (var i = 0; i < 100_000; i++)
            {
                yield return x;
                yield return -x;
                x = MathF.BitIncrement(x);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void ScalarTwin_UlpErrorOverTheFloatRange(string function)
    {
        double max = 0;
        float worst = 0;
        long count = 0;
        foreach (var x in Sweep(function))
        {
            var e = UlpError(Twin(function, x), Reference(function, x));
            count++;
            if (!(e <= max))
            {
                max = e;
                worst = x;
                Assert.False(double.IsPositiveInfinity(e), $"{function}({x:R}) = {Twin(function, x):R}, expected {Reference(function, x):R}");
            }
        }

        var bound = function switch { "exp" => ExpUlpBound, "expm1" => Expm1UlpBound, _ => LogUlpBound };
        TransformsKernelTests.Report($"ExpLogScalar.{function,-6} max error {max:F3} ulp at x = {worst:R} over {count} floats");
        Assert.True(max <= bound, $"{function}: {max:F3} ulp at {worst:R} exceeds {bound}");
    }

    [Fact]
    public void Specials_AsDocumented()
    {
        Assert.True(float.IsNaN(ExpLogScalar.Exp(float.NaN)));
        Assert.Equal(float.PositiveInfinity, ExpLogScalar.Exp(float.PositiveInfinity));
        Assert.Equal(0f, ExpLogScalar.Exp(float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, ExpLogScalar.Exp(89f));
        Assert.Equal(float.PositiveInfinity, ExpLogScalar.Exp(float.MaxValue));
        Assert.Equal(0f, ExpLogScalar.Exp(-float.MaxValue));
        Assert.Equal(float.Epsilon, ExpLogScalar.Exp(-103.5f)); // e^−103.5 ≈ 1.1·2^−149
        Assert.Equal(1f, ExpLogScalar.Exp(0f));
        Assert.Equal(1f, ExpLogScalar.Exp(-0f));
        Assert.True(float.IsNaN(ExpLogScalar.Expm1(float.NaN)));
        Assert.Equal(float.PositiveInfinity, ExpLogScalar.Expm1(float.PositiveInfinity));
        Assert.Equal(-1f, ExpLogScalar.Expm1(float.NegativeInfinity));
        Assert.Equal(-1f, ExpLogScalar.Expm1(-200f));
        Assert.Equal(1e-30f, ExpLogScalar.Expm1(1e-30f));
        Assert.Equal(float.Epsilon, ExpLogScalar.Expm1(float.Epsilon));
        Assert.True(float.IsNaN(ExpLogScalar.Log(float.NaN)));
        Assert.True(float.IsNaN(ExpLogScalar.Log(-1f)));
        Assert.True(float.IsNaN(ExpLogScalar.Log(float.NegativeInfinity)));
        Assert.Equal(float.NegativeInfinity, ExpLogScalar.Log(0f));
        Assert.Equal(float.NegativeInfinity, ExpLogScalar.Log(-0f));
        Assert.Equal(float.PositiveInfinity, ExpLogScalar.Log(float.PositiveInfinity));
        Assert.Equal(0f, ExpLogScalar.Log(1f));
        Assert.Equal((float)Math.Log(float.Epsilon), ExpLogScalar.Log(float.Epsilon));
    }

    public static TheoryData<string, string> Variants()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in new[] { "exp", "expm1", "log" })
        {
            data.Add(f, "V256");
            data.Add(f, "V512");
        }

        return data;
    }

    private static void RunVariant(string function, string isa, float[] input, float[] output)
    {
        switch (function, isa)
        {
            case ("exp", "V256"): ExpLogV256.Exp(input, output); break;
            case ("expm1", "V256"): ExpLogV256.Expm1(input, output); break;
            case ("log", "V256"): ExpLogV256.Log(input, output); break;
            case ("exp", _): ExpLogV512.Exp(input, output); break;
            case ("expm1", _): ExpLogV512.Expm1(input, output); break;
            default: ExpLogV512.Log(input, output); break;
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryVariant_MatchesScalarTwin_BitForBit(string function, string isa)
    {
        var random = new Random(7);
        var inputs = new List<float[]>();
        for (var length = 0; length <= 100; length++)
        {
            inputs.Add([.. Enumerable.Range(0, length).Select(_ => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue)))]);
        }

        var sweep = new List<float>();
        for (long bits = 0; bits <= uint.MaxValue; bits += 4099)
        {
            sweep.Add(BitConverter.Int32BitsToSingle(unchecked((int)(uint)bits)));
        }

        sweep.AddRange([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, float.MaxValue, -float.MaxValue, 88.72283f, 88.72284f, 88f, 88.0001f, -88f, -88.0001f, -103.97f, -104f, 89f]);
        inputs.Add([.. sweep]);
        foreach (var input in inputs)
        {
            var actual = new float[input.Length];
            RunVariant(function, isa, input, actual);
            for (var i = 0; i < input.Length; i++)
            {
                var expected = Twin(function, input[i]);
                var same = BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected) && float.IsNaN(actual[i]));
                Assert.True(same, $"{function} {isa}({input[i]:R}) = {actual[i]:R}, scalar twin {expected:R}");
            }
        }
    }
}
