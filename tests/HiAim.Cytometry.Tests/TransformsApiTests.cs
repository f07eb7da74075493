using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Tests;

/// <summary>Parameter validation and <see cref="Transform.Parse"/>.</summary>
public class TransformsApiTests
{
    public static TheoryData<Func<Transform>, string, string> BadParameters() => new()
    {
        { () => new Logicle(0, 0.5, 4.5, 0), "t", "T (top of scale) must be > 0" },
        { () => new Logicle(262144, 0.5, 0, 0), "m", "M (decades) must be > 0" },
        { () => new Logicle(262144, -0.1, 4.5, 0), "w", "W ≥ 0" },
        { () => new Logicle(262144, 3, 4.5, 0), "w", "W ≤ M/2" },
        { () => new Logicle(262144, 0.5, 4.5, -1), "a", "−W ≤ A ≤ M − 2W" },
        { () => new Logicle(262144, 1, 4.5, 3), "a", "−W ≤ A ≤ M − 2W" },
        { () => new Logicle(double.NaN, 1, 4.5, 0), "t", "finite" },
        { () => new Hyperlog(262144, 0, 4.5, 0), "w", "W > 0" },
        { () => new Hyperlog(-5, 0.5, 4.5, 0), "t", "T (top of scale) must be > 0" },
        { () => new Hyperlog(262144, 0.5, 4.5, 5), "a", "−W ≤ A ≤ M − 2W" },
        { () => new Arcsinh(0, 4.5, 0), "t", "T (top of scale) must be > 0" },
        { () => new Arcsinh(262144, -1, 0), "m", "M (decades) must be > 0" },
        { () => new Arcsinh(262144, 4.5, -1), "a", "0 ≤ A ≤ M" },
        { () => Arcsinh.WithCofactor(0), "cofactor", "cofactor must be > 0" },
        { () => new LogTransform(0, 4.5), "t", "T (top of scale) must be > 0" },
        { () => new LogTransform(262144, 0), "m", "M (decades) must be > 0" },
        { () => new LinearTransform(-1, 0), "t", "T (top of scale) must be > 0" },
        { () => new LinearTransform(100, 200), "a", "0 ≤ A ≤ T" },
        { () => new FlowJoLog(0, 4.5), "offset", "offset must be > 0" },
        { () => new FlowJoLog(1, -2), "decades", "decades must be > 0" },
        { () => new FlowJoBiexponential(negative: -1), "negative", "≥ 0" },
        { () => new FlowJoBiexponential(width: 5), "width", "≤ -1" },
        { () => new FlowJoBiexponential(positive: 0), "positive", "> 0" },
        { () => new FlowJoBiexponential(maxValue: -1), "maxValue", "> 0" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void Constructor_RejectsBadParameter_NamingParameterAndRule(Func<Transform> create, string parameter, string rule)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => create());
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_AcceptsBoundaryParameters()
    {
        _ = new Logicle(262144, 0, 4.5, 0);        // W = 0 (arcsinh-like)
        _ = new Logicle(262144, 2.25, 4.5, 0);     // W = M/2
        _ = new Logicle(262144, 0.5, 4.5, -0.5);   // A = −W
        _ = new Logicle(262144, 0.5, 4.5, 3.5);    // A = M − 2W
        _ = new Arcsinh(262144, 4.5, 4.5);         // A = M
        _ = new LinearTransform(100, 100);         // A = T
    }

    public static TheoryData<string, Type, string> GoodSpecs() => new()
    {
        { "asinh:T=262144,M=4.5,A=0", typeof(Arcsinh), "asinh:T=262144,M=4.5,A=0" },
        { "ASINH: t = 1e4 , m=4", typeof(Arcsinh), "asinh:T=10000,M=4,A=0" },
        { "logicle:T=262144,W=0.5,M=4.5,A=0", typeof(Logicle), "logicle:T=262144,W=0.5,M=4.5,A=0" },
        { "hyperlog:T=10000,W=1,M=4.5,A=0", typeof(Hyperlog), "hyperlog:T=10000,W=1,M=4.5,A=0" },
        { "log:T=10000,M=5", typeof(LogTransform), "log:T=10000,M=5" },
        { "linear:T=10000,A=500", typeof(LinearTransform), "linear:T=10000,A=500" },
        { "linear:T=1024", typeof(LinearTransform), "linear:T=1024,A=0" },
        { "arcsinh:cofactor=150", typeof(Arcsinh), "arcsinh:cofactor=150" },
        { "biex:negative=1,width=-100", typeof(FlowJoBiexponential), "biex:negative=1,width=-100,positive=4.41854,max=262144.000029" },
        { "flowjo-log:offset=0.5,decades=4.5", typeof(FlowJoLog), "flowjo-log:offset=0.5,decades=4.5" },
    };

    [Theory]
    [MemberData(nameof(GoodSpecs))]
    public void Parse_GoodSpec_BuildsTransform_AndToStringRoundTrips(string spec, Type type, string canonical)
    {
        var t = Transform.Parse(spec);
        Assert.IsType(type, t);
        Assert.Equal(canonical, t.ToString());
        var again = Transform.Parse(t.ToString()!);
        Assert.Equal(t.Apply(123.456), again.Apply(123.456));
    }

    [Fact]
    public void Parse_CofactorForm_IsAsinhOfXOverC()
    {
        var t = Transform.Parse("arcsinh:cofactor=150");
        Assert.Equal(Math.Asinh(1000.0 / 150), t.Apply(1000), 14);
        Assert.Equal(150.0, ((Arcsinh)t).Cofactor);
    }

    public static TheoryData<string, string> BadSpecs() => new()
    {
        { "logicle", "no ':'" },
        { "logicel:T=1,W=0,M=4", "unknown kind 'logicel'" },
        { "logicle:T=262144,W=0.5,M=4.5,A=0,", "empty parameter" },
        { "logicle:T=262144,W,M=4.5", "parameter 'W' is not key=value" },
        { "logicle:T=262144,W=0.5,M=4,5", "parameter '5' is not key=value" },
        { "logicle:T=262144,W=0,5,M=4.5", "parameter '5' is not key=value" },
        { "logicle:T=abc,W=0.5,M=4.5", "value 'abc' of T is not a number" },
        { "logicle:T=262144,W=0.5", "missing parameter M" },
        { "logicle:T=262144,W=0.5,M=4.5,Q=1", "unknown parameter 'Q'" },
        { "logicle:T=262144,T=1,W=0.5,M=4.5", "parameter T appears twice" },
        { "logicle:T=262144,W=3,M=4.5", "W ≤ M/2" },
        { "log:T=-1,M=4.5", "T (top of scale) must be > 0" },
        { "arcsinh:cofactor=0", "cofactor must be > 0" },
        { "asinh:T=262144,M=4.5,cofactor=5", "unknown parameter 'cofactor'" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void Parse_BadSpec_ThrowsFormatException_NamingThePart(string spec, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Transform.Parse(spec));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_Throws() => Assert.Throws<ArgumentNullException>(() => Transform.Parse(null!));
}
