using FsCheck.Xunit;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>Channel resolution over the ways instruments name scatter, fluorescence and their -A/-H/-W twins.</summary>
public sealed class ChannelNamingPropertyTests
{
    private static readonly string[] TbnkMarkers = ["CD3", "CD16+56", "CD45", "CD4", "CD19", "CD8"];

    /// <summary>$PnS spellings of each marker seen in real files (BD, Beckman, Attune, FACSuite).</summary>
    private static readonly Dictionary<string, string[]> Labels = new()
    {
        ["CD3"] = ["CD3", "CD3 FITC", "CD3-FITC", "cd3 fitc-A", "FITC-A :: CD3"],
        ["CD16+56"] = ["CD16+56", "CD16+56 PE", "CD16/56", "CD16CD56", "CD56+16-PE", "CD16 + CD56"],
        ["CD45"] = ["CD45", "CD45 KrO", "CD45-KrO", "CD45 PerCP-Cy5.5"],
        ["CD4"] = ["CD4", "CD4 PC7", "CD4-PE-Cy7"],
        ["CD19"] = ["CD19", "CD19 APC", "CD19-ECD"],
        ["CD8"] = ["CD8", "CD8 APC-A750", "CD8 APC-H7", "CD8-APC-Cy7"],
    };

    /// <summary>Instrument naming styles: the scatter names (FSC-A, FSC-H, FSC-W, SSC-A; null = not recorded), how a fluorescence detector is named, the measure suffixes it writes (area first), and the time channel.</summary>
    private static readonly (string?[] Scatter, string[] Detectors, string[] Measures, string Time)[] Styles =
    [
        (["FSC-A", "FSC-H", "FSC-W", "SSC-A"], ["FITC", "PE", "PerCP-Cy5-5", "PE-Cy7", "APC", "APC-Cy7", "BV421"], ["-A", "-H", "-W"], "Time"),
        (["FSC-A", null, null, "SSC-A"], ["FITC", "PE", "PerCP-Cy5.5", "PE-Cy7", "APC", "APC-H7", "V450"], ["-A"], "Time"),
        (["FS INT LIN", "FS PEAK LIN", "FS TOF LIN", "SS INT LIN"], ["FL1", "FL2", "FL3", "FL5", "FL6", "FL8", "FL10"], [" INT LOG", " PEAK LOG"], "TIME"),
        (["FS Lin", null, null, "SS Lin"], ["FL1", "FL2", "FL3", "FL4", "FL5", "FL6", "FL7"], [" Log", " Lin"], "TIME"),
        (["FS INT", "FS PEAK", "FS TOF", "SS INT"], ["FL1", "FL2", "FL3", "FL4", "FL5", "FL6", "FL10"], [" INT"], "TIME"),
        (["FSC-A", "FSC-H", "FSC-W", "SSC-A"], ["BL1", "BL3", "YL1", "YL4", "RL1", "RL3", "VL1"], ["-A", "-H"], "Time"),
        (["FSC-A", "FSC-H", "FSC-Width", "SSC-A"], ["FITC", "PE", "PC5.5", "PC7", "APC", "APC-A750", "KO525"], ["-A", "-H"], "Time"),
    ];

    private static readonly string[] ScatterRoles = ["FSC-A", "FSC-H", "FSC-W", "SSC-A"];

