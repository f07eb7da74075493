using System.Globalization;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

namespace HiAim.Cytometry.Tests.Panels;

/// <summary>Issue 14 item 2: marker and scatter channels found as real instruments name them, compensation from the file's own keywords.</summary>
public sealed class InstrumentNamingTests(ITestOutputHelper output)
{
    private static readonly string[] Compared = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK"];

    /// <summary>The simulator channel of each TBNK marker (its $PnS in the default files).</summary>
    private static readonly Dictionary<string, string> MarkerChannel = new()
    {
        ["CD3"] = "FITC-A", ["CD16+56"] = "PE-A", ["CD45"] = "PerCP-Cy5-5-A", ["CD4"] = "PE-Cy7-A", ["CD19"] = "APC-A", ["CD8"] = "APC-Cy7-A",
    };

    /// <summary>Two small tubes (20,000 events) per profile, the same draws for every profile.</summary>
    private static readonly TbnkSimulationOptions Small = new() { Patients = 2, Timepoints = ["pre"], EventsPerFile = 20_000, Seed = 1402 };

    private static readonly Lazy<TbnkResult[]> DefaultResults = new(() =>
    {
        var sim = new TbnkSimulator(Small);
        return [.. sim.Samples.Select(s => TbnkPanel.Default.Analyze(FcsFile.Read(sim.Simulate(s).ToArray())))];
    });

    public static TheoryData<string> Profiles => [.. InstrumentProfile.All.Select(p => p.Name)];

    private static InstrumentProfile Profile(string name) => InstrumentProfile.All.Single(p => p.Name == name);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_profile_resolves_every_channel_and_counts_match_the_truth(string name)
    {
        var profile = Profile(name);
        var sim = new TbnkSimulator(Small with { Instrument = profile });
        var reference = new TbnkSimulator(Small);
        for (var i = 0; i < sim.Samples.Count; i++)
        {
            var file = sim.Simulate(sim.Samples[i]);
            var fcs = FcsFile.Read(file.ToArray());
            Assert.Equal(profile.ChannelNames, fcs.Channels.Select(c => c.Name));
            Assert.Equal(profile.Cytometer, fcs.Keywords["$CYT"]);

            // Same events underneath: the profile only names them.
            var plain = reference.Simulate(reference.Samples[i]);
            Assert.Equal(plain.Labels.ToArray(), file.Labels.ToArray());

            var map = TbnkPanel.Default.ResolveChannels(fcs.Channels);
            foreach (var (marker, channel) in MarkerChannel)
            {
                Assert.Equal(profile.ChannelFor(channel), map[marker]);
            }

            Assert.Equal(profile.ChannelFor("FSC-A"), map["FSC-A"]);
            Assert.Equal(profile.ChannelFor("SSC-A"), map["SSC-A"]);
            Assert.Equal(profile.ChannelFor("FSC-H"), map.GetValueOrDefault("FSC-H"));
            Assert.Equal(ExpectedWidth(profile), map.GetValueOrDefault("FSC-W"));

            // Compensation from the file's own keywords, with the channels' names, equal to what the events were spilled through.
            var spill = fcs.SpilloverToApply();
            Assert.NotNull(spill);
            Assert.Equal(profile.BeckmanCompensation ? "$DFCiTOj" : "$SPILLOVER", fcs.Spillover!.Source);
            Assert.Equal(file.Spillover.Detectors.Order(StringComparer.Ordinal), spill.Detectors.Order(StringComparer.Ordinal));
            var written = file.Spillover.Detectors.ToList();
            for (var r = 0; r < spill.Count; r++)
            {
                for (var c = 0; c < spill.Count; c++)
                {
                    Assert.Equal(file.Spillover[written.IndexOf(spill.Detectors[r]), written.IndexOf(spill.Detectors[c])], spill[r, c], 9);
                }
            }

            var result = TbnkPanel.Default.Analyze(fcs);
            var baseline = DefaultResults.Value[i];
            foreach (var pop in Compared)
            {
                var got = result[pop];
                var truth = file.Truth.CellsPerUl(pop);
                var error = Math.Abs((got.CellsPerUl / truth) - 1);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {file.Sample.SampleId} {pop}: {got.CellsPerUl:F0}/µL vs truth {truth:F0} ({100 * error:F2} %), events {got.Events} vs default profile {baseline[pop].Events}"));

                // The accuracy bound of TbnkAccuracyTests, also for the -A only tube whose doublets are not gated out (flagged).
                Assert.True(error <= 0.05, $"{name} {pop}: {got.CellsPerUl} vs truth {truth}");
                if (map.ContainsKey("FSC-H"))
                {
                    // Same events, same singlet gate: the same counts as the simulator's own file, up to an event's rounding at a gate edge.
                    Assert.InRange(got.Events, baseline[pop].Events - (baseline[pop].Events / 200) - 2, baseline[pop].Events + (baseline[pop].Events / 200) + 2);
                }
            }
        }
    }

