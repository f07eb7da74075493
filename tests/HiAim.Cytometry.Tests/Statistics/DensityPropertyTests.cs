using FsCheck.Xunit;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Statistics;

namespace HiAim.Cytometry.Tests.Statistics;

/// <summary>Placement reads a population's values in place (column + members); it must find exactly what the copied list finds.</summary>
public sealed class DensityPropertyTests
{
    [Property(MaxTest = 200)]
    public void In_place_histograms_and_valleys_equal_those_of_the_copied_values(int seed)
    {
        var rng = new Random(seed);
        var n = rng.Next(0, 3_000);
        var column = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Two modes on the asinh placement scale, some values off scale and a few non-finite ones.
            var mode = rng.Next(3) == 0 ? 0.7 : 0.2;
            column[i] = rng.Next(200) == 0 ? float.NaN : (float)(mode + (0.08 * Normal(rng)) + (rng.Next(50) == 0 ? 2 : 0));
        }

        var members = new EventBitset(n);
        var copied = new List<double>();
        for (var i = 0; i < n; i++)
        {
            if (rng.Next(4) != 0)
            {
                members[i] = true;
                copied.Add(column[i]);
            }
        }

        const double Lo = -0.3, Hi = 1.2, Width = 0.005, Sigma = 4;
        Assert.Equal(Density.Smoothed(copied, Lo, Hi, Width, Sigma).Heights, Density.Smoothed(column, members, Lo, Hi, Width, Sigma).Heights);
        Assert.Equal(Density.ValleyBetweenMainModes(copied, Lo, Hi, Width, Sigma), Density.ValleyBetweenMainModes(column, members, Lo, Hi, Width, Sigma));
        Assert.Equal(Density.ValleyBetweenMainModes(copied, Lo, Hi, Width, Sigma), Density.ValleyBetweenMainModes(copied.ToArray().AsSpan(), Lo, Hi, Width, Sigma));
        Assert.Equal(Density.FirstValley(copied, Lo, Hi, Width, Sigma, 0.02, 0.02), Density.FirstValley(column, members, Lo, Hi, Width, Sigma, 0.02, 0.02));
        Assert.Equal(Density.FirstValley(copied, Lo, Hi, Width, Sigma, 0.02, 0.02), Density.FirstValley(copied.ToArray().AsSpan(), Lo, Hi, Width, Sigma, 0.02, 0.02));
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