    /// <summary>
    /// Any style, any detector assignment, any parameter order and any label spelling: every marker resolves to its
    /// detector's area channel (never its -H/-W or LIN twin), every recorded scatter parameter to its channel, and Time to nothing.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Markers_resolve_to_the_area_twin_and_scatter_to_the_instruments_names(int seed)
    {
        var rng = new Random(seed);
        var style = Styles[rng.Next(Styles.Length)];
        var detectors = style.Detectors.OrderBy(_ => rng.Next()).Take(TbnkMarkers.Length).ToArray();
        var channels = new List<(string Name, string Label)>();
        for (var k = 0; k < ScatterRoles.Length; k++)
        {
            if (style.Scatter[k] is { } s)
            {
                channels.Add((s, rng.Next(2) == 0 ? s : string.Empty));
            }
        }

        for (var m = 0; m < TbnkMarkers.Length; m++)
        {
            var label = Labels[TbnkMarkers[m]][rng.Next(Labels[TbnkMarkers[m]].Length)];
            foreach (var measure in style.Measures)
            {
                channels.Add((detectors[m] + measure, label));
            }
        }

        channels.Add((style.Time, rng.Next(2) == 0 ? "Time" : string.Empty));
        var shuffled = channels.OrderBy(_ => rng.Next()).Select((c, i) => Channel(i + 1, c.Name, c.Label)).ToList();

        var map = TbnkPanel.Default.ResolveChannels(shuffled);
        var description = string.Join(" | ", shuffled.Select(c => $"{c.Name} ({c.Label})"));
        for (var m = 0; m < TbnkMarkers.Length; m++)
        {
            Assert.True(detectors[m] + style.Measures[0] == map[TbnkMarkers[m]], $"{TbnkMarkers[m]} → {map[TbnkMarkers[m]]}: {description}");
        }

        for (var k = 0; k < ScatterRoles.Length; k++)
        {
            Assert.True(style.Scatter[k] == map.GetValueOrDefault(ScatterRoles[k]), $"{ScatterRoles[k]} → {map.GetValueOrDefault(ScatterRoles[k])}: {description}");
        }

        Assert.DoesNotContain(style.Time, map.Values);
    }

