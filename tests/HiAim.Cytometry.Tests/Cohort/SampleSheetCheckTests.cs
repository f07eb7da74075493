using HiAim.Cytometry.Cohort;

namespace HiAim.Cytometry.Tests.Cohort;

/// <summary>Sample sheets are checked, not guessed: near misses and clashes refused, unknown columns named, bad rows listed.</summary>
public sealed class SampleSheetCheckTests
{
    private static SampleSheet Parse(string csv) => SampleSheet.Parse(new StringReader(csv), "s.csv");

    [Theory]
    [InlineData("beads", "beads_per_test")]
    [InlineData("Beads Per Test", "beads_per_test")]
    [InlineData("beads-per-tube", "beads_per_test")]
    [InlineData("volume", "volume_ul")]
    [InlineData("volume_ml", "volume_ul")]
    [InlineData("group", "arm")]
    [InlineData("pateint", "patient")]
    [InlineData("patient_id", "patient")]
    [InlineData("time_point", "timepoint")]
    [InlineData("timepiont", "timepoint")]
    [InlineData("filename", "file")]
    public void A_column_that_looks_like_a_known_one_is_an_error_naming_it(string column, string expected)
    {
        var csv = column == "filename" ? "filename,patient\nx.fcs,P1\n" : $"file,{column}\nx.fcs,1\n";
        var e = Assert.Throws<SampleSheetException>(() => Parse(csv));
        Assert.Contains($"'{column}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{expected}'", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, e.Line);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("events")]
    [InlineData("error")]
    [InlineData("qc_flags")]
    [InlineData("read_warnings")]
    [InlineData("NK_per_uL")]
    [InlineData("cd4_pct_lymphocytes")]
    [InlineData("T_events")]
    public void A_column_that_clashes_with_an_output_column_is_an_error(string column)
    {
        var e = Assert.Throws<SampleSheetException>(() => Parse($"file,{column}\nx.fcs,1\n"));
        Assert.Contains($"column '{column}' clashes with the columns that hiaim count writes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_columns_in_any_case_are_accepted_and_unknown_ones_named_once()
    {
        var sheet = Parse("File,Patient,ARM,timepoint,Beads_Per_Test,volume_uL,sex,age,note\na.fcs,P1,x,pre,50000,50,f,41,n\nb.fcs,P2,y,pre,51000,50,m,39,\n");
        Assert.Equal(2, sheet.Rows.Count);
        Assert.Equal(51000, sheet.Number(sheet.Rows[1], SampleSheet.BeadsPerTestColumn));
        var warning = Assert.Single(sheet.Warnings);
        Assert.Contains("'sex', 'age', 'note'", warning, StringComparison.Ordinal);
        Assert.Empty(Parse("file,patient\na.fcs,P1\n").Warnings);
    }

    [Fact]
    public void Every_bad_row_is_reported_with_its_line_in_one_error()
    {
        var e = Assert.Throws<SampleSheetException>(() => Parse(
            "file,beads_per_test,volume_ul\na.fcs,50000,50\nb.fcs,lots,50\nc.fcs,50000,-3\na.fcs,50000,50\nd.fcs,50000\n,1,1\ne.fcs,0,50\n"));
        Assert.Contains("6 bad rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3: beads_per_test 'lots' is not a positive number", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 4: volume_ul '-3' is not a positive number", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 5: file 'a.fcs' is listed twice (first on line 2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 6: 2 fields where the header has 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 7: the 'file' field is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 8: beads_per_test '0' is not a positive number", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
        Assert.True(e.Message.IndexOf("line 3:", StringComparison.Ordinal) < e.Message.IndexOf("line 8:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_huge_bad_value_is_echoed_clipped()
    {
        var e = Assert.Throws<SampleSheetException>(() => Parse($"file,volume_ul\na.fcs,{new string('x', 1_000_000)}\n"));
        Assert.True(e.Message.Length < 500, $"{e.Message.Length} characters");
    }

    /// <summary>The CSV rules of the Sep-based reader: quoting as spreadsheets write it, errors on the line (and column) they are on.</summary>
    [Theory]
    [InlineData("file,patient\r\n\r\n\"a, \"\"1\"\"\",P1\r\n", null, 0)]
    [InlineData("file,patient\nb.fcs,a \"b\" c\n", null, 0)]
    [InlineData("\n\nfile,patient\nb.fcs,\"P1\"x\n", "text after a closing quote at column 11", 4)]
    [InlineData("file,patient\nb.fcs,P1\n\"c.fcs,P2\nd.fcs,P3\n", "a quoted field is not closed (fields cannot span lines)", 3)]
    [InlineData("file,patient\nb.fcs,5\" tube,\"P1\"\n", "a quote inside an unquoted field at column 8", 2)]
    [InlineData("file,patient\nb.fcs,5\" tube\nc.fcs,P2\n", "a quote inside an unquoted field at column 8", 2)]
    public void Csv_quoting_and_where_it_fails(string csv, string? error, int line)
    {
        if (error is null)
        {
            var sheet = Parse(csv);
            Assert.Equal(csv.StartsWith("file,patient\r", StringComparison.Ordinal) ? "a, \"1\"" : "b.fcs", sheet.Rows[0].File);
            Assert.Equal(csv.Contains("b.fcs", StringComparison.Ordinal) ? "a \"b\" c" : "P1", sheet.Rows[0].Values[0]);
            Assert.Equal(csv.Contains("\r\n\r\n", StringComparison.Ordinal) ? 3 : 2, sheet.Rows[0].Line);
            return;
        }

        var e = Assert.Throws<SampleSheetException>(() => Parse(csv));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
    }
}
