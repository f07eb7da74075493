using System.Globalization;
using System.Text;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// One test per repair and per refusal of the default reading policy, each defect injected into a valid file:
/// the warning's code, segment and offset, the values read, and <see cref="FcsReadOptions.Strict"/> refusing it.
/// </summary>
public sealed class FcsRepairTests
{
    private static readonly FcsWriteOptions Int16 = new() { DataType = FcsDataType.Integer, IntegerBits = 16 };

    private static byte[] Good() => FcsBytes.Write(2, 10, Int16);

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static float[] Column(FcsFile f, int c) => f.Events.Column(c).ToArray();

    private static FcsWarning Repair(FcsFile f, string code)
    {
        var w = Assert.Single(f.Warnings, w => w.IsRepair);
        Assert.Equal(code, w.Code);
        Assert.NotNull(w.Segment);
        Assert.Contains($"at byte {w.Offset}", w.ToString(), StringComparison.Ordinal);
        return w;
    }

    private static T Refused<T>(byte[] file, FcsReadOptions? options = null)
        where T : FcsFormatException
    {
        var e = Assert.Throws<T>(() => FcsFile.Read(file, options));
        Assert.Contains($"at byte {e.Offset}", e.Message, StringComparison.Ordinal);
        Assert.InRange(e.Offset, 0, file.Length);
        return e;
    }

    /// <summary>The good file with HEADER DATA offsets set to [start, end].</summary>
    private static byte[] WithHeaderData(byte[] file, long start, long end) =>
        FcsBytes.SetHeaderField(FcsBytes.SetHeaderField(file, FcsBytes.DataStartField, start), FcsBytes.DataEndField, end);

    [Fact]
    public void Stale_header_offsets_overlapping_text_are_replaced_by_the_text_ones()
    {
        var good = Good();
        var f = FcsFile.Read(good);
        var file = WithHeaderData(good, f.DataStart - 4, f.DataStart + f.DataLength - 5); // same length, starts in TEXT
        var read = FcsFile.Read(file);
        Assert.Equal(Column(f, 0), Column(read, 0));
        var w = Repair(read, "data-offset-discrepancy");
        Assert.Equal((FcsBytes.DataStartField, FcsSegment.Header), (w.Offset, w.Segment!.Value));
        Assert.Contains("the $BEGINDATA/$ENDDATA offsets are used", w.Message, StringComparison.Ordinal);
        Assert.Contains("overlaps the TEXT", w.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(FcsReadOptions.PreferTextDataOffsets), Refused<FcsOffsetException>(file, FcsReadOptions.Strict).LenienceOption);
    }

    [Fact]
    public void Stale_text_offsets_are_replaced_by_the_header_ones_that_hold_tot_events()
    {
        var good = Good();
        var f = FcsFile.Read(good);
        var end = f.DataStart + f.DataLength - 1;
        var file = FcsBytes.SetKeyword(good, "$ENDDATA", S(end + 30)); // a stale $ENDDATA, past the end of the file
        var read = FcsFile.Read(file);
        Assert.Equal(Column(f, 1), Column(read, 1));
        var w = Repair(read, "data-offset-discrepancy");
        Assert.Contains("the HEADER offsets are used", w.Message, StringComparison.Ordinal);
        Assert.Contains("ends past the end of the file", w.Message, StringComparison.Ordinal);
        Refused<FcsOffsetException>(file, FcsReadOptions.Strict);
    }

    [Fact]
    public void Two_offset_pairs_that_both_hold_the_events_are_ambiguous_and_refused()
    {
        // The DATA written twice: HEADER points at the second copy, TEXT at the first. Either could be right.
        var good = Good();
        var f = FcsFile.Read(good);
        var second = good.Length;
        var copy = good.AsSpan((int)f.DataStart, (int)f.DataLength).ToArray();
        for (var i = 0; i < copy.Length; i += 2)
        {
            copy[i] ^= 1; // a different event list, so the readings differ
        }

        var file = WithHeaderData([.. good, .. copy], second, second + f.DataLength - 1);
        var e = Refused<FcsOffsetException>(file);
        Assert.Equal(FcsBytes.DataStartField, e.Offset);
        Assert.Contains($"HEADER says {second}-{second + f.DataLength - 1}, $BEGINDATA/$ENDDATA say {f.DataStart}-{f.DataStart + f.DataLength - 1}", e.Fault, StringComparison.Ordinal);
        Assert.Contains("either reading is possible", e.Fault, StringComparison.Ordinal);
        Assert.Contains(nameof(FcsReadOptions.PreferHeaderDataOffsets), e.Fault, StringComparison.Ordinal);
        Assert.Equal(nameof(FcsReadOptions.PreferTextDataOffsets), e.LenienceOption);

        Assert.Equal(Column(f, 0), Column(FcsFile.Read(file, new FcsReadOptions { PreferTextDataOffsets = true }), 0));
        Assert.NotEqual(Column(f, 0), Column(FcsFile.Read(file, new FcsReadOptions { PreferHeaderDataOffsets = true }), 0));
    }

