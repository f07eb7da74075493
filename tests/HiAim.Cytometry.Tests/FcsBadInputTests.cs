using System.Globalization;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// Hand-patched <see cref="FcsWriter"/> output: each defect must raise the right member of the
/// <see cref="FcsFormatException"/> family, located at the byte that holds the fault, naming the fault
/// and, where one exists, the lenience option, which must then read the file.
/// </summary>
public sealed class FcsBadInputTests
{
    private static readonly FcsWriteOptions Int16 = new() { DataType = FcsDataType.Integer, IntegerBits = 16 };

    /// <summary>FCS 3.1, 2 channels × 10 events of 16-bit integers (40 DATA bytes), '/' delimiter.</summary>
    private static byte[] Good() => FcsBytes.Write(2, 10, Int16);

    private static int TextStart => FcsHeader.Length;

    private static T Fails<T>(byte[] file, FcsReadOptions? options = null)
        where T : FcsFormatException
    {
        var e = Assert.Throws<T>(() => FcsFile.Read(file, options));
        Assert.Contains($"at byte {e.Offset}", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.Fault, e.Message, StringComparison.Ordinal);
        Assert.InRange(e.Offset, 0, file.Length);
        if (e.LenienceOption is { } option)
        {
            Assert.Contains($"FcsReadOptions.{option} = true", e.Message, StringComparison.Ordinal);
        }

        return e;
    }

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void The_base_file_reads()
    {
        var f = FcsFile.Read(Good());
        Assert.Equal(10, f.EventCount);
        Assert.Equal(40, f.DataLength);
        Assert.Empty(f.Warnings);
    }

    [Fact]
    public void Header_too_short()
    {
        var e = Fails<FcsHeaderException>(Good()[..30]);
        Assert.Equal(FcsSegment.Header, e.Segment);
        Assert.Equal(30, e.Offset);
        Assert.Contains("inside the 58-byte HEADER", e.Fault, StringComparison.Ordinal);
        Assert.Null(e.LenienceOption);
    }

