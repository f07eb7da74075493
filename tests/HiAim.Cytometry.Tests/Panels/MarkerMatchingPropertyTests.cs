using System.Text;
using FsCheck.Xunit;
using HiAim.Cytometry.Panels;

namespace HiAim.Cytometry.Tests.Panels;

public sealed class MarkerMatchingPropertyTests
{
    private static readonly string[] Fluors = ["", "FITC", "PE", "PerCP-Cy5.5", "PE-Cy7", "APC", "APC-Cy7", "BV421", "FITC-A ::", ":: PE-A"];

    /// <summary>Random case, spacing around separators, separator choice and a fluorochrome word never change the match.</summary>
    [Property(MaxTest = 300)]
    public void Case_spacing_separators_and_fluorochromes_do_not_change_the_match(int seed)
    {
        var rng = new Random(seed);
        string Case(string s) => string.Concat(s.Select(c => rng.Next(2) == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
        string Space() => new(' ', rng.Next(0, 3));
        var fluor = Fluors[rng.Next(Fluors.Length)];
        var cd = "CD" + Space().Replace("  ", " ", StringComparison.Ordinal);

        // A single antigen.
        var n = rng.Next(1, 200);
        var single = new StringBuilder().Append(Space()).Append(Case(cd)).Append(n).Append(' ').Append(fluor).ToString();
        if (fluor.StartsWith("FITC-A", StringComparison.Ordinal))
        {
            single = fluor + " " + Case("CD") + n;
        }

        Assert.True(MarkerMatching.Matches("CD" + n, single), single);
        Assert.False(MarkerMatching.Matches("CD" + (n + 1), single), single);

        // CD16+56 in any order, with + or /, the second CD optional.
        var (a, b) = rng.Next(2) == 0 ? ("16", "56") : ("56", "16");
        var sep = rng.Next(2) == 0 ? "+" : "/";
        var second = rng.Next(2) == 0 ? Case("CD") + b : b;
        var combo = $"{Space()}{Case("CD")}{a}{Space()}{sep}{Space()}{second} {fluor}";
        Assert.True(MarkerMatching.Matches("CD16+56", combo), combo);
        Assert.False(MarkerMatching.Matches("CD16", combo), combo);
        Assert.False(MarkerMatching.Matches("CD56", combo), combo);
    }
}