    [Fact]
    public void Two_offset_pairs_that_neither_hold_the_events_are_refused()
    {
        var good = Good();
        var f = FcsFile.Read(good);
        var file = FcsBytes.SetKeyword(WithHeaderData([.. good, .. new byte[8]], f.DataStart, f.DataStart + f.DataLength + 5), "$ENDDATA", S(f.DataStart + f.DataLength + 2));
        var e = Refused<FcsOffsetException>(file);
        Assert.Contains("neither segment holds the events", e.Fault, StringComparison.Ordinal);
        Assert.Contains("need 40", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Junk_after_begindata_takes_the_consistent_header_offsets()
    {
        // FlowJo 2.0 wrote '$BEGINDATA/768I'. The edit adds one byte to TEXT: DATA moves one byte on.
        var good = Good();
        var f = FcsFile.Read(good);
        var file = FcsBytes.SetKeyword(good, "$BEGINDATA", S(f.DataStart + 1) + "I");
        var read = FcsFile.Read(file);
        Assert.Equal(Column(f, 0), Column(read, 0));
        var w = Repair(read, "bad-data-offset-keyword");
        Assert.Equal((FcsBytes.KeywordOffset(file, "$BEGINDATA"), FcsSegment.Text), (w.Offset, w.Segment!.Value));
        Assert.Contains($"'{S(f.DataStart + 1)}I'", w.Message, StringComparison.Ordinal);
        Assert.Contains("HEADER DATA offsets", w.Message, StringComparison.Ordinal);
        Refused<FcsTextException>(file, FcsReadOptions.Strict);

        // When the HEADER does not describe the events either, nothing decides: refused.
        var both = FcsBytes.SetHeaderField(file, FcsBytes.DataEndField, f.DataStart + f.DataLength + 3);
        var e = Refused<FcsTextException>(both);
        Assert.Contains("cannot replace them", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Supplemental_text_that_is_not_text_is_ignored_with_a_warning()
    {
        // $BEGINSTEXT/$ENDSTEXT pointing at bytes after DATA that are not keywords (CyFlow, Partec).
        var good = Good();
        var junk = Encoding.ASCII.GetBytes("ABCDEFGHIJKLMNOP");
        // Zero-padded placeholders first, so filling in the real offsets does not move any byte.
        var withJunk = FcsBytes.SetKeyword(FcsBytes.SetKeyword([.. good, .. junk], "$BEGINSTEXT", "0000000000"), "$ENDSTEXT", "0000000000");
        var at = withJunk.Length - junk.Length;
        var file = FcsBytes.SetKeyword(FcsBytes.SetKeyword(withJunk, "$BEGINSTEXT", S(at).PadLeft(10, '0'), fixOffsets: false), "$ENDSTEXT", S(at + junk.Length - 1).PadLeft(10, '0'), fixOffsets: false);
        Assert.Equal(withJunk.Length, file.Length);

        var read = FcsFile.Read(file);
        Assert.Equal(Column(FcsFile.Read(good), 0), Column(read, 0));
        var w = Repair(read, "bad-supplemental-text");
        Assert.Equal((at, FcsSegment.SupplementalText), (w.Offset, w.Segment!.Value));
        Assert.Contains("not the TEXT delimiter", w.Message, StringComparison.Ordinal);
        Assert.Equal(FcsSegment.SupplementalText, Refused<FcsTextException>(file, FcsReadOptions.Strict).Segment);
    }

    [Fact]
    public void Truncated_data_is_refused_and_the_option_reads_the_whole_events_present()
    {
        // A copy cut 5 bytes short: 35 of 40 DATA bytes, 8 whole events of 10.
        var good = Good();
        var f = FcsFile.Read(good);
        var file = good[..^5];
        var e = Refused<FcsOffsetException>(file);
        Assert.Equal(nameof(FcsReadOptions.TolerateTruncatedData), e.LenienceOption);
        Assert.Contains("truncated", e.Fault, StringComparison.Ordinal);

        var read = FcsFile.Read(file, new FcsReadOptions { TolerateTruncatedData = true });
        Assert.Equal(8, read.EventCount);
        Assert.Equal(Column(f, 1)[..8], Column(read, 1));
        var lost = Assert.Single(read.Warnings, w => w.Code == "truncated-data");
        Assert.Contains("8 whole events are read and 2 are lost", lost.Message, StringComparison.Ordinal);
        Assert.Contains(read.Warnings, w => w.Code == "data-past-eof" && w.Offset == e.Offset);
    }

    [Fact]
    public void More_events_in_tot_than_in_data_is_refused_and_the_option_reads_those_present()
    {
        var good = Good();
        var file = FcsBytes.SetKeyword(good, "$TOT", "12");
        var e = Refused<FcsDataException>(file);
        Assert.Equal((FcsBytes.KeywordOffset(file, "$TOT"), nameof(FcsReadOptions.TolerateTruncatedData)), (e.Offset, e.LenienceOption));
        Assert.Contains("(10 whole events)", e.Fault, StringComparison.Ordinal);

        var read = FcsFile.Read(file, new FcsReadOptions { TolerateTruncatedData = true });
        Assert.Equal(Column(FcsFile.Read(good), 0), Column(read, 0));
        Assert.Contains("2 are lost", Repair(read, "truncated-data").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_version_is_refused_and_the_option_reads_it()
    {
        var file = Good();
        Encoding.ASCII.GetBytes("FCS9.9", file);
        var e = Refused<FcsHeaderException>(file);
        Assert.Equal((0L, nameof(FcsReadOptions.AllowUnknownVersion)), (e.Offset, e.LenienceOption));
        Assert.Contains("FCS9.9", e.Fault, StringComparison.Ordinal);
        Refused<FcsHeaderException>(file, FcsReadOptions.Strict);

        var read = FcsFile.Read(file, new FcsReadOptions { AllowUnknownVersion = true });
        Assert.Equal(Column(FcsFile.Read(Good()), 0), Column(read, 0));
        Assert.Equal(FcsSegment.Header, Repair(read, "unknown-version").Segment);
    }

    [Theory]
    [InlineData("C")]
    [InlineData("U")]
    public void Histogram_modes_are_refused_by_default_and_in_lenient_reading(string mode)
    {
        var file = FcsBytes.SetKeyword(Good(), "$MODE", mode);
        var e = Refused<FcsUnsupportedException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$MODE"), e.Offset);
        Refused<FcsUnsupportedException>(file, FcsReadOptions.Lenient with { TolerateTruncatedData = true, AllowUnknownVersion = true });
    }

    [Fact]
    public void Thousands_of_duplicate_keywords_give_a_bounded_warning_list()
    {
        // Probe R1: 300,000 duplicates once made 31 MB of warnings. The first 20 are listed, then a count.
        var file = FcsBytes.EditText(Good(), tokens =>
        {
            for (var i = 0; i < 5000; i++)
            {
                tokens.InsertRange(0, [Encoding.ASCII.GetBytes("DUP"), Encoding.ASCII.GetBytes(S(i))]);
            }
        });
        var read = FcsFile.Read(file);
        Assert.Equal("0", read.Keywords["DUP"]); // inserted last, so read last
        Assert.Equal(20, read.Warnings.Count(w => w.Code == "duplicate-keyword" && w.Offset > 0));
        var summary = Assert.Single(read.Warnings, w => w.Code == "duplicate-keyword" && w.Offset < 0);
        Assert.Contains("4979 more 'duplicate-keyword' warnings in Text not listed (4999 in all)", summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_file_reads_the_same_under_every_policy_without_a_warning()
    {
        var good = Good();
        var def = FcsFile.Read(good);
        Assert.Empty(def.Warnings);
        foreach (var options in new[] { FcsReadOptions.Strict, FcsReadOptions.Lenient })
        {
            var other = FcsFile.Read(good, options);
            Assert.Equal(Column(def, 0), Column(other, 0));
            Assert.Empty(other.Warnings);
        }
    }
}