    [Fact]
    public void The_default_profile_writes_the_simulators_own_file_byte_for_byte()
    {
        var a = new TbnkSimulator(Small);
        var b = new TbnkSimulator(Small with { Instrument = InstrumentProfile.Simulator });
        Assert.Equal(a.Simulate(a.Samples[0]).ToArray(), b.Simulate(b.Samples[0]).ToArray());
        Assert.NotEqual(a.Simulate(a.Samples[0]).ToArray(), new TbnkSimulator(Small with { Instrument = InstrumentProfile.FacsLyric }).Simulate(a.Samples[0]).ToArray());
    }

    [Fact]
    public void A_Navios_tube_writes_DFC_percentages_and_no_SPILLOVER()
    {
        var sim = new TbnkSimulator(Small with { Instrument = InstrumentProfile.NaviosKaluza });
        var fcs = FcsFile.Read(sim.Simulate(sim.Samples[0]).ToArray());
        Assert.False(fcs.Keywords.Contains("$SPILLOVER"));
        Assert.Equal(30, fcs.Keywords.Count(k => k.Key.StartsWith("$DFC", StringComparison.Ordinal)));
        Assert.Equal("CD45-KrO", fcs.Channels.Single(c => c.Name == "FL10 INT LOG").Label);
        Assert.True(fcs.Channels.Single(c => c.Name == "TIME").IsTime);
    }

    [Fact]
    public void Hiaim_count_counts_Attune_and_Navios_tubes()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"hiaim-names-{Guid.NewGuid():N}");
        var input = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        try
        {
            var expected = new Dictionary<string, TbnkResult>();
            foreach (var profile in new[] { InstrumentProfile.AttuneNxt, InstrumentProfile.NaviosKaluza })
            {
                var sim = new TbnkSimulator(Small with { Instrument = profile, Patients = 1 });
                var file = sim.Simulate(sim.Samples[0]);
                var path = Path.Combine(input, profile.Name + ".fcs");
                file.Write(path);
                expected[profile.Name + ".fcs"] = TbnkPanel.Default.Analyze(FcsFile.Read(path));
            }

            var (code, _, err) = CliRunner.Hiaim("count", input, "--out", Path.Combine(dir, "out"));
            Assert.True(code == 0, err);
            var lines = File.ReadAllLines(Path.Combine(dir, "out", "counts.csv"));
            var header = lines[0].Split(',');
            Assert.Equal(3, lines.Length);
            foreach (var line in lines.Skip(1))
            {
                var row = line.Split(',');
                var result = expected.Single(e => line.Contains(e.Key, StringComparison.Ordinal)).Value;
                foreach (var pop in Compared)
                {
                    Assert.Equal(result[pop].Events.ToString(CultureInfo.InvariantCulture), row[Array.IndexOf(header, pop + "_events")]);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The width channel a profile writes (gating singlets when FSC-H is missing), or null.</summary>
    private static string? ExpectedWidth(InstrumentProfile profile) =>
        profile.ChannelNames.FirstOrDefault(n => n is "FSC-W" or "FS TOF LIN");
}
