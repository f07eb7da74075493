using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// The default reading policy on real files: unambiguous defects are repaired with a warning that says what was
/// chosen, everything else is refused with a located error; <see cref="FcsReadOptions.Strict"/> refuses every defect.
/// </summary>
public sealed class FcsReadPolicyTests
{
    private const string Cyan = "cytoflow/tests/instruments/Beckman Coulter - Cyan.fcs";

    /// <summary>The repairs each corpus file needs by default (files not listed need none).</summary>
    private static readonly Dictionary<string, string[]> Repairs = new(StringComparer.Ordinal)
    {
        ["FlowIO/coulter.lmd"] = ["end-data-off-by-one"],
        ["FlowIO/data_start_offset_discrepancy_example.fcs"] = ["data-offset-discrepancy"],
        ["FlowIO/data_stop_offset_discrepancy_example.fcs"] = ["data-offset-discrepancy"],
        ["FlowKit/test_comp_example.fcs"] = ["end-data-off-by-one"],
        ["cytoflow/tests/instruments/Beckman Coulter - Cytomics FC500.LMD"] = ["end-data-off-by-one"],
        ["cytoflow/tests/instruments/Partec - CyFlow v2.9.fcs"] = ["end-data-past-eof"],
        ["cytoflow/tests/module_examples/stabilize.fcs"] = ["end-data-off-by-one"],
        ["fcsparser/MiltenyiBiotec/FCS3.1/EY_2013-07-19_PBS_FCS_3.1_Custom_Add_Well_A1.001.fcs"] = ["end-data-off-by-one"],
        ["fcsparser/MiltenyiBiotec/FCS3.1/EY_2013-07-19_PBS_FCS_3.1_Custom_Without_Add_Well_A1.001.fcs"] = ["end-data-off-by-one"],
        ["fcsparser/MiltenyiBiotec/FCS3.1/SG_2014-09-26_Duplicate_Names.fcs"] = ["end-data-off-by-one"],
    };

    /// <summary>Corpus files that stay refused by default: not FCS, cut short, or with two possible readings.</summary>
    private static readonly HashSet<string> RefusedByDefault = new(StringComparer.Ordinal)
    {
        "fcsparser/corrupted/corrupted.fcs",
        "fcsparser/cytek-nl-2000/sample_header.fcs",
        Cyan,
    };

    /// <summary>
    /// Files FlowIO returned no events for and fcsparser decoded differently from us. FC500: 10-bit values in 16-bit
    /// containers (DATA is 216,577 bytes = 27,072 events × 8 + 1; packed they would take 135,360); fcsparser's
    /// first events (155, 1, 17, 1) put side scatter at 0–2, ours (411, 273, 184, 134) are scatter and marker values.
    /// </summary>
    private static readonly HashSet<string> FcsparserMisreads = new(StringComparer.Ordinal)
    {
        "cytoflow/tests/instruments/Beckman Coulter - Cytomics FC500.LMD",
    };

    /// <summary>What the reader refused before the repair policy, and <see cref="FcsReadOptions.Strict"/> still refuses.</summary>
    private static readonly HashSet<string> RefusedByStrict = new(Repairs.Keys.Concat(RefusedByDefault), StringComparer.Ordinal);

