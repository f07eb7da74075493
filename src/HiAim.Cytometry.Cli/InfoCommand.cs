using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Cli;

/// <summary><c>hiaim info</c>: what an FCS dataset holds, as text or as one JSON document.</summary>
internal static class InfoCommand
{
    /// <summary>Events shown at each end of the dataset in JSON.</summary>
    public const int EdgeEvents = 3;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] ChannelHeader = ["#", "Name ($PnN)", "Label ($PnS)", "Bits", "Range", "Type"];
    private static readonly bool[] ChannelRightAligned = [true, false, false, true, true, false];

    /// <summary>Reads dataset <see cref="FcsReadOptions.Dataset"/> of <paramref name="path"/> and prints it.</summary>
    /// <exception cref="FcsFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static int Run(string path, FcsReadOptions options, bool json, TextWriter stdout, TextWriter stderr)
    {
        HiaimCli.RequireFile(path);
        var datasets = FcsFile.ListDatasets(path, options);
        if (options.Dataset >= datasets.Count)
        {
            stderr.WriteLine($"hiaim: {path}: dataset {options.Dataset} requested but the file has {datasets.Count} dataset(s) (numbered from 0).");
            return HiaimCli.Error;
        }

        var fcs = FcsFile.Read(path, options with { DoublePrecision = json });
        if (json)
        {
            string sha256;
            using (var stream = File.OpenRead(path))
            {
                sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            stdout.WriteLine(ToJson(path, sha256, datasets.Count, fcs));
        }
        else
        {
            WriteText(path, datasets.Count, fcs, stdout);
        }

        return HiaimCli.Ok;
    }

    /// <summary>The version number without the <c>FCS</c> prefix, e.g. <c>3.1</c>.</summary>
    public static string VersionNumber(string version) =>
        version.StartsWith("FCS", StringComparison.OrdinalIgnoreCase) ? version[3..].Trim() : version.Trim();

    /// <summary>The <c>$DATATYPE</c> letter of a storage type.</summary>
    public static string Letter(FcsDataType type) => type switch
    {
        FcsDataType.Integer => "I",
        FcsDataType.Single => "F",
        FcsDataType.Double => "D",
        FcsDataType.Ascii => "A",
        _ => type.ToString(),
    };

    private static string DataType(FcsFile fcs) => fcs.Keywords.GetValueOrDefault("$DATATYPE")?.Trim() ?? string.Empty;

    /// <summary>The JSON document of <c>info --json</c> (keys in a fixed order).</summary>
    public static string ToJson(string path, string sha256, int datasetCount, FcsFile fcs)
    {
        var raw = fcs.RawValues ?? throw new InvalidOperationException("info --json needs the raw values in double precision.");
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("file", path);
            w.WriteString("sha256", sha256);
            w.WriteString("fcs_version", VersionNumber(fcs.Version));
            w.WriteNumber("datasets", datasetCount);
            w.WriteNumber("dataset", fcs.DatasetIndex);
            w.WriteNumber("par", fcs.Channels.Count);
            w.WriteNumber("tot", fcs.EventCount);
            w.WriteString("data_type", DataType(fcs));

            w.WriteStartArray("channels");
            foreach (var ch in fcs.Channels)
            {
                w.WriteStartObject();
                w.WriteNumber("number", ch.Number);
                w.WriteString("name", ch.Name);
                w.WriteString("label", ch.Label);
                w.WriteNumber("bits", ch.Bits);
                w.WritePropertyName("range");
                WriteNumber(w, ch.Range);
                w.WriteString("data_type", Letter(ch.DataType));
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartObject("keywords");
            foreach (var (keyword, value) in fcs.Keywords)
            {
                w.WriteString(keyword, value);
            }

            w.WriteEndObject();

            var n = fcs.EventCount;
            var edge = Math.Min(EdgeEvents, n);
            WriteEvents(w, "first_events", raw, 0, edge);
            WriteEvents(w, "last_events", raw, n - edge, edge);

            w.WriteStartArray("channel_sums");
            foreach (var column in raw)
            {
                var sum = 0.0;
                foreach (var v in column)
                {
                    sum += v;
                }

                WriteNumber(w, sum);
            }

            w.WriteEndArray();

            w.WritePropertyName("spillover");
            WriteSpillover(w, fcs.Spillover);

            // Objects, so a pipeline can pick out the repairs and where they are without parsing a message.
            w.WriteStartArray("warnings");
            foreach (var warning in fcs.Warnings)
            {
                w.WriteStartObject();
                w.WriteString("code", warning.Code);
                if (warning.Segment is { } segment)
                {
                    w.WriteString("segment", segment.ToString());
                }
                else
                {
                    w.WriteNull("segment");
                }

                w.WriteNumber("offset", warning.Offset);
                w.WriteBoolean("repair", warning.IsRepair);
                w.WriteString("message", warning.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteEvents(Utf8JsonWriter w, string name, IReadOnlyList<double[]> raw, int start, int count)
    {
        w.WriteStartArray(name);
        for (var e = start; e < start + count; e++)
        {
            w.WriteStartArray();
            foreach (var column in raw)
            {
                WriteNumber(w, column[e]);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteSpillover(Utf8JsonWriter w, Spillover? spillover)
    {
        if (spillover is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("keyword", spillover.Source);
        w.WriteStartArray("detectors");
        foreach (var d in spillover.Detectors)
        {
            w.WriteStringValue(d);
        }

        w.WriteEndArray();
        w.WriteStartArray("matrix");
        for (var i = 0; i < spillover.Count; i++)
        {
            w.WriteStartArray();
            for (var j = 0; j < spillover.Count; j++)
            {
                WriteNumber(w, spillover[i, j]);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A number in its shortest round-trip form; NaN and infinities (not JSON numbers) as <c>null</c>.</summary>
    private static void WriteNumber(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static void WriteText(string path, int datasetCount, FcsFile fcs, TextWriter o)
    {
        o.WriteLine($"File:         {path}");
        o.WriteLine($"FCS version:  {VersionNumber(fcs.Version)}");
        o.WriteLine(datasetCount == 1
            ? "Datasets:     1"
            : string.Create(Inv, $"Datasets:     {datasetCount} (showing dataset {fcs.DatasetIndex}, numbered from 0)"));
        o.WriteLine(string.Create(Inv, $"$PAR:         {fcs.Channels.Count}"));
        o.WriteLine(string.Create(Inv, $"$TOT:         {fcs.EventCount}"));
        o.WriteLine($"$DATATYPE:    {DataType(fcs)}");
        o.WriteLine();

        o.WriteLine("Channels:");
        var rows = fcs.Channels.Select(ch => new[]
        {
            ch.Number.ToString(Inv),
            ch.Name,
            ch.Label,
            ch.Bits.ToString(Inv),
            ch.Range.ToString("R", Inv),
            Letter(ch.DataType),
        }).ToList();
        WriteTable(o, ChannelHeader, rows, ChannelRightAligned);
        o.WriteLine();

        var s = fcs.Spillover;
        if (s is null)
        {
            o.WriteLine("Spillover:    none");
        }
        else
        {
            o.WriteLine(string.Create(Inv, $"Spillover:    {s.Source} ({s.Count} detectors)"));
            string[] spillHeader = ["", .. s.Detectors];
            var spillRows = Enumerable.Range(0, s.Count)
                .Select(i => (string[])[s.Detectors[i], .. Enumerable.Range(0, s.Count).Select(j => s[i, j].ToString("0.######", Inv))])
                .ToList();
            WriteTable(o, spillHeader, spillRows, rightAligned: [false, .. Enumerable.Repeat(true, s.Count)]);
            if (fcs.CompensatedAtAcquisition)
            {
                o.WriteLine("  Applied by the instrument when it wrote this FCS 2.0 dataset: the stored values are compensated.");
            }
            else if (fcs.SpilloverProblem is { } problem)
            {
                o.WriteLine($"  Cannot be applied: {problem}");
            }
        }

        o.WriteLine();
        if (fcs.Warnings.Count == 0)
        {
            o.WriteLine("Warnings:     none");
        }
        else
        {
            o.WriteLine(string.Create(Inv, $"Warnings:     {fcs.Warnings.Count}"));
            foreach (var w in fcs.Warnings)
            {
                o.WriteLine($"  {w}");
            }
        }
    }

    private static void WriteTable(TextWriter o, string[] header, List<string[]> rows, bool[] rightAligned)
    {
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        WriteRow(o, header, widths, rightAligned);
        foreach (var row in rows)
        {
            WriteRow(o, row, widths, rightAligned);
        }
    }

    private static void WriteRow(TextWriter o, string[] cells, int[] widths, bool[] rightAligned)
    {
        var line = new StringBuilder("  ");
        for (var c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                line.Append("  ");
            }

            line.Append(rightAligned[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
        }

        o.WriteLine(line.ToString().TrimEnd());
    }
}
