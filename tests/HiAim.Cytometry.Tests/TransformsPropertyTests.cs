using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests;

/// <summary>FsCheck properties: round trips and monotonicity of every transform over its domain.</summary>
public class TransformsPropertyTests
{
    /// <summary>Transforms with the data domain on which inverse(apply(x)) is x.</summary>
    private static readonly (string Spec, double Low, double High)[] Domains =
    [
        ("logicle:T=262144,W=0.5,M=4.5,A=0", -1e5, 1e7),
        ("logicle:T=10000,W=1,M=4,A=0.5", -1e5, 1e7),
        ("logicle:T=10000,W=0,M=4.5,A=0", -1e5, 1e7),
        ("hyperlog:T=262144,W=0.5,M=4.5,A=0", -1e5, 1e7),
        ("hyperlog:T=1000,W=1,M=4,A=-1", -1e5, 1e7),
        ("asinh:T=262144,M=4.5,A=0", -1e6, 1e7),
        ("asinh:T=10000,M=4,A=1", -1e6, 1e7),
        ("arcsinh:cofactor=150", -1e6, 1e7),
        ("linear:T=262144,A=100", -1e6, 1e7),
        ("log:T=262144,M=4.5", 1e-3, 1e7),
        ("flowjo-log:offset=0.5,decades=4.5", 0.5, 1e7),
        ("biex:negative=0,width=-10", -130, 2.6e5), // the table starts at -132.29: below it clips to channel 0
        ("biex:negative=1,width=-100", -1e4, 2.6e5),
    ];

    /// <summary>Maps u ∈ [0, 1] onto [low, high], log-spaced on each side of zero so small values are hit.</summary>
    private static double Spread(double u, double low, double high)
    {
        if (low > 0)
        {
            return low * Math.Pow(high / low, u);
        }

        // Half the mass on each sign, magnitudes log-uniform from 1e-6 up to the bound.
        var positive = u >= 0.5;
        var v = positive ? (u - 0.5) * 2 : (0.5 - u) * 2;
        var bound = positive ? high : -low;
        return (positive ? 1 : -1) * 1e-6 * Math.Pow(bound / 1e-6, v);
    }

    private static Arbitrary<double> Unit => Gen.Choose(0, int.MaxValue).Select(i => (double)i / int.MaxValue).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property RoundTrip_Double_1e5Relative()
    {
        return Prop.ForAll(Unit, Gen.Choose(0, Domains.Length - 1).ToArbitrary(), (u, which) =>
        {
            var (spec, low, high) = Domains[which];
            var t = Transform.Parse(spec);
            var x = Spread(u, low, high);
            var back = t.Inverse(t.Apply(x));
            var ok = Math.Abs(back - x) <= 1e-5 * Math.Abs(x) || Math.Abs(back - x) <= 1e-9;
            return ok.Label($"{spec}: x = {x:R}, inverse(apply(x)) = {back:R}");
        });
    }

    [Property(MaxTest = 500)]
    public Property RoundTrip_SpanPath_FloatPrecision()
    {
        // Float span kernels: relative 1e-5, with an absolute floor of 2e-6 of T near zero where the
        // unit scale's float resolution (≈ 6e-8) times the slope dominates.
        return Prop.ForAll(Unit, Gen.Choose(0, Domains.Length - 1).ToArbitrary(), (u, which) =>
        {
            var (spec, low, high) = Domains[which];
            var t = Transform.Parse(spec);
            var x = new float[33];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)Spread((u + (i / 33.0)) % 1.0, low, high);
            }

            var y = new float[x.Length];
            t.Apply(x, y);
            t.Inverse(y, y); // in place
            var floor = t is FlowJoBiexponential ? 0.5 : 2e-6 * Math.Max(Math.Abs(t.Inverse(1)), 1);
            for (var i = 0; i < x.Length; i++)
            {
                if (Math.Abs(y[i] - x[i]) > Math.Max(1e-5 * Math.Abs(x[i]), floor))
                {
                    return false.Label($"{spec}: x = {x[i]:R}, span round trip = {y[i]:R}");
                }
            }

            return true.ToProperty();
        });
    }

    [Property(MaxTest = 500)]
    public Property Forward_IsMonotone()
    {
        return Prop.ForAll(Unit, Unit, Gen.Choose(0, Domains.Length - 1).ToArbitrary(), (u1, u2, which) =>
        {
            var (spec, low, high) = Domains[which];
            var t = Transform.Parse(spec);
            var a = Spread(Math.Min(u1, u2), low, high);
            var b = Spread(Math.Max(u1, u2), low, high);
            var ya = t.Apply(a);
            var yb = t.Apply(b);

            // Span path too: float values in order stay in order, up to the vectorized kernels' stated accuracy
            // (≤ 6e-7 absolute on the unit scale vs the scalar twin): two inputs closer than that may swap by a few ulps.
            var span = new float[] { (float)a, (float)b, (float)a, (float)b, (float)a, (float)b, (float)a, (float)b, (float)a, (float)b, (float)a, (float)b, (float)a, (float)b, (float)a, (float)b };
            t.Apply(span, span);
            const float tolerance = 1e-6f;
            return (ya <= yb && span[0] <= span[1] + tolerance && span[14] <= span[15] + tolerance).Label($"{spec}: f({a:R}) = {ya:R}, f({b:R}) = {yb:R}; span {span[0]:R} {span[1]:R}");
        });
    }

    [Fact]
    public void Forward_IsStrictlyIncreasing_OnDenseSweep()
    {
        foreach (var (spec, low, high) in Domains)
        {
            var t = Transform.Parse(spec);
            var previous = double.NegativeInfinity;
            for (var i = 0; i <= 20000; i++)
            {
                var y = t.Apply(Spread(i / 20000.0, low, high));
                var strict = t is not FlowJoBiexponential and not FlowJoLog; // LUT / clipping may be flat
                Assert.True(strict ? y > previous : y >= previous, $"{spec}: not increasing at step {i}");
                previous = y;
            }
        }
    }
}