    public static TheoryData<string> CorpusFiles()
    {
        // Every FCS/LMD row (the companions are matrices and lists, with no version).
        var rows = SharedData.Manifest().Where(r => r["fcs_version"].Length > 0 || r["path"].EndsWith(".fcs", StringComparison.OrdinalIgnoreCase)).Select(r => r["path"]).ToList();
        return rows.Count == 0 ? new TheoryData<string>("(../shared missing)") : new TheoryData<string>(rows);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_is_read_by_default_with_its_repairs_or_refused_with_a_located_error(string path)
    {
        var file = SharedData.Fcs(path);
        var options = new FcsReadOptions { DoublePrecision = true };
        if (RefusedByDefault.Contains(path))
        {
            var e = Assert.ThrowsAny<FcsFormatException>(() => FcsFile.Read(file, options));
            Assert.Matches(@"at byte \d+", e.Message);
            return;
        }

        var fcs = FcsFile.Read(file, options);
        var repairs = fcs.Warnings.Where(w => w.IsRepair).Select(w => w.Code).ToArray();
        Assert.Equal(Repairs.GetValueOrDefault(path, []), repairs);
        Assert.All(fcs.Warnings.Where(w => w.IsRepair), w => Assert.True(w.Offset > 0 && w.Segment is not null, w.ToString()));

        var expectedPath = SharedData.Fcs(Path.Combine("expected", path + ".json"));
        if (File.Exists(expectedPath) && !FcsparserMisreads.Contains(path))
        {
            // The values the reference readers agreed on; names are compared by the FlowIO-option test (FlowIO
            // reads FCS 2.0 doubled delimiters differently, which changes names, never events).
            // Where FlowIO returned no events (24-bit and packed widths), fcsparser's values are the reference.
            var expected = FcsCorpusTests.Expected(path);
            var reference = FcsCorpusTests.Has(expected, "first_3_events") ? expected : expected.GetProperty("supplementary_fcsparser");
            FcsCorpusTests.AssertDataset(reference, fcs, checkText: false, checkNames: false);
        }
        else
        {
            // No reference could read it (Partec), or the only one that did misread it: every masked value stays
            // inside its $PnR.
            Assert.True(fcs.EventCount > 0);
            foreach (var ch in fcs.Channels)
            {
                Assert.True(fcs.Events.Column(ch.Number - 1).ToArray().All(v => v >= 0 && v < ch.Range), ch.Name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Strict_refuses_exactly_the_files_refused_before_the_repair_policy(string path)
    {
        var file = SharedData.Fcs(path);
        if (RefusedByStrict.Contains(path))
        {
            var e = Assert.ThrowsAny<FcsFormatException>(() => FcsFile.Read(file, FcsReadOptions.Strict));
            Assert.Matches(@"at byte \d+", e.Message);
        }
        else
        {
            Assert.DoesNotContain(FcsFile.Read(file, FcsReadOptions.Strict).Warnings, w => w.IsRepair);
        }
    }

    [Fact]
    public void Cyan_offsets_are_ambiguous_and_the_header_reading_is_the_consistent_one()
    {
        // HEADER 2284-141219 and $BEGINDATA/$ENDDATA 2330-141265 both hold $TOT events inside the file: refused,
        // naming both readings. FlowIO (the expected JSON) takes TEXT, fcsparser the HEADER.
        var file = SharedData.Fcs(Cyan);
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.Read(file));
        Assert.Equal((FcsSegment.Header, 26L), (e.Segment, e.Offset));
        Assert.Contains("HEADER says 2284-141219, $BEGINDATA/$ENDDATA say 2330-141265", e.Fault, StringComparison.Ordinal);
        Assert.Contains("either reading is possible", e.Fault, StringComparison.Ordinal);
        Assert.Contains(nameof(FcsReadOptions.PreferHeaderDataOffsets), e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(FcsReadOptions.PreferTextDataOffsets), e.Message, StringComparison.Ordinal);

        // Evidence for the report: in the HEADER reading the 'Event Count' channel counts up by one per event; in
        // the TEXT reading every channel is shifted by one and the last events are the ANALYSIS's ASCII.
        int Consecutive(FcsFile f)
        {
            var c = f.Events.Column(f.Channels.Single(ch => ch.Name == "Event Count").Number - 1);
            var n = 0;
            for (var i = 1; i < c.Length; i++)
            {
                n += c[i] == c[i - 1] + 1 ? 1 : 0;
            }

            return n;
        }

        var header = FcsFile.Read(file, new FcsReadOptions { PreferHeaderDataOffsets = true });
        var text = FcsFile.Read(file, new FcsReadOptions { PreferTextDataOffsets = true });
        Assert.Equal(header.EventCount - 1, Consecutive(header));
        Assert.True(Consecutive(text) < text.EventCount / 100, $"{Consecutive(text)} consecutive in the TEXT reading");
    }

    public static TheoryData<string> FlowJoTutorialFiles()
    {
        var root = SharedData.Path is null ? null : Path.Combine(SharedData.Path, "data", "flowjo");
        var files = root is null || !Directory.Exists(root)
            ? []
            : Directory.EnumerateFiles(root, "*.fcs", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();
        return files.Count == 0 ? new TheoryData<string>("(../shared missing)") : new TheoryData<string>(files);
    }

    [Theory]
    [MemberData(nameof(FlowJoTutorialFiles))]
    public void FlowJo_tutorial_file_is_read_by_default_like_an_independent_decoding(string relative)
    {
        var path = Path.Combine(SharedData.RequirePath(), "data", "flowjo", relative);
        var bytes = File.ReadAllBytes(path);
        var fcs = FcsFile.Read(path);

        // '$BEGINDATA/768I' (FlowJo 2.0): the HEADER offsets, which hold exactly $TOT events, are used.
        var w = Assert.Single(fcs.Warnings, w => w.IsRepair);
        Assert.Equal("bad-data-offset-keyword", w.Code);
        Assert.Equal(Encoding.Latin1.GetString(bytes).IndexOf("$BEGINDATA", StringComparison.Ordinal), w.Offset);

        var (tot, columns) = IndependentPackedDecode(bytes);
        Assert.Equal(tot, fcs.EventCount);
        Assert.Equal(columns.Length, fcs.Channels.Count);
        for (var c = 0; c < columns.Length; c++)
        {
            Assert.Equal(columns[c], fcs.Events.Column(c).ToArray().Select(v => (int)v).ToArray());
        }
    }

    /// <summary>
    /// A second decoding of the tutorial files, sharing nothing with the reader: TEXT split on its delimiter,
    /// DATA located by the HEADER alone, each value read bit by bit, most significant bit first (big-endian).
    /// </summary>
    private static (int Tot, int[][] Columns) IndependentPackedDecode(byte[] file)
    {
        long Field(int at) => long.Parse(Encoding.ASCII.GetString(file, at, 8).Trim(), CultureInfo.InvariantCulture);
        var textStart = (int)Field(10);
        var textEnd = (int)Field(18);
        var dataStart = (int)Field(26);
        var delimiter = (char)file[textStart];
        var parts = Encoding.Latin1.GetString(file, textStart + 1, textEnd - textStart).Split(delimiter);
        var keywords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            keywords[parts[i].Trim()] = parts[i + 1].Trim();
        }

        Assert.Equal("4,3,2,1", keywords["$BYTEORD"]);
        var par = int.Parse(keywords["$PAR"], CultureInfo.InvariantCulture);
        var tot = int.Parse(keywords["$TOT"], CultureInfo.InvariantCulture);
        var widths = Enumerable.Range(1, par).Select(n => int.Parse(keywords[$"$P{n}B"], CultureInfo.InvariantCulture)).ToArray();
        var columns = widths.Select(_ => new int[tot]).ToArray();
        long bit = (long)dataStart * 8;
        for (var e = 0; e < tot; e++)
        {
            for (var c = 0; c < par; c++)
            {
                var v = 0;
                for (var b = 0; b < widths[c]; b++, bit++)
                {
                    v = (v << 1) | ((file[bit >> 3] >> (7 - (int)(bit & 7))) & 1);
                }

                columns[c][e] = v;
            }
        }

        return (tot, columns);
    }
}
