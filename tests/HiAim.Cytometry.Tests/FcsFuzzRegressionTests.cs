using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>One test per distinct bug the fuzzer (<see cref="FcsFuzzTests"/>) found, on small hand-made files.</summary>
public sealed class FcsFuzzRegressionTests
{
    private const string Huge = "9223372036854775800"; // near long.MaxValue: base + value wraps negative

    private static byte[] One() => FcsBytes.Write(2, 10, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16 });

    /// <summary>A file whose second dataset is <paramref name="second"/> (offsets in it are relative to its own start).</summary>
    private static (byte[] File, int SecondAt) TwoDatasets(byte[] second)
    {
        var file = FcsBytes.Chain(One(), second);
        return (file, file.Length - second.Length);
    }

    [Fact]
    public void Huge_nextdata_in_a_later_dataset_does_not_wrap_around()
    {
        // Was: ArgumentOutOfRangeException from MemorySource.Read at a negative offset.
        var second = FcsBytes.SetKeyword(One(), "$NEXTDATA", Huge);
        var (file, at) = TwoDatasets(second);
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.ListDatasets(file));
        Assert.Equal(at + FcsBytes.KeywordOffset(second, "$NEXTDATA"), e.Offset);
        Assert.Contains("past the end of the file", e.Fault, StringComparison.Ordinal);
        Assert.Throws<FcsOffsetException>(() => FcsFile.Read(file, new FcsReadOptions { Dataset = 2 }));
    }

    [Fact]
    public void Huge_enddata_in_a_later_dataset_is_past_the_end_not_an_empty_segment()
    {
        // Was: base + $ENDDATA wrapped negative, the DATA looked empty and $TOT got the blame.
        var second = FcsBytes.SetKeyword(One(), "$ENDDATA", Huge);
        second = FcsBytes.SetHeaderField(FcsBytes.SetHeaderField(second, FcsBytes.DataStartField, 0), FcsBytes.DataEndField, 0);
        var (file, at) = TwoDatasets(second);
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.Read(file, FcsReadOptions.Lenient with { Dataset = 1 }));
        Assert.Equal(FcsSegment.Text, e.Segment);
        Assert.Equal(at + FcsBytes.KeywordOffset(second, "$ENDDATA"), e.Offset);
        Assert.Contains("ends past the end of the file", e.Fault, StringComparison.Ordinal);
        Assert.Contains($"relative to the dataset at byte {at}", e.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_past_eof_is_reported_where_the_offset_is_written()
    {
        // Was: Offset = the DATA end itself, a byte beyond the file.
        var one = One();
        var file = FcsBytes.SetHeaderField(FcsBytes.SetKeyword(one, "$ENDDATA", "100000014"), FcsBytes.DataEndField, "0");
        file = FcsBytes.SetHeaderField(file, FcsBytes.DataStartField, "0");
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.Read(file));
        Assert.Equal(FcsBytes.KeywordOffset(file, "$ENDDATA"), e.Offset);
        Assert.InRange(e.Offset, 0, file.Length);
    }

    [Fact]
    public void Huge_analysis_and_supplemental_text_ends_in_a_later_dataset_are_ignored_with_warnings()
    {
        // Was: base + end wrapped negative, passed the bounds check and failed as "too large to be keywords".
        var second = FcsBytes.SetKeyword(FcsBytes.SetKeyword(One(), "$BEGINANALYSIS", "100"), "$ENDANALYSIS", Huge);
        second = FcsBytes.SetKeyword(FcsBytes.SetKeyword(second, "$BEGINSTEXT", "100"), "$ENDSTEXT", Huge);
        var (file, _) = TwoDatasets(second);
        var f = FcsFile.Read(file, new FcsReadOptions { Dataset = 1 });
        Assert.Null(f.Analysis);
        Assert.Contains(f.Warnings, w => w.Code == "bad-analysis");
        Assert.Contains(f.Warnings, w => w.Code == "bad-supplemental-text");
    }

    [Theory]
    [InlineData("$DFC99999999999TO1", "12.5")] // was OverflowException from int.Parse
    [InlineData("$DFC1TO99999999999", "12.5")]
    [InlineData("$DFC1TO2", "1e400")] // was ArgumentException from Spillover (Infinity)
    [InlineData("$DFC1TO2", "NaN")]
    public void Bad_beckman_spillover_keywords_are_warnings(string keyword, string value)
    {
        var file = FcsBytes.Write(2, 10, null, [new(keyword, value)]);
        var f = FcsFile.Read(file);
        Assert.Null(f.Spillover);
        Assert.Contains(f.Warnings, w => w.Code == "bad-spillover");
    }

    [Fact]
    public void Beckman_detector_numbers_in_other_scripts_are_not_spillover()
    {
        // Was: Regex \d matched '٣' (Arabic-Indic three) and int.Parse threw FormatException.
        var file = FcsBytes.Write(2, 10, null, [new("$DFC٣TO1", "12.5")]);
        var f = FcsFile.Read(file);
        Assert.Null(f.Spillover);
        Assert.Equal("12.5", f.Keywords["$DFC٣TO1"]);
    }

    [Fact]
    public void Ascii_seeds_read()
    {
        var d = FcsFile.Read(FcsBytes.Ascii(delimited: true));
        Assert.Equal([123f, 120, 1.5f, 1000, 9], d.Events.Column(0).ToArray());
        Assert.Equal([456f, 4, -2, 0, 10], d.Events.Column(1).ToArray());
        var f = FcsFile.Read(FcsBytes.Ascii(delimited: false));
        Assert.Equal([123f, 120, 1.5f, 1000, 9], f.Events.Column(0).ToArray());
        Assert.Equal([456f, 4, -20, 0, 10], f.Events.Column(1).ToArray());
    }

    [Fact]
    public void Bad_fixed_width_ascii_value_is_located_in_the_file()
    {
        // Was: the offset within the DATA span (here 17), not within the file.
        var file = FcsBytes.Ascii(delimited: false, "01230456012000040;x3045601230456" + "01230456");
        var start = FcsFile.Read(file, new FcsReadOptions { SkipData = true }).DataStart;
        var e = Assert.Throws<FcsDataException>(() => FcsFile.Read(file));
        Assert.Equal(start + 16, e.Offset);
        Assert.Contains("ASCII value '0;x3' is not a number", e.Fault, StringComparison.Ordinal);
        using var stream = new MemoryStream(file);
        Assert.Equal(start + 16, Assert.Throws<FcsDataException>(() => FcsFile.Read(stream)).Offset);
    }

    [Fact]
    public void Nextdata_into_the_same_text_is_refused_before_it_costs_quadratic_time()
    {
        // n HEADERs in a row, all pointing at one large TEXT after them whose $NEXTDATA is 58: each dataset starts
        // inside the previous one's TEXT. Following the chain used to parse that TEXT n times.
        const int N = 2000;
        var filler = Enumerable.Range(0, 3000).Select(i => new KeyValuePair<string, string>($"K{i}", "some value")).ToArray();
        var single = FcsBytes.SetKeyword(FcsBytes.Write(2, 0, null, filler), "$NEXTDATA", "58");
        var text = FcsBytes.Text(single)!.Value;
        var textBytes = single.AsSpan(text.Start, text.End - text.Start + 1);
        var at = FcsHeader.Length * N;
        var file = new byte[at + textBytes.Length];
        for (var i = 0; i < N; i++)
        {
            var header = single.AsSpan(0, FcsHeader.Length).ToArray();
            header = FcsBytes.SetHeaderField(header, FcsBytes.TextStartField, at - (FcsHeader.Length * i));
            header = FcsBytes.SetHeaderField(header, FcsBytes.TextEndField, at - (FcsHeader.Length * i) + textBytes.Length - 1);
            header.CopyTo(file, FcsHeader.Length * i);
        }

        textBytes.CopyTo(file.AsSpan(at));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.ListDatasets(file));
        Assert.Contains("inside this dataset", e.Fault, StringComparison.Ordinal);
        Assert.Equal(at + FcsBytes.KeywordOffset(single, "$NEXTDATA") - text.Start, e.Offset);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Negative_or_garbage_nextdata()
    {
        var loop = FcsBytes.SetKeyword(One(), "$NEXTDATA", "-1");
        Assert.Equal(-1, FcsFile.Read(loop).NextDataOffset);
        var e = Assert.Throws<FcsOffsetException>(() => FcsFile.ListDatasets(loop));
        Assert.Equal(FcsBytes.KeywordOffset(loop, "$NEXTDATA"), e.Offset);
        Assert.Contains("before the start of the file", e.Fault, StringComparison.Ordinal);

        var garbage = FcsBytes.SetKeyword(One(), "$NEXTDATA", "soon");
        Assert.Single(FcsFile.ListDatasets(garbage));
        Assert.Contains(FcsFile.Read(garbage).Warnings, w => w.Code == "bad-nextdata");
    }

    [Fact]
    public void Stream_reads_of_small_files_rent_small_buffers()
    {
        // Was: a 2 MiB pooled buffer (1 MiB + 16 rounds up a bucket) for any DATA, even 40 bytes.
        var file = One();
        using (var warm = new MemoryStream(file))
        {
            FcsFile.Read(warm);
        }

        // Measured on a new thread, whose ArrayPool cache is empty (the warm-up returned its buffer to this one's).
        long allocated = -1;
        var thread = new Thread(() =>
        {
            using var stream = new MemoryStream(file);
            var before = GC.GetAllocatedBytesForCurrentThread();
            FcsFile.Read(stream);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        thread.Join();
        Assert.InRange(allocated, 0, 256 << 10);
    }
}
