using HiAim.Cytometry.Transforms;
using HiAim.Cytometry.Transforms.Kernels;

namespace HiAim.Cytometry.Tests.Kernels;

/// <summary>
/// The logicle/hyperlog solve table on its own: its scalar evaluation (nearest node plus one Halley step)
/// against the double-precision scalar twin over a log sweep up to BigX, and its index clamping.
/// </summary>
public sealed class InverseGuessTableTests
{
    public static TheoryData<string> Specs() => new(
        "logicle:T=262144,W=0.5,M=4.5,A=0", "logicle:T=10000,W=0,M=4.5,A=0", "logicle:T=1000,W=1,M=4,A=-1",
        "logicle:T=262144,W=2,M=4.5,A=0.5", "hyperlog:T=262144,W=0.5,M=4.5,A=0", "hyperlog:T=262144,W=2,M=5,A=1");

    [Theory]
    [MemberData(nameof(Specs))]
    public void Solve_MatchesScalarTwin(string spec)
    {
        var t = Transform.Parse(spec);
        var (table, x1, bigX) = t switch
        {
            Logicle l => (l.Coefficients.GuessTable, l.Coefficients.X1, l.Coefficients.BigX),
            Hyperlog h => (h.Coefficients.GuessTable, h.Coefficients.X1, h.Coefficients.BigX),
            _ => throw new InvalidOperationException(spec),
        };

        double max = 0;
        float worst = 0;
        for (var i = 0; i <= 20000; i++)
        {
            var v = i == 0 ? 0f : (float)(1e-6 * Math.Pow(bigX / 1e-6, i / 20000.0));
            var error = Math.Abs(x1 + table.Solve(v) - t.Apply(v));
            if (error > max)
            {
                max = error;
                worst = v;
            }
        }

        TransformsKernelTests.Report($"InverseGuessTable {spec,-40} {table.MaxIndex + 1} nodes, max |y − twin| {max:E2} at x = {worst:R}");
        Assert.True(max <= 2e-7, $"{spec}: {max:E3} at {worst:R}");
        Assert.Equal(0, table.Index(0));
        Assert.Equal(table.MaxIndex, table.Index(float.MaxValue));
    }
}
