using static HiAim.Cytometry.Tests.CliRunner;
using System.Text.Json;
using HiAim.Cytometry.Cli;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary><c>hiaim info</c> run in-process, checked against ../shared/data/fcs/expected/*.json.</summary>
public sealed class CliInfoTests
{
    private static JsonElement Expected(string path) =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Fcs(Path.Combine("expected", path + ".json")))).RootElement.Clone();

    private static JsonElement InfoJson(string path, params string[] flags)
    {
        var (code, stdout, stderr) = Hiaim(["info", SharedData.Fcs(path), "--json", .. flags]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Equal("", stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(x => x.GetString()!)];

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();

    private static string NormalizeKeyword(string keyword) => keyword.Trim().ToLowerInvariant().Replace("$", "", StringComparison.Ordinal);

    /// <summary>Corpus file, extra flags (as FlowIO needed to read it), and the dataset FlowIO's expectations describe.</summary>
    public static TheoryData<string, string, int> Files() => new()
    {
        { "FlowIO/G11.fcs", "", 0 },
        { "FlowIO/data1.fcs", "", 0 },
        { "fcsparser/FACS_Diva/facs_diva_test.fcs", "", 0 },
        { "FlowIO/coulter.lmd", "--tolerate-off-by-one", 0 },
        { "FlowIO/coulter.lmd", "--tolerate-off-by-one", 1 },
        { "FlowKit/test_comp_example.fcs", "--tolerate-off-by-one", 0 },
        { "FlowKit/test_comp_example.fcs", "--lenient", 0 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Info_json_matches_the_reference_values(string path, string flags, int dataset)
    {
        var file = Expected(path);
        var expected = dataset == 0 ? file : file.GetProperty("additional_datasets")[dataset - 1];
        string[] extra = [.. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), .. dataset == 0 ? Array.Empty<string>() : ["--dataset", dataset.ToString(System.Globalization.CultureInfo.InvariantCulture)]];
        var json = InfoJson(path, extra);

        Assert.Equal(SharedData.Fcs(path), json.GetProperty("file").GetString());
        Assert.Equal(file.GetProperty("sha256").GetString(), json.GetProperty("sha256").GetString());
        Assert.Equal(expected.GetProperty("fcs_version").GetString(), json.GetProperty("fcs_version").GetString());
        Assert.Equal(file.TryGetProperty("n_datasets", out var nd) ? nd.GetInt32() : 1, json.GetProperty("datasets").GetInt32());
        Assert.Equal(dataset, json.GetProperty("dataset").GetInt32());
        Assert.Equal(expected.GetProperty("par").GetInt32(), json.GetProperty("par").GetInt32());
        Assert.Equal(expected.GetProperty("tot").GetInt32(), json.GetProperty("tot").GetInt32());
        Assert.Equal(expected.GetProperty("data_type").GetString(), json.GetProperty("data_type").GetString());

        var channels = json.GetProperty("channels").EnumerateArray().ToArray();
        Assert.Equal(expected.GetProperty("par").GetInt32(), channels.Length);
        Assert.Equal(Strings(expected.GetProperty("pnn")), channels.Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(Strings(expected.GetProperty("pns")), channels.Select(c => c.GetProperty("label").GetString()!).ToArray());
        Assert.All(channels, c => Assert.Equal(expected.GetProperty("data_type").GetString(), c.GetProperty("data_type").GetString()));
        Assert.All(channels, c => Assert.True(c.GetProperty("bits").GetInt32() > 0 && c.GetProperty("range").GetDouble() > 0));

        AssertEvents(expected.GetProperty("first_3_events"), json.GetProperty("first_events"));
        AssertEvents(expected.GetProperty("last_3_events"), json.GetProperty("last_events"));

        var wantSums = expected.GetProperty("channel_sum").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var sums = json.GetProperty("channel_sums").EnumerateArray().Select(Number).ToArray();
        Assert.Equal(wantSums.Length, sums.Length);
        for (var c = 0; c < sums.Length; c++)
        {
            Assert.True(Math.Abs(sums[c] - wantSums[c]) <= 1e-9 * Math.Max(1, Math.Abs(wantSums[c])), $"channel {c} sum {sums[c]} != {wantSums[c]}");
        }

        var spill = json.GetProperty("spillover");
        if (expected.TryGetProperty("spillover", out var wantSpill) && wantSpill.ValueKind == JsonValueKind.Object)
        {
            Assert.Equal(JsonValueKind.Object, spill.ValueKind);
            Assert.Equal(NormalizeKeyword(wantSpill.GetProperty("keyword").GetString()!), NormalizeKeyword(spill.GetProperty("keyword").GetString()!));
            Assert.Equal(Strings(wantSpill.GetProperty("channels")), Strings(spill.GetProperty("detectors")));
            var want = wantSpill.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
            var got = spill.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(Number).ToArray()).ToArray();
            Assert.Equal(want.Length, got.Length);
            for (var i = 0; i < want.Length; i++)
            {
                Assert.Equal(want[i], got[i]);
            }
        }

        // Every TEXT keyword, verbatim and in file order, as the library reads it.
        var options = new FcsReadOptions
        {
            Dataset = dataset,
            TolerateEndDataOffByOne = flags.Contains("--tolerate-off-by-one", StringComparison.Ordinal),
        };
        if (flags.Contains("--lenient", StringComparison.Ordinal))
        {
            options = FcsReadOptions.Lenient;
        }

        var library = FcsFile.Read(SharedData.Fcs(path), options);
        var keywords = json.GetProperty("keywords").EnumerateObject().Select(p => (p.Name, Value: p.Value.GetString()!)).ToArray();
        Assert.Equal([.. library.Keywords.Select(k => (k.Key, k.Value))], keywords);
        var warnings = json.GetProperty("warnings").EnumerateArray().Select(w => new FcsWarning(w.GetProperty("code").GetString()!, w.GetProperty("offset").GetInt64(), w.GetProperty("message").GetString()!)
        {
            Segment = w.GetProperty("segment").ValueKind == System.Text.Json.JsonValueKind.Null ? null : Enum.Parse<FcsSegment>(w.GetProperty("segment").GetString()!),
            IsRepair = w.GetProperty("repair").GetBoolean(),
        }).ToArray();
        Assert.Equal([.. library.Warnings], warnings);

        // And every keyword the reference reader found. FCS 2.0 files are skipped: FlowIO reads their doubled
        // delimiters as escapes where we read empty values (see FcsCorpusTests.Fcs20_doubled_delimiters_are_empty_values).
        if (!expected.GetProperty("fcs_version").GetString()!.StartsWith('2'))
        {
            var ours = keywords.ToDictionary(k => NormalizeKeyword(k.Name), k => k.Value);
            foreach (var kv in expected.GetProperty("text").EnumerateObject())
            {
                var name = kv.Name.Replace("\\\\", "\\", StringComparison.Ordinal);
                Assert.True(ours.TryGetValue(name, out var value), $"keyword '{kv.Name}' missing from the JSON");
                Assert.Equal(kv.Value.GetString(), value);
            }
        }
    }

    private static void AssertEvents(JsonElement expected, JsonElement actual)
    {
        var want = expected.EnumerateArray().ToArray();
        var got = actual.EnumerateArray().ToArray();
        Assert.Equal(want.Length, got.Length);
        for (var e = 0; e < want.Length; e++)
        {
            var w = want[e].EnumerateArray().Select(Number).ToArray();
            var g = got[e].EnumerateArray().Select(Number).ToArray();
            Assert.Equal(w.Length, g.Length);
            for (var c = 0; c < w.Length; c++)
            {
                Assert.True(w[c].Equals(g[c]), $"event {e} channel {c}: {g[c]} != {w[c]}");
            }
        }
    }

    [Fact]
    public void Info_json_is_one_document_with_keys_in_a_fixed_order()
    {
        var json = InfoJson("FlowIO/G11.fcs");
        string[] keys =
        [
            "file", "sha256", "fcs_version", "datasets", "dataset", "par", "tot", "data_type", "channels", "keywords",
            "first_events", "last_events", "channel_sums", "spillover", "warnings",
        ];
        Assert.Equal(keys, json.EnumerateObject().Select(p => p.Name).ToArray());

        // Deterministic: the same bytes every time.
        var path = SharedData.Fcs("FlowIO/G11.fcs");
        Assert.Equal(Hiaim("info", path, "--json").Out, Hiaim("info", "--json", path).Out);
    }

    [Fact]
    public void Info_json_writes_non_finite_values_as_null_and_numbers_round_trip()
    {
        var columns = new[]
        {
            new[] { float.NaN, 1f, 2f, 3f },
            new[] { 0.1f, float.PositiveInfinity, 1e-30f, 3.4028235e38f },
        };
        var path = Path.Combine(Path.GetTempPath(), $"hiaim-cli-{Guid.NewGuid():N}.fcs");
        try
        {
            FcsWriter.Write(path, new EventMatrix(["A", "B"], columns));
            var (code, stdout, stderr) = Hiaim("info", path, "--json");
            Assert.True(code == 0, stderr);
            var json = JsonDocument.Parse(stdout).RootElement;
            var first = json.GetProperty("first_events").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();
            Assert.Equal(JsonValueKind.Null, first[0][0].ValueKind);
            Assert.Equal(JsonValueKind.Null, first[1][1].ValueKind);
            Assert.Equal((double)0.1f, first[0][1].GetDouble());
            Assert.Equal((double)1e-30f, first[2][1].GetDouble());
            var last = json.GetProperty("last_events").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();
            Assert.Equal((double)3.4028235e38f, last[2][1].GetDouble());

            // A sum over a NaN (or an infinity) is not a number either.
            var sums = json.GetProperty("channel_sums").EnumerateArray().ToArray();
            Assert.Equal(JsonValueKind.Null, sums[0].ValueKind);
            Assert.Equal(JsonValueKind.Null, sums[1].ValueKind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Info_text_lists_channels_and_spillover()
    {
        var expected = Expected("FlowIO/G11.fcs");
        var (code, stdout, stderr) = Hiaim("info", SharedData.Fcs("FlowIO/G11.fcs"));
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Contains($"FCS version:  {expected.GetProperty("fcs_version").GetString()}", stdout, StringComparison.Ordinal);
        Assert.Contains($"$PAR:         {expected.GetProperty("par").GetInt32()}", stdout, StringComparison.Ordinal);
        Assert.Contains($"$TOT:         {expected.GetProperty("tot").GetInt32()}", stdout, StringComparison.Ordinal);
        var lines = stdout.Split('\n');
        var pnn = Strings(expected.GetProperty("pnn"));
        var pns = Strings(expected.GetProperty("pns"));
        for (var i = 0; i < pnn.Length; i++)
        {
            var number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(lines, l => l.TrimStart().StartsWith(number + "  " + pnn[i], StringComparison.Ordinal) && l.Contains(pns[i], StringComparison.Ordinal));
        }

        var spill = expected.GetProperty("spillover");
        Assert.Contains(lines, l => l.StartsWith("Spillover:", StringComparison.Ordinal)
            && l.Contains(spill.GetProperty("keyword").GetString()!, StringComparison.OrdinalIgnoreCase)
            && l.Contains($"({spill.GetProperty("n").GetInt32()} detectors)", StringComparison.Ordinal));
    }

    [Fact]
    public void Truncated_file_is_refused_with_a_located_one_line_error()
    {
        var (code, stdout, stderr) = Hiaim("info", SharedData.Fcs("fcsparser/corrupted/corrupted.fcs"), "--json");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Matches(@"at byte \d+", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Off_by_one_file_is_read_by_default_and_the_repair_is_shown()
    {
        // FlowIO needed ignore_offset_error for this file; we repair it by default and say so.
        Assert.True(Expected("FlowKit/test_comp_example.fcs").GetProperty("flowio_options").GetProperty("ignore_offset_error").GetBoolean());
        var (code, stdout, stderr) = Hiaim("info", SharedData.Fcs("FlowKit/test_comp_example.fcs"));
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("end-data-off-by-one at byte 773934 (Data)", stdout, StringComparison.Ordinal);

        var (jsonCode, json, _) = Hiaim("info", SharedData.Fcs("FlowKit/test_comp_example.fcs"), "--json");
        Assert.Equal(0, jsonCode);
        Assert.Contains("end-data-off-by-one", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_an_error_not_a_crash()
    {
        var (code, stdout, stderr) = Hiaim("info", Path.Combine(Path.GetTempPath(), $"hiaim-missing-{Guid.NewGuid():N}.fcs"));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("hiaim-missing-", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Dataset_out_of_range_is_an_error()
    {
        var (code, stdout, stderr) = Hiaim("info", SharedData.Fcs("FlowIO/G11.fcs"), "--dataset", "1");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("dataset 1", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("info")]
    [InlineData("info", "--bogus", "x.fcs")]
    [InlineData("info", "a.fcs", "b.fcs")]
    [InlineData("info", "x.fcs", "--dataset")]
    [InlineData("info", "x.fcs", "--dataset", "-1")]
    [InlineData("info", "x.fcs", "--json=yes")]
    [InlineData("info", "x.fcs", "--prefer-text-offsets", "--prefer-header-offsets")]
    public void Usage_errors_print_the_problem_and_where_the_help_is_on_stderr_and_exit_2(params string[] args)
    {
        var (code, stdout, stderr) = Hiaim(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("hiaim: ", lines[0], StringComparison.Ordinal);
        Assert.Equal(args[0] == "info" ? "run 'hiaim info --help'" : "run 'hiaim --help' for the commands", lines[1]);
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("info", "--help")]
    public void Help_prints_usage(params string[] args)
    {
        var (code, stdout, stderr) = Hiaim(args);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("hiaim info FILE", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("info", "hiaim info FILE")]
    [InlineData("export", "hiaim export FILE")]
    [InlineData("gate", "hiaim gate FILE...")]
    [InlineData("plot", "hiaim plot FILE")]
    [InlineData("simulate", "hiaim simulate --out DIR")]
    [InlineData("count", "hiaim count PATH...")]
    [InlineData("summary", "hiaim summary DIR")]
    [InlineData("report", "hiaim report DIR")]
    [InlineData("demo", "hiaim demo")]
    public void Command_help_prints_that_commands_help_only(string command, string synopsis)
    {
        var (code, stdout, stderr) = Hiaim(command, "--help");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains(synopsis, stdout, StringComparison.Ordinal);
        var others = new[] { "info", "export", "gate", "plot", "simulate", "count", "summary", "report", "demo" }.Where(c => c != command);
        Assert.All(others, o => Assert.DoesNotContain($"hiaim {o} ", stdout, StringComparison.Ordinal));
        // count's help carries the shared read options too: well under the whole usage, not always under half.
        Assert.True(stdout.Split('\n').Length < Hiaim("--help").Out.Split('\n').Length * 3 / 5, "a command's help is much shorter than the whole usage");

        // -h anywhere after the command, even beside bad arguments, is a request for help.
        Assert.Equal((0, stdout), Hiaim(command, "--bogus", "-h") is var (c2, o2, _) ? (c2, o2) : default);
    }

    [Fact]
    public void Version_prints_the_informational_version()
    {
        var (code, stdout, _) = Hiaim("--version");
        Assert.Equal(0, code);
        var attribute = (System.Reflection.AssemblyInformationalVersionAttribute)Attribute.GetCustomAttribute(
            typeof(HiaimCli).Assembly, typeof(System.Reflection.AssemblyInformationalVersionAttribute))!;
        Assert.False(string.IsNullOrWhiteSpace(attribute.InformationalVersion));
        Assert.Equal(attribute.InformationalVersion, stdout.Trim());
    }
}