    /// <summary>A marker's label on two detectors stays ambiguous, whatever twins each has: the candidates are named and nothing is guessed.</summary>
    [Property(MaxTest = 200)]
    public void A_marker_on_two_detectors_is_refused_naming_both(int seed)
    {
        var rng = new Random(seed);
        var style = Styles[rng.Next(Styles.Length)];
        var detectors = style.Detectors.OrderBy(_ => rng.Next()).Take(TbnkMarkers.Length + 1).ToArray();
        var twice = rng.Next(TbnkMarkers.Length);
        var channels = new List<(string Name, string Label)> { ("FSC-A", string.Empty), ("SSC-A", string.Empty) };
        for (var m = 0; m <= TbnkMarkers.Length; m++)
        {
            var marker = TbnkMarkers[m == TbnkMarkers.Length ? twice : m];
            foreach (var measure in style.Measures)
            {
                channels.Add((detectors[m] + measure, Labels[marker][rng.Next(Labels[marker].Length)]));
            }
        }

        var shuffled = channels.OrderBy(_ => rng.Next()).Select((c, i) => Channel(i + 1, c.Name, c.Label)).ToList();
        var ex = Assert.Throws<PanelException>(() => TbnkPanel.Default.ResolveChannels(shuffled));
        Assert.Contains($"'{TbnkMarkers[twice]}' matches several channels", ex.Message, StringComparison.Ordinal);
        Assert.Contains(detectors[twice] + style.Measures[0], ex.Message, StringComparison.Ordinal);
        Assert.Contains(detectors[^1] + style.Measures[0], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scatter_prefers_LIN_and_ignores_secondary_scatter_detectors_and_Accuri_width()
    {
        string[] names = ["Violet SSC-A", "SSC-B-A", "FS Log", "FS Lin", "SS Log", "SS Lin", "Width", "FL1 Log", "Time"];
        var channels = names.Select((n, i) => Channel(i + 1, n, string.Empty)).ToList();
        var overrides = TbnkPanel.Default.Markers.ToDictionary(m => m.Name, _ => "FL1 Log");
        var map = TbnkPanel.Default.ResolveChannels(channels, overrides);
        Assert.Equal("FS Lin", map["FSC-A"]);
        Assert.Equal("SS Lin", map["SSC-A"]);
        Assert.False(map.ContainsKey("FSC-H"));
        Assert.False(map.ContainsKey("FSC-W"));

        // Only secondary scatter: no SSC-A, said so.
        var noSide = Assert.Throws<MarkerNotFoundException>(() => TbnkPanel.Default.ResolveChannels([.. channels.Where(c => !c.Name.StartsWith("SS ", StringComparison.Ordinal))], overrides));
        Assert.Equal("SSC-A", noSide.Marker);
    }

    [Theory]
    [InlineData("FITC-A", "FITC", "Area", "Unstated")]
    [InlineData("PerCP-Cy5.5-H", "PERCPCY55", "Height", "Unstated")]
    [InlineData("PerCP-Cy5-5-A", "PERCPCY55", "Area", "Unstated")]
    [InlineData("FL1 INT LOG", "FL1", "Area", "Log")]
    [InlineData("FL3 Log", "FL3", "Unstated", "Log")]
    [InlineData("FS PEAK LIN", "FS", "Height", "Lin")]
    [InlineData("FS TOF", "FS", "Width", "Unstated")]
    [InlineData("FSC-Width", "FSC", "Width", "Unstated")]
    [InlineData("BL1-A", "BL1", "Area", "Unstated")]
    [InlineData("Width", "WIDTH", "Unstated", "Unstated")]
    [InlineData("Time", "TIME", "Unstated", "Unstated")]
    public void Channel_names_split_into_detector_measure_and_scale(string name, string detector, string measure, string scale)
    {
        var parts = MarkerMatching.ParseChannelName(name);
        Assert.Equal((detector, measure, scale), (parts.Detector, parts.Measure.ToString(), parts.Scale.ToString()));
    }

    [Theory]
    [InlineData("CD16+56", "CD16CD56", true)]
    [InlineData("CD16+56", "CD16CD56 PE", true)]
    [InlineData("CD16", "CD16CD56", false)]
    [InlineData("CD45", "CD45 KrO", true)]
    [InlineData("CD8", "CD8 APC-A750", true)]
    [InlineData("CD4", "CD4 PC7", true)]
    [InlineData("CD3", "CD3 FITC-H", true)]
    [InlineData("CD45", "CD45RA", false)]
    public void Instrument_label_spellings_match(string marker, string label, bool expected) =>
        Assert.Equal(expected, MarkerMatching.Matches(marker, label));

    private static FcsChannel Channel(int n, string name, string label) =>
        new(n, name, label, 32, 262_144, FcsDataType.Single, 0, 0, 1, string.Empty, string.Empty, string.Empty, string.Empty);
}

/// <summary>Channel resolution on real files of the shared corpus (FACSDiva, Navios, FC500, Attune NxT).</summary>
public sealed class RealInstrumentChannelTests
{
    /// <summary>
    /// Each file's scatter and the TBNK markers it carries resolve to the expected channels; markers a file does not stain
    /// are given by override (to any fluorescence channel) so resolution can finish. "-" = no such channel.
    /// </summary>
    [Theory]
    [InlineData("fcsparser/FACS_Diva/facs_diva_test.fcs", "FSC-A", "-", "FSC-W", "SSC-A", "CD45=PerCP-A;CD19=APC-A", "FITC-A")]
    [InlineData("fcsparser/fake_bitmask_error/fcs1_cleaned.lmd", "FS INT LIN", "-", "-", "SS INT LIN", "CD45=FL5 INT LOG;CD19=FL3 INT LOG", "FL1 INT LOG")]
    [InlineData("cytoflow/tests/instruments/Beckman Coulter - Cytomics FC500.LMD", "FS Lin", "-", "-", "SS Lin", "CD3=FL1 Log;CD4=FL2 Log", "FL1 Log")]
    [InlineData("FlowIO/coulter.lmd", "FS Lin", "-", "-", "SS Lin", "", "FL1 Log")]
    [InlineData("FlowIO/G11.fcs", "FSC-A", "FSC-H", "FSC-W", "SSC-A", "", "BL1-A")]
    public void Real_files_resolve_as_their_instruments_name_them(string file, string fscA, string fscH, string fscW, string sscA, string markers, string filler)
    {
        var fcs = FcsFile.Read(SharedData.Fcs(file));
        var expected = markers.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(m => m.Split('=')).ToDictionary(m => m[0], m => m[1]);
        var overrides = TbnkPanel.Default.Markers.Select(m => m.Name).Where(m => !expected.ContainsKey(m)).ToDictionary(m => m, _ => filler);
        var map = TbnkPanel.Default.ResolveChannels(fcs.Channels, overrides, file);
        Assert.Equal(fscA, map["FSC-A"]);
        Assert.Equal(fscH, map.GetValueOrDefault("FSC-H", "-"));
        Assert.Equal(fscW, map.GetValueOrDefault("FSC-W", "-"));
        Assert.Equal(sscA, map["SSC-A"]);
        foreach (var (marker, channel) in expected)
        {
            Assert.Equal(channel, map[marker]);
        }
    }
}
