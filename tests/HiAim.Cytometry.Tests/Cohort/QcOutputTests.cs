using System.Globalization;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using Microsoft.Data.Sqlite;
using static HiAim.Cytometry.Tests.CliRunner;

namespace HiAim.Cytometry.Tests.Cohort;

/// <summary>QC flags reach qc.csv and study.db with their value and threshold; a study.db of schema 2 is upgraded.</summary>
public sealed class QcOutputTests
{
    [Fact]
    public void Qc_csv_and_study_db_carry_each_flag_with_its_value_and_threshold()
    {
        var folder = CohortFixture.NewDirectory("qc-in");
        var output = CohortFixture.NewDirectory("qc-out");
        try
        {
            // A clog half-way: the acquisition stops for a tenth of its length.
            var source = FcsFile.Read(CohortFixture.Files(CohortFixture.Small)[0]);
            var events = source.ToChannelValues().Clone();
            var time = events.Column("Time");
            var gap = (time[^1] - time[0]) / 10;
            for (var i = time.Length / 2; i < time.Length; i++)
            {
                time[i] += gap;
            }

            var path = Path.Combine(folder, "clog.fcs");
            File.WriteAllBytes(path, FcsWriter.ToArray(events, source.Keywords));
            var expected = TbnkPanel.Default.Analyze(FcsFile.Read(path)).Flags;
            Assert.Contains(expected, f => f.Check == QcCheck.AcquisitionUnstable && f.Value is > 0 && f.Threshold is not null);

            Assert.Equal(0, Hiaim("count", folder, "--out", output).Code);
            var rows = CsvRows(Path.Combine(output, "qc.csv"));
            Assert.Equal(["file", "check", "value", "threshold", "reason"], rows[0]);
            Assert.Equal(
                expected.Select(f => new[] { "clog.fcs", f.Check.ToString(), f.Value is { } v ? Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture) : string.Empty, f.Threshold ?? string.Empty, f.Reason }),
                rows.Skip(1));

            var db = Path.Combine(output, CohortRun.DatabaseFileName);
            Assert.Equal(expected, ReadFlags(db));

            // Schema 2 (no value, threshold): the next run upgrades it in place and keeps going.
            using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "ALTER TABLE qc_flags DROP COLUMN value; ALTER TABLE qc_flags DROP COLUMN threshold; UPDATE meta SET value = '2' WHERE key = 'schema_version'";
                cmd.ExecuteNonQuery();
            }

            Assert.Equal(0, Hiaim("count", folder, "--out", output).Code);
            Assert.Equal(expected.Select(f => f with { Value = null, Threshold = null }), ReadFlags(db));
            using (var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
                Assert.Equal("3", cmd.ExecuteScalar());
            }
        }
        finally
        {
            Directory.Delete(folder, true);
            Directory.Delete(output, true);
        }
    }

    private static List<QcFlag> ReadFlags(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT check_name, reason, value, threshold FROM qc_flags ORDER BY file, ordinal";
        using var r = cmd.ExecuteReader();
        var flags = new List<QcFlag>();
        while (r.Read())
        {
            flags.Add(new QcFlag(Enum.Parse<QcCheck>(r.GetString(0)), r.GetString(1), r.IsDBNull(2) ? null : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return flags;
    }

    /// <summary>RFC 4180 rows (quoted fields may hold commas and doubled quotes).</summary>
    private static List<string[]> CsvRows(string path)
    {
        var rows = new List<string[]>();
        foreach (var line in File.ReadAllLines(path))
        {
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                var ch = line[i];
                if (quoted)
                {
                    if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (ch == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(ch);
                    }
                }
                else if (ch == '"')
                {
                    quoted = true;
                }
                else if (ch == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(ch);
                }
            }

            fields.Add(field.ToString());
            rows.Add([.. fields]);
        }

        return rows;
    }
}