    [Fact]
    public void Empty_file()
    {
        var e = Fails<FcsHeaderException>([]);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void Not_an_FCS_tag()
    {
        var file = Good();
        "PNG3.1"u8.CopyTo(file);
        var e = Fails<FcsHeaderException>(file);
        Assert.Equal(0, e.Offset);
        Assert.Contains("version tag is 'PNG3.1'", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_offset_not_a_number()
    {
        var file = FcsBytes.SetHeaderField(Good(), FcsBytes.DataStartField, "12x4");
        var e = Fails<FcsHeaderException>(file);
        Assert.Equal(FcsBytes.DataStartField, e.Offset);
        Assert.Contains("DATA start offset field", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_end_past_eof()
    {
        var good = Good();
        var file = FcsBytes.SetHeaderField(good, FcsBytes.TextEndField, good.Length + 10);
        var e = Fails<FcsOffsetException>(file);
        Assert.Equal(FcsSegment.Header, e.Segment);
        Assert.Equal(FcsBytes.TextEndField, e.Offset);
        Assert.Contains("TEXT end offset", e.Fault, StringComparison.Ordinal);
        Assert.Contains("past the end of the file", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_delimiter_is_a_letter()
    {
        var file = Good();
        file[TextStart] = (byte)'K';
        var e = Fails<FcsTextException>(file);
        Assert.Equal(FcsSegment.Text, e.Segment);
        Assert.Equal(TextStart, e.Offset);
        Assert.Contains("'K' cannot be the delimiter", e.Fault, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$PAR")]
    [InlineData("$TOT")]
    [InlineData("$DATATYPE")]
    [InlineData("$BYTEORD")]
    [InlineData("$P2B")]
    public void Missing_required_keyword(string keyword)
    {
        var file = FcsBytes.SetKeyword(Good(), keyword, null);
        Assert.Equal(-1, FcsBytes.IndexOf(file, "/" + keyword + "/"));
        var e = Fails<FcsTextException>(file);
        Assert.Equal(FcsSegment.Text, e.Segment);
        Assert.Equal(TextStart, e.Offset); // a missing keyword is located at its TEXT segment
        Assert.Equal(keyword, e.Keyword);
        Assert.Contains($"required keyword {keyword} is missing", e.Fault, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999")]
    [InlineData("0")]
    [InlineData("2147483648")]
    [InlineData("two")]
    public void Par_implausible(string value)
    {
        var file = FcsBytes.SetKeyword(Good(), "$PAR", value);
        var e = Fails<FcsTextException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$PAR"), e.Offset);
        Assert.Equal("$PAR", e.Keyword);
        Assert.Contains(value, e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Tot_larger_than_the_data()
    {
        var file = FcsBytes.SetKeyword(Good(), "$TOT", "11");
        var e = Fails<FcsDataException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$TOT"), e.Offset);
        Assert.Equal(FcsSegment.Text, e.Segment); // the bad number is written in TEXT
        Assert.Contains("$TOT=11 events need 44 DATA bytes but the DATA segment has 40", e.Fault, StringComparison.Ordinal);

        // No lenience reads more events than there are bytes.
        Assert.Throws<FcsDataException>(() => FcsFile.Read(file, FcsReadOptions.Lenient));
    }

    [Fact]
    public void Tot_huge_is_refused_before_allocating()
    {
        var file = FcsBytes.SetKeyword(Good(), "$TOT", "2000000000");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails<FcsDataException>(file, FcsReadOptions.Lenient);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$TOT"), e.Offset);
    }

    [Theory]
    [InlineData("C")]
    [InlineData("U")]
    public void Histogram_modes_are_unsupported(string mode)
    {
        var file = FcsBytes.SetKeyword(Good(), "$MODE", mode);
        var e = Fails<FcsUnsupportedException>(file, FcsReadOptions.Lenient);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$MODE"), e.Offset);
        Assert.Contains($"$MODE is '{mode}'", e.Fault, StringComparison.Ordinal);
        Assert.Null(e.LenienceOption);
    }

    [Fact]
    public void Data_end_past_eof()
    {
        var good = Good();
        var end = good.Length + 40;
        var file = FcsBytes.SetHeaderField(FcsBytes.SetKeyword(good, "$ENDDATA", S(end)), FcsBytes.DataEndField, end);
        var e = Fails<FcsOffsetException>(file, FcsReadOptions.Lenient);
        Assert.Equal(FcsSegment.Text, e.Segment);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$ENDDATA"), e.Offset);
        Assert.Contains("ends past the end of the file", e.Fault, StringComparison.Ordinal);

        // 40 bytes past the end is not a writer's off-by-one: only the truncation option reads up to the end.
        Assert.Equal(nameof(FcsReadOptions.TolerateTruncatedData), e.LenienceOption);
        var read = FcsFile.Read(file, new FcsReadOptions { TolerateTruncatedData = true });
        Assert.Equal(FcsFile.Read(good).Events.Column(1).ToArray(), read.Events.Column(1).ToArray());
        Assert.Contains(read.Warnings, w => w.Code == "data-past-eof" && w.Offset == e.Offset && w.IsRepair);
    }

    [Fact]
    public void Data_end_past_eof_in_header_only()
    {
        // 3.1 with $BEGINDATA/$ENDDATA removed and TolerateMissingBeginData: the HEADER field is at fault.
        var good = FcsBytes.SetKeyword(FcsBytes.SetKeyword(Good(), "$BEGINDATA", null), "$ENDDATA", null);
        var file = FcsBytes.SetHeaderField(good, FcsBytes.DataEndField, good.Length + 40);
        var e = Fails<FcsOffsetException>(file, FcsReadOptions.Lenient);
        Assert.Equal(FcsSegment.Header, e.Segment);
        Assert.Equal(FcsBytes.DataEndField, e.Offset);
    }

    [Fact]
    public void Data_one_byte_too_long_suggests_and_accepts_TolerateEndDataOffByOne()
    {
        // $ENDDATA one past the last event, the extra byte present.
        var good = Good();
        var f = FcsFile.Read(good);
        var end = f.DataStart + f.DataLength; // one more than the last byte
        var file = FcsBytes.SetHeaderField(FcsBytes.SetKeyword([.. good, 0xEE], "$ENDDATA", S(end)), FcsBytes.DataEndField, end);
        var e = Fails<FcsOffsetException>(file, FcsReadOptions.Strict);
        Assert.Equal(nameof(FcsReadOptions.TolerateEndDataOffByOne), e.LenienceOption);
        Assert.Equal(end, e.Offset); // the surplus byte
        Assert.Contains("one byte past the last event", e.Fault, StringComparison.Ordinal);

        foreach (var options in new[] { FcsReadOptions.Default, FcsReadOptions.Strict with { TolerateEndDataOffByOne = true } })
        {
            var read = FcsFile.Read(file, options);
            Assert.Equal(10, read.EventCount);
            Assert.Equal(f.Events.Column(1).ToArray(), read.Events.Column(1).ToArray());
            var w = Assert.Single(read.Warnings, w => w.Code == "end-data-off-by-one");
            Assert.Equal((end, FcsSegment.Data, true), (w.Offset, w.Segment, w.IsRepair));
        }
    }

    [Fact]
    public void Data_end_one_past_eof_suggests_and_accepts_TolerateEndDataOffByOne()
    {
        var good = Good();
        var file = FcsBytes.SetHeaderField(FcsBytes.SetKeyword(good, "$ENDDATA", S(good.Length)), FcsBytes.DataEndField, good.Length);
        var e = Fails<FcsOffsetException>(file, FcsReadOptions.Strict);
        Assert.Equal(nameof(FcsReadOptions.TolerateEndDataOffByOne), e.LenienceOption);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$ENDDATA"), e.Offset);

        foreach (var options in new[] { FcsReadOptions.Default, FcsReadOptions.Strict with { TolerateEndDataOffByOne = true } })
        {
            var read = FcsFile.Read(file, options);
            Assert.Equal(FcsFile.Read(good).Events.Column(0).ToArray(), read.Events.Column(0).ToArray());
            var w = Assert.Single(read.Warnings, w => w.Code == "end-data-past-eof");
            Assert.Equal((e.Offset, FcsSegment.Text, true), (w.Offset, w.Segment, w.IsRepair));
        }
    }

    [Fact]
    public void Data_a_single_byte_for_two_byte_events()
    {
        // $ENDDATA = $BEGINDATA: a one-byte DATA segment cannot hold one 4-byte event.
        var good = Good();
        var start = FcsFile.Read(good).DataStart;
        var file = FcsBytes.SetHeaderField(FcsBytes.SetKeyword(FcsBytes.SetKeyword(good, "$ENDDATA", S(start)), "$TOT", "1"), FcsBytes.DataEndField, start);
        var e = Fails<FcsDataException>(file, FcsReadOptions.Lenient);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$TOT"), e.Offset);
        Assert.Contains("need 4 DATA bytes but the DATA segment has 1", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_data_bytes_suggest_and_accept_TolerateExtraDataBytes()
    {
        var good = Good();
        var f = FcsFile.Read(good);
        var end = f.DataStart + f.DataLength + 9;
        var file = FcsBytes.SetHeaderField(FcsBytes.SetKeyword([.. good, .. new byte[10]], "$ENDDATA", S(end)), FcsBytes.DataEndField, end);
        var e = Fails<FcsOffsetException>(file, FcsReadOptions.Strict);
        Assert.Equal(nameof(FcsReadOptions.TolerateExtraDataBytes), e.LenienceOption);
        Assert.Equal(f.DataStart + f.DataLength, e.Offset); // first surplus byte
        Assert.Equal(10, FcsFile.Read(file, FcsReadOptions.Strict with { TolerateExtraDataBytes = true }).EventCount);

        var read = FcsFile.Read(file);
        Assert.Equal(f.Events.Column(0).ToArray(), read.Events.Column(0).ToArray());
        var w = Assert.Single(read.Warnings, w => w.Code == "extra-data-bytes");
        Assert.Equal((e.Offset, FcsSegment.Data, true), (w.Offset, w.Segment, w.IsRepair));
        Assert.Contains("10 surplus bytes", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_and_text_data_offsets_disagree()
    {
        var good = Good();
        var f = FcsFile.Read(good);
        // HEADER points 4 bytes early (into TEXT); $BEGINDATA/$ENDDATA are right.
        var file = FcsBytes.SetHeaderField(FcsBytes.SetHeaderField(good, FcsBytes.DataStartField, f.DataStart - 4), FcsBytes.DataEndField, f.DataStart + f.DataLength - 5);
        var e = Fails<FcsOffsetException>(file, FcsReadOptions.Strict);
        Assert.Equal(FcsSegment.Header, e.Segment);
        Assert.Equal(FcsBytes.DataStartField, e.Offset);
        Assert.Equal(nameof(FcsReadOptions.PreferTextDataOffsets), e.LenienceOption);
        Assert.Contains("DATA offsets disagree", e.Fault, StringComparison.Ordinal);
        Assert.Contains("PreferHeaderDataOffsets", e.Fault, StringComparison.Ordinal);

        var text = FcsFile.Read(file, new FcsReadOptions { PreferTextDataOffsets = true });
        Assert.Equal(f.Events.Column(0).ToArray(), text.Events.Column(0).ToArray());
        Assert.Contains(text.Warnings, w => w.Code == "data-offset-discrepancy");

        var header = FcsFile.Read(file, new FcsReadOptions { PreferHeaderDataOffsets = true });
        Assert.Equal(f.DataStart - 4, header.DataStart);
        Assert.Equal(10, header.EventCount);
    }

    [Fact]
    public void Missing_begindata_in_31_suggests_and_accepts_TolerateMissingBeginData()
    {
        var good = Good();
        var file = FcsBytes.SetKeyword(FcsBytes.SetKeyword(good, "$BEGINDATA", null), "$ENDDATA", null);
        var e = Fails<FcsTextException>(file);
        Assert.Equal(TextStart, e.Offset);
        Assert.Equal("$BEGINDATA", e.Keyword);
        Assert.Equal(nameof(FcsReadOptions.TolerateMissingBeginData), e.LenienceOption);
        Assert.Contains("FCS3.1 requires $BEGINDATA and $ENDDATA", e.Fault, StringComparison.Ordinal);

        var read = FcsFile.Read(file, new FcsReadOptions { TolerateMissingBeginData = true });
        Assert.Equal(FcsFile.Read(good).Events.Column(1).ToArray(), read.Events.Column(1).ToArray());
        Assert.Contains(read.Warnings, w => w.Code == "missing-begindata");
    }

    [Fact]
    public void Nextdata_past_eof()
    {
        var good = Good();
        var file = FcsBytes.SetKeyword(good, "$NEXTDATA", S(good.Length + 1000));
        Assert.Equal(10, FcsFile.Read(file).EventCount); // the first dataset is fine
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.ListDatasets(file));
        Assert.Equal(FcsBytes.KeywordOffset(file, "$NEXTDATA"), e.Offset);
        Assert.Equal("$NEXTDATA", e.Keyword);
        Assert.Contains("past the end of the file", e.Fault, StringComparison.Ordinal);
        Assert.Throws<FcsOffsetException>(() => FcsFile.Read(file, new FcsReadOptions { Dataset = 1 }));
    }

    [Fact]
    public void Nextdata_loop()
    {
        // Three datasets; the third's $NEXTDATA points back to the first (relative offsets: negative).
        var one = Good();
        var linkLength = FcsBytes.Chain(one, []).Length; // one dataset with $NEXTDATA set
        var thirdAt = 2 * linkLength;
        var third = FcsBytes.SetKeyword(one, "$NEXTDATA", S(-thirdAt));
        var file = FcsBytes.Chain(one, FcsBytes.Chain(one, third));
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.ListDatasets(file));
        var keywordAt = thirdAt + FcsBytes.KeywordOffset(third, "$NEXTDATA");
        Assert.Equal(keywordAt, e.Offset);
        Assert.Contains("(a loop)", e.Fault, StringComparison.Ordinal);
        Assert.Equal(2, FcsFile.Read(file, new FcsReadOptions { Dataset = 2 }).DatasetIndex);
        Assert.Equal(thirdAt, FcsFile.Read(file, new FcsReadOptions { Dataset = 2 }).DatasetOffset);
        Assert.Throws<FcsOffsetException>(() => FcsFile.Read(file, new FcsReadOptions { Dataset = 3 }));
    }

    [Fact]
    public void Dataset_that_does_not_exist()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FcsFile.Read(Good(), new FcsReadOptions { Dataset = 1 }));
        Assert.Contains("Dataset 1 requested but the file has 1 dataset(s)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,2,5,4")]
    [InlineData("1,1,2,3")]
    [InlineData("little")]
    [InlineData(" ")]
    public void Bad_byteord(string value)
    {
        var file = FcsBytes.SetKeyword(Good(), "$BYTEORD", value);
        var e = Fails<FcsTextException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$BYTEORD"), e.Offset);
        Assert.Equal("$BYTEORD", e.Keyword);
    }

    [Fact]
    public void Mixed_byteord_for_a_different_width_is_unsupported()
    {
        var file = FcsBytes.SetKeyword(Good(), "$BYTEORD", "3,4,1,2");
        var e = Fails<FcsUnsupportedException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$BYTEORD"), e.Offset);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-8")]
    [InlineData("99999999999")]
    public void Bad_bit_width(string value)
    {
        var file = FcsBytes.SetKeyword(Good(), "$P1B", value);
        var e = Fails<FcsTextException>(file, FcsReadOptions.Lenient);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$P1B"), e.Offset);
        Assert.Equal("$P1B", e.Keyword);
        Assert.Contains("expected a bit width from 1 to 64", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_with_16_bits()
    {
        var file = FcsBytes.SetKeyword(FcsBytes.Write(2, 10), "$P2B", "16");
        var e = Fails<FcsTextException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$P2B"), e.Offset);
        Assert.Contains("$P2B is 16 but Single values are 32 bits", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_datatype()
    {
        var file = FcsBytes.SetKeyword(Good(), "$DATATYPE", "Q");
        var e = Fails<FcsTextException>(file);
        Assert.Equal(FcsBytes.KeywordOffset(file, "$DATATYPE"), e.Offset);
        Assert.Contains("expected I, F, D or A", e.Fault, StringComparison.Ordinal);
    }
}
