extern alias cohort;

using FsCheck;
using FsCheck.Fluent;
using HiAim.Cytometry.Cohort;
// The CLI compiles its own copy of CsvText (shared source): name the Cohort package's.
using CsvText = cohort::HiAim.Cytometry.Cohort.CsvText;

namespace HiAim.Cytometry.Tests.Cohort;

public sealed class SampleSheetPropertyTests
{
    /// <summary>Any field text without line breaks survives being written as a CSV field (quoted when needed) and read back.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Csv_fields_round_trip(NonNull<string>[] raw)
    {
        var fields = raw.Select(f => f.Get.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim()).ToList();
        var csv = CsvText.Write([["file", .. fields.Select((_, i) => $"c{i}")], ["x.fcs", .. fields]]);  // as counts.csv writes them
        if (fields.Count == 0)
        {
            csv = "file\nx.fcs\n";
        }

        var sheet = SampleSheet.Parse(new StringReader(csv), "p");
        return (sheet.Rows.Count == 1 && sheet.Rows[0].Values.SequenceEqual(fields)).Label(csv);
    }
}
