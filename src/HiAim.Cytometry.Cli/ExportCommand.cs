using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Cli;

/// <summary><c>hiaim export</c>: channel values, optionally compensated and transformed, as CSV or FCS 3.1.</summary>
internal static class ExportCommand
{
    public sealed record Request(string File, string Out, FcsReadOptions Options, bool Compensate, string? Transform);

    public static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        // Parse the transform before reading: a bad SPEC is a usage problem, reported before any work.
        var transform = request.Transform is null ? null : TransformSpec.Parse(request.Transform);
        var csv = request.Out.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !request.Out.EndsWith(".fcs", StringComparison.OrdinalIgnoreCase))
        {
            // The format follows the extension; guessing CSV for "x.txt" would hide a typo.
            throw new CliException($"--out {HiaimCli.Clip(request.Out)}: the extension must be .csv or .fcs");
        }

        HiaimCli.RequireFile(request.File);
        var fcs = FcsFile.Read(request.File, request.Options);
        var values = fcs.ToChannelValues();
        Spillover? spillover = null;
        if (request.Compensate)
        {
            try
            {
                // Mapped to the channels and inverted before anything is written: a spillover that cannot be applied is refused.
                spillover = fcs.SpilloverToApply() ?? throw new CliException("--compensate was asked but the file has no spillover keyword ($SPILLOVER, SPILL, $COMP or $DFCiTOj)");
            }
            catch (CompensationException e)
            {
                throw new CliException(e.Message);
            }

            values.CompensateInPlace(spillover);
        }

        if (transform is not null)
        {
            var detectors = fcs.SpilloverChannels;
            if (detectors.Count == 0)
            {
                throw new CliException(fcs.SpilloverProblem is { } problem
                    ? $"--transform applies to the spillover's detectors, but the file's spillover cannot be applied: {problem}"
                    : "--transform applies to the spillover's detectors, but the file has no spillover keyword");
            }

            foreach (var channel in detectors)
            {
                transform.Apply(values.Column(values.IndexOf(channel)));
            }
        }

        if (!csv)
        {
            var keywords = fcs.Keywords.ToList();
            keywords.Add(new("HIAIM VALUES", "channel values ($PnE, $PnG, $TIMESTEP applied)"));
            if (request.Compensate)
            {
                keywords.Add(new("HIAIM COMPENSATED", spillover!.Source));
            }

            if (request.Transform is not null)
            {
                keywords.Add(new("HIAIM TRANSFORM", request.Transform));
            }

            FcsWriter.Write(request.Out, values, keywords);
        }
        else
        {
            WriteCsv(request.Out, values);
        }

        stderr.WriteLine($"hiaim: wrote {values.EventCount} events × {values.ChannelCount} channels to {request.Out}");
        return HiaimCli.Ok;
    }

    /// <summary>One row per event, <c>$PnN</c> header, invariant culture, shortest round-trip floats.</summary>
    public static void WriteCsv(string path, EventMatrix values)
    {
        Internals.AtomicFile.WriteText(path, writer => WriteCsv(writer, values));
    }

    private static void WriteCsv(TextWriter writer, EventMatrix values)
    {
        using var csv = CsvText.Writer(writer);
        CsvText.WriteRow(csv, values.ChannelNames);
        for (var e = 0; e < values.EventCount; e++)
        {
            using var row = csv.NewRow();
            for (var c = 0; c < values.ChannelCount; c++)
            {
                row[c].Format(values[e, c]);  // float.TryFormat, invariant culture: the shortest round-trip text
            }
        }
    }
}
