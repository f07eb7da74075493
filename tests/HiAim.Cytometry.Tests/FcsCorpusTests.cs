using System.Text.Json;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>Every file of ../shared/data/fcs against its expected JSON (two independent Python readers).</summary>
public sealed class FcsCorpusTests
{
    private const string Missing = "(../shared missing)";

    public static TheoryData<string> ExpectedFiles()
    {
        var rows = SharedData.Manifest()
            .Where(r => r["notes"].Contains("expected values:", StringComparison.Ordinal))
            .Select(r => r["path"]).ToList();
        return rows.Count == 0 ? new TheoryData<string>(Missing) : new TheoryData<string>(rows);
    }

    public static TheoryData<string> RefusedFiles()
    {
        var rows = SharedData.Manifest()
            .Where(r => r["notes"].Contains("no expected JSON", StringComparison.Ordinal))
            .Select(r => r["path"]).ToList();
        return rows.Count == 0 ? new TheoryData<string>(Missing) : new TheoryData<string>(rows);
    }

    internal static JsonElement Expected(string path)
    {
        var json = File.ReadAllText(SharedData.Fcs(Path.Combine("expected", path + ".json")));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    internal static bool Has(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>Options equivalent to the FlowIO call that produced the expectations.</summary>
    /// <remarks>FlowIO repairs nothing unasked: the equivalent is <see cref="FcsReadOptions.Strict"/> plus the named options.</remarks>
    internal static FcsReadOptions FlowIoOptions(JsonElement flowioOptions) => flowioOptions.ValueKind != JsonValueKind.Object
        ? new() { DoublePrecision = true, DoubledDelimiter = FcsDoubledDelimiter.Escape, RepairDefects = false }
        : new()
    {
        RepairDefects = false,
        DoublePrecision = true,
        DoubledDelimiter = FcsDoubledDelimiter.Escape, // FlowIO's reading; see Fcs20_doubled_delimiters_are_empty_values
        TolerateEndDataOffByOne = Has(flowioOptions, "ignore_offset_error"),
        PreferTextDataOffsets = Has(flowioOptions, "ignore_offset_discrepancy") && !Has(flowioOptions, "use_header_offsets"),
        PreferHeaderDataOffsets = Has(flowioOptions, "use_header_offsets"),
    };

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Reads_like_the_reference_readers(string path)
    {
        if (path == Missing)
        {
            SharedData.RequirePath();
        }

        var expected = Expected(path);
        var file = SharedData.Fcs(path);
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(expected.GetProperty("sha256").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        var flowIoRead = Has(expected, "first_3_events") && Has(expected, "text");
        if (flowIoRead)
        {
            var options = FlowIoOptions(expected.GetProperty("flowio_options"));
            var fcs = FcsFile.Read(file, options);
            AssertDataset(expected, fcs, checkText: true);
            CheckSpillover(expected, fcs);

            // Same bytes from memory and from a stream give the same dataset.
            AssertSameEvents(fcs, FcsFile.Read(bytes.AsMemory(), options));
            using (var stream = new MemoryStream(bytes))
            {
                AssertSameEvents(fcs, FcsFile.Read(stream, options));
            }

            if (expected.TryGetProperty("additional_datasets", out var more))
            {
                Assert.Equal(expected.GetProperty("n_datasets").GetInt32(), FcsFile.ListDatasets(file, options).Count);
                var i = 1;
                foreach (var ds in more.EnumerateArray())
                {
                    AssertDataset(ds, FcsFile.Read(file, options with { Dataset = i++ }), checkText: true);
                }
            }

            if (expected.TryGetProperty("alternative_reading", out var alt))
            {
                var altOptions = FlowIoOptions(alt.GetProperty("flowio_options")) with { PreferTextDataOffsets = false };
                if (Has(alt, "first_3_events"))
                {
                    AssertDataset(alt, FcsFile.Read(file, altOptions), checkText: false);
                }
                else
                {
                    // The reference reader refused this reading; so must we, with a located error.
                    var e = Assert.ThrowsAny<FcsFormatException>(() => FcsFile.Read(file, altOptions));
                    Assert.Contains("byte", e.Message, StringComparison.Ordinal);
                }
            }
        }

        if (expected.TryGetProperty("supplementary_fcsparser", out var sup) || !flowIoRead)
        {
            var fcsparser = flowIoRead ? sup : expected;
            if (Has(fcsparser, "first_3_events"))
            {
                // fcsparser masks to ceil(log2 $PnR) bits and uses HEADER data offsets when they disagree.
                var options = new FcsReadOptions
                {
                    DoublePrecision = true,
                    BitMask = FcsBitMask.PowerOfTwo,
                    PreferHeaderDataOffsets = true,
                    TolerateEndDataOffByOne = true,
                    TolerateExtraDataBytes = true,
                };
                AssertDataset(fcsparser, FcsFile.Read(file, options), checkText: false);
            }
        }
    }

    private static void AssertSameEvents(FcsFile a, FcsFile b)
    {
        Assert.Equal(a.EventCount, b.EventCount);
        for (var c = 0; c < a.Channels.Count; c++)
        {
            Assert.True(a.Events.Column(c).SequenceEqual(b.Events.Column(c)), $"channel {c} differs between path and memory/stream reads");
        }
    }

    internal static void AssertDataset(JsonElement expected, FcsFile fcs, bool checkText, bool checkNames = true)
    {
        if (Has(expected, "fcs_version"))
        {
            var version = expected.GetProperty("fcs_version").GetString()!;
            Assert.Equal(version.StartsWith("FCS", StringComparison.Ordinal) ? version : "FCS" + version, fcs.Version);
        }

        if (Has(expected, "par"))
        {
            Assert.Equal(expected.GetProperty("par").GetInt32(), fcs.Channels.Count);
            Assert.Equal(expected.GetProperty("tot").GetInt32(), fcs.EventCount);
        }

        if (checkNames && Has(expected, "pnn"))
        {
            var names = fcs.Channels.Where(c => fcs.Keywords.Contains($"$P{c.Number}N")).Select(c => c.Name).ToArray();
            Assert.Equal(expected.GetProperty("pnn").EnumerateArray().Select(x => x.GetString()!).ToArray(), names);
        }

        if (checkText && Has(expected, "text"))
        {
            var ours = fcs.Keywords.ToDictionary(k => Normalize(k.Key), k => k.Value);
            foreach (var kv in expected.GetProperty("text").EnumerateObject())
            {
                // FlowIO leaves the doubled delimiter of an escape in keywords; we collapse it, as the standard says.
                var name = kv.Name.Replace("\\\\", "\\", StringComparison.Ordinal);
                Assert.True(ours.TryGetValue(name, out var value), $"keyword '{kv.Name}' missing");
                Assert.Equal(kv.Value.GetString(), value);
            }
        }

        var raw = fcs.RawValues!;
        var n = expected.GetProperty("n_events_returned").GetInt32();
        Assert.Equal(n, fcs.EventCount);
        var first = expected.GetProperty("first_3_events").EnumerateArray().ToArray();
        for (var e = 0; e < first.Length; e++)
        {
            AssertEvent(first[e], raw, e);
        }

        var last = expected.GetProperty("last_3_events").EnumerateArray().ToArray();
        for (var e = 0; e < last.Length; e++)
        {
            AssertEvent(last[e], raw, n - last.Length + e);
        }

        var sums = expected.GetProperty("channel_sum").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var c = 0; c < sums.Length; c++)
        {
            var sum = 0.0;
            foreach (var v in raw[c])
            {
                sum += v;
            }

            Assert.True(Math.Abs(sum - sums[c]) <= 1e-9 * Math.Max(1, Math.Abs(sums[c])), $"channel {c} sum {sum} != {sums[c]}");

            // The float matrix holds the same values to float precision.
            var fsum = 0.0;
            foreach (var v in fcs.Events.Column(c))
            {
                fsum += v;
            }

            Assert.True(Math.Abs(fsum - sums[c]) <= 1e-6 * Math.Max(1, Math.Abs(sums[c])), $"channel {c} float sum {fsum} != {sums[c]}");
        }
    }

    private static void AssertEvent(JsonElement expected, IReadOnlyList<double[]> raw, int row)
    {
        var values = expected.EnumerateArray().ToArray();
        for (var c = 0; c < values.Length; c++)
        {
            var want = values[c].ValueKind == JsonValueKind.Null ? double.NaN : values[c].GetDouble();
            Assert.True(want.Equals(raw[c][row]), $"event {row} channel {c}: {raw[c][row]} != {want}");
        }
    }

    private static string Normalize(string keyword) => keyword.Trim().ToLowerInvariant().Replace("$", "", StringComparison.Ordinal);

    private static void CheckSpillover(JsonElement expected, FcsFile fcs)
    {
        if (!expected.TryGetProperty("spillover", out var spill) || !Has(spill, "matrix"))
        {
            return;
        }

        var s = fcs.Spillover;
        Assert.NotNull(s);
        Assert.Equal(spill.GetProperty("channels").EnumerateArray().Select(x => x.GetString()!).ToArray(), s.Detectors.ToArray());
        var rows = spill.GetProperty("matrix").EnumerateArray().ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            var cols = rows[i].EnumerateArray().ToArray();
            for (var j = 0; j < cols.Length; j++)
            {
                Assert.Equal(cols[j].GetDouble(), s[i, j]);
            }
        }
    }

    [Fact]
    public void Fcs20_doubled_delimiters_are_empty_values()
    {
        // CellQuest (FCS 2.0) writes '\$P3S\\\\$P4S\\\\$P6N\\FL1-A\\': empty labels, then $P6N. FlowIO reads the
        // doubled delimiters as escapes and loses $P6N; by default we read what the writer meant.
        var file = SharedData.Fcs("flowCore/0877408774.B08");
        var ours = FcsFile.Read(file);
        Assert.Equal("", ours.Keywords["$P3S"]);
        Assert.Equal("", ours.Keywords["$P4S"]);
        Assert.Equal("FL1-A", ours.Channels[5].Name);
        Assert.DoesNotContain(ours.Warnings, w => w.Code == "missing-name");

        var flowIo = FcsFile.Read(file, new FcsReadOptions { DoubledDelimiter = FcsDoubledDelimiter.Escape });
        Assert.False(flowIo.Keywords.Contains("$P6N"));
        Assert.Equal("FL1-A", flowIo.Keywords["$P3S\\$P4S\\$P6N"]);
    }

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public void Refuses_broken_files_with_a_located_error(string path)
    {
        if (path == Missing)
        {
            SharedData.RequirePath();
        }

        // Strict refuses every file no reference reader could read; by default only the unreadable ones stay
        // refused (FcsReadPolicyTests).
        var e = Assert.ThrowsAny<FcsFormatException>(() => FcsFile.Read(SharedData.Fcs(path), FcsReadOptions.Strict));
        Assert.Matches(@"at byte \d+", e.Message);
        Assert.True(e.Offset >= 0);
    }
}
