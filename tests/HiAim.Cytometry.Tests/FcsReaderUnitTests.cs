using System.Text;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>Reader behaviours with exact expectations computed by hand.</summary>
public sealed class FcsReaderUnitTests
{
    private static List<(string Key, string Value)> Tokens(string text, bool escapes = true)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var reader = new FcsTextReader(bytes, escapes);
        var list = new List<(string, string)>();
        while (reader.Read())
        {
            list.Add((reader.GetKeyword(Encoding.Latin1), reader.GetValue(Encoding.Latin1)));
        }

        return list;
    }

    [Fact]
    public void Text_tokenizer_handles_escapes_empty_last_value_and_defects()
    {
        Assert.Equal([("A", "x/y"), ("B", "2")], Tokens("/A/x//y/B/2/"));
        Assert.Equal([("A", ""), ("B", "2")], Tokens("/A//B/2/", escapes: false));
        // A doubled delimiter that ends the segment is an empty value plus its terminator.
        Assert.Equal([("A", "1"), ("B", "")], Tokens("/A/1/B//"));
        // END offset one past the final delimiter: the extra byte is dropped.
        var past = new FcsTextReader(Encoding.ASCII.GetBytes("/A/1/B/2/X"));
        Assert.True(past.Read());
        Assert.True(past.Read());
        Assert.False(past.Read());
        Assert.Equal(FcsTextIrregularity.EndOffsetPastDelimiter, past.Irregularity);
        // Spaces after the final delimiter are padding, not a keyword.
        var pad = new FcsTextReader(Encoding.ASCII.GetBytes("/A/1/    "));
        Assert.True(pad.Read());
        Assert.False(pad.Read());
        Assert.Equal(FcsTextIrregularity.TrailingPadding, pad.Irregularity);
        // Unterminated last value is read, and flagged.
        var open = new FcsTextReader(Encoding.ASCII.GetBytes("|A|1|B|22"));
        Assert.True(open.Read());
        Assert.True(open.Read());
        Assert.Equal("22", open.GetValue(Encoding.ASCII));
        Assert.True(open.Irregularity.HasFlag(FcsTextIrregularity.UnterminatedValue));
    }

    [Theory]
    [InlineData(16, 1024.0, FcsBitMask.PowerOfTwo, 1023UL)]
    [InlineData(16, 1000.0, FcsBitMask.PowerOfTwo, 1023UL)]
    [InlineData(16, 1000.0, FcsBitMask.RangeMinusOne, 999UL)]
    [InlineData(16, 1000.0, FcsBitMask.None, 65535UL)]
    [InlineData(16, 65536.0, FcsBitMask.PowerOfTwo, 65535UL)]
    [InlineData(32, 11209599.0, FcsBitMask.PowerOfTwo, 16777215UL)]
    [InlineData(10, 0.0, FcsBitMask.PowerOfTwo, 1023UL)]
    [InlineData(64, 0.0, FcsBitMask.PowerOfTwo, ulong.MaxValue)]
    public void Range_masks(int bits, double range, FcsBitMask mode, ulong mask) =>
        Assert.Equal(mask, FcsReader.RangeMask(bits, range, mode));

    [Fact]
    public void Channel_values_apply_log_amplification_gain_and_timestep()
    {
        var m = new EventMatrix(2, ["FL1-H", "FSC-H", "Time"]);
        m[0, 0] = 0; m[1, 0] = 512;
        m[0, 1] = 100; m[1, 1] = 50;
        m[0, 2] = 10; m[1, 2] = 20;
        var keywords = new Dictionary<string, string>
        {
            ["$P1E"] = "4,0", ["$P1R"] = "1024", // 4 decades, offset 0 → 1 (FlowIO's rule)
            ["$P2G"] = "2.5",
            ["$TIMESTEP"] = "0.01",
        };
        var bytes = FcsWriter.ToArray(m, keywords, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16 });
        var file = FcsFile.Read(bytes.AsMemory());
        Assert.Equal(4, file.Channels[0].LogDecades);
        Assert.Equal(1, file.Channels[0].LogOffset);
        var values = file.ToChannelValues();
        Assert.Equal(1f, values[0, 0]);            // 1·10^(4·0/1024)
        Assert.Equal(100f, values[1, 0], 3);       // 1·10^(4·512/1024)
        Assert.Equal(40f, values[0, 1]);           // 100 / 2.5
        Assert.Equal(0.2f, values[1, 2], 6);       // 20 × 0.01
        Assert.Equal(512f, file.Events[1, 0]);     // raw stays raw
    }

    [Fact]
    public void Beckman_dfc_keywords_become_a_spillover_matrix()
    {
        var file = FcsFile.Read(SharedData.Fcs("cytoflow/tests/instruments/System II listmode with extra info in bits D10-D15.LMD"));
        var s = file.Spillover;
        Assert.NotNull(s);
        Assert.Equal("$DFCiTOj", s.Source);
        Assert.Equal(["FL1", "FL2", "FL3", "FL4"], s.Detectors);
        Assert.Equal(0.051, s[0, 1], 12); // $DFC1TO2 = 5.1 %
        Assert.Equal(0.511, s[2, 3], 12); // $DFC3TO4 = 51.1 %
        Assert.Equal(1.0, s[2, 2]);
    }

    [Fact]
    public void Analysis_segment_is_kept_as_bytes()
    {
        var file = FcsFile.Read(SharedData.Fcs("cytoflow/tests/instruments/System II listmode with extra info in bits D10-D15.LMD"));
        Assert.NotNull(file.Analysis);
        Assert.Equal(134016, file.Analysis.Offset);
        Assert.Equal(134041 - 134016 + 1, file.Analysis.Bytes.Length);
    }

    [Fact]
    public void Miltenyi_spillover_without_values_is_a_warning_not_a_crash()
    {
        var file = FcsFile.Read(SharedData.Fcs("fcsparser/MiltenyiBiotec/FCS3.1/EY_2013-07-19_PBS_FCS_3.1_Custom_Add_Well_A1.001.fcs"), new FcsReadOptions { TolerateEndDataOffByOne = true });
        Assert.Null(file.Spillover);
        Assert.Contains(file.Warnings, w => w.Code == "bad-spillover" && w.Message.Contains("$SPILLOVER", StringComparison.Ordinal));
        Assert.Contains(file.Warnings, w => w.Code == "end-data-off-by-one");
    }

    [Fact]
    public void Partec_padded_keywords_are_read_with_a_warning_and_the_off_by_one_end_repaired()
    {
        var path = SharedData.Fcs("cytoflow/tests/instruments/Partec - CyFlow v2.9.fcs");
        var strict = Assert.Throws<FcsOffsetException>(() => FcsFile.Read(path, FcsReadOptions.Strict));
        Assert.Equal(nameof(FcsReadOptions.TolerateEndDataOffByOne), strict.LenienceOption);
        // The error points at the number that is wrong: the $ENDDATA keyword in TEXT.
        Assert.Equal(System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path)).IndexOf("$ENDDATA", StringComparison.Ordinal), strict.Offset);
        Assert.Equal("$ENDDATA", strict.Keyword);

        var file = FcsFile.Read(path);
        Assert.Equal(72989, file.EventCount);
        Assert.Contains(file.Warnings, w => w.Code == "end-data-past-eof" && w.Offset == strict.Offset && w.IsRepair);
        Assert.Equal(file.Events.Column(0).ToArray(), FcsFile.Read(path, FcsReadOptions.Strict with { TolerateEndDataOffByOne = true }).Events.Column(0).ToArray());
        Assert.Equal("I", file.Keywords["$DATATYPE"]);
        Assert.Contains(file.Warnings, w => w.Code == "padded-keyword");
        foreach (var ch in file.Channels)
        {
            Assert.True(file.Events.Column(ch.Number - 1).ToArray().All(v => v >= 0 && v < ch.Range), $"{ch.Name} outside its $PnR after masking");
        }
    }

    [Fact]
    public void Coulter_lmd_lists_two_datasets_and_reads_the_second()
    {
        var path = SharedData.Fcs("FlowIO/coulter.lmd");
        var lenient = new FcsReadOptions { TolerateEndDataOffByOne = true };
        var list = FcsFile.ListDatasets(path, lenient);
        Assert.Equal(2, list.Count);
        Assert.Equal(["FCS2.0", "FCS3.0"], list.Select(d => d.Version));
        var second = FcsFile.Read(path, lenient with { Dataset = 1 });
        Assert.Equal(1, second.DatasetIndex);
        Assert.Equal(list[1].Offset, second.DatasetOffset);
        // In this file the second dataset's DATA precedes its own TEXT.
        Assert.True(second.DataStart < second.DatasetOffset + second.Header.TextStart);
        Assert.Equal(18110, second.EventCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => FcsFile.Read(path, lenient with { Dataset = 2 }));
    }

    [Fact]
    public void Fc500_ten_bit_values_sit_in_two_byte_containers()
    {
        var file = FcsFile.Read(SharedData.Fcs("cytoflow/tests/instruments/Beckman Coulter - Cytomics FC500.LMD"), new FcsReadOptions { TolerateEndDataOffByOne = true });
        Assert.Contains(file.Warnings, w => w.Code == "odd-bit-width" && w.Message.Contains("containers", StringComparison.Ordinal));
        Assert.Equal(27072 * 4 * 2 + 1, file.DataLength);
    }
}
