using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HiAim.Cytometry.Batch;
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Cli;

/// <summary>
/// <c>hiaim gate FILE... --strategy gates.xml [--json|--csv]</c>: applies a Gating-ML 2.0 strategy to
/// each file (in parallel across files) and prints counts and percentages per population, in argument
/// order. A file that cannot be read or gated is reported and the batch goes on; the exit code is 2
/// at the end if any file failed.
/// </summary>
internal static class GateCommand
{
    public enum Format
    {
        Text,
        Json,
        Csv,
    }

    /// <summary>One file's outcome: populations (and what to read them with), or an error message.</summary>
    public sealed record FileResult(string File, IReadOnlyList<PopulationResult>? Populations, string? Error, IReadOnlyList<string>? Warnings = null);

    public static int Run(IReadOnlyList<string> files, GatingStrategy strategy, FcsReadOptions options, Format format, TextWriter stdout, TextWriter stderr, Timing? timing = null)
    {
        // The library's public batch API does the work (parallel across files, results in input order, columns reused
        // from file to file); this command only formats. Counts stay valid after the batch moves on.
        var results = new List<FileResult>(files.Count);
        foreach (var item in strategy.ApplyMany(files, new BatchOptions { ReadOptions = options }))
        {
            // Whatever one file throws, the batch goes on and the other files keep their results.
            results.Add(item.Result is { } gated
                ? new FileResult(item.Path, gated.Gating.Populations, null, gated.Warnings)
                : new FileResult(item.Path, null, HiaimCli.Describe(item.Error!).Text));
        }

        timing?.Mark($"read and gate {files.Count} file(s)");

        foreach (var r in results.Where(r => r.Error is not null))
        {
            stderr.WriteLine($"hiaim: {r.File}: {r.Error}");
        }

        stdout.Write(format switch
        {
            Format.Json => ToJson(results),
            Format.Csv => ToCsv(results),
            _ => ToText(results),
        });
        timing?.Mark("format and write");
        timing?.Report(stderr);
        return results.Any(r => r.Error is not null) ? HiaimCli.Error : HiaimCli.Ok;
    }

    /// <summary>
    /// Wall-clock phases of one <c>hiaim gate</c> run, printed to stderr when the environment variable
    /// <c>HIAIM_TIMING</c> is set (where the time goes, without a profiler). Process start to <c>Main</c> (runtime
    /// start-up) comes from <c>/proc</c> in 10 ms clock ticks, so it is coarse; the phases after <c>Main</c> are
    /// timed with <see cref="System.Diagnostics.Stopwatch"/>.
    /// </summary>
    public sealed class Timing
    {
        private readonly List<(string Phase, double Ms)> _phases = [];
        private readonly long _main;
        private long _last;

        private Timing()
        {
            _main = Program.MainEntered != 0 ? Program.MainEntered : System.Diagnostics.Stopwatch.GetTimestamp();
            _last = _main;
        }

        public static Timing? FromEnvironment() => Environment.GetEnvironmentVariable("HIAIM_TIMING") is null ? null : new Timing();

        public void Mark(string phase)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            _phases.Add((_phases.Count == 0 ? "Main to " + phase : phase, System.Diagnostics.Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds));
            _last = now;
        }

        public void Report(TextWriter stderr)
        {
            // Process.StartTime is read from /proc (10 ms ticks); Main's entry, converted to wall-clock time.
            var mainWall = DateTime.UtcNow - System.Diagnostics.Stopwatch.GetElapsedTime(_main);
            var startup = (mainWall - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hiaim timing: {startup,7:F0} ms  process start to Main (±10 ms: /proc clock ticks)"));
            foreach (var (phase, ms) in _phases)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hiaim timing: {ms,7:F1} ms  {phase}"));
            }

            var total = System.Diagnostics.Stopwatch.GetElapsedTime(_main, _last).TotalMilliseconds;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hiaim timing: {total,7:F1} ms  Main to output written (GC: {GC.CollectionCount(0)} gen0, {GC.CollectionCount(2)} gen2, {GC.GetTotalPauseDuration().TotalMilliseconds:F1} ms paused, {GC.GetTotalAllocatedBytes() / 1e6:F0} MB allocated)"));
        }
    }

    public static string ToJson(IReadOnlyList<FileResult> results)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("files");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("file", r.File);
                if (r.Populations is null)
                {
                    w.WriteString("error", r.Error);
                }
                else
                {
                    w.WriteStartArray("warnings");
                    foreach (var warning in r.Warnings ?? [])
                    {
                        w.WriteStringValue(warning);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("populations");
                    foreach (var p in r.Populations)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", p.Id);
                        if (p.ParentId is null)
                        {
                            w.WriteNull("parent");
                        }
                        else
                        {
                            w.WriteString("parent", p.ParentId);
                        }

                        w.WriteNumber("count", p.Count);
                        w.WriteNumber("percent_parent", p.PercentOfParent);
                        w.WriteNumber("percent_total", p.PercentOfTotal);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    public static string ToCsv(IReadOnlyList<FileResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        List<string[]> rows = [["file", "population", "parent", "count", "percent_parent", "percent_total", "error", "warnings"]];
        foreach (var r in results)
        {
            if (r.Populations is null)
            {
                rows.Add([r.File, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, r.Error!, string.Empty]);
                continue;
            }

            var warnings = string.Join("; ", r.Warnings ?? []);
            foreach (var p in r.Populations)
            {
                rows.Add([r.File, p.Id, p.ParentId ?? string.Empty, p.Count.ToString(inv), p.PercentOfParent.ToString("R", inv), p.PercentOfTotal.ToString("R", inv), string.Empty, warnings]);
            }
        }

        return CsvText.Write(rows);
    }

    public static string ToText(IReadOnlyList<FileResult> results)
    {
        var sb = new StringBuilder();
        foreach (var r in results)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.File}\n");
            if (r.Populations is null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  error: {r.Error}\n");
                continue;
            }

            foreach (var warning in r.Warnings ?? [])
            {
                sb.Append(CultureInfo.InvariantCulture, $"  warning: {warning}\n");
            }

            var width = Math.Max(10, r.Populations.Max(p => p.Id.Length));
            var parentWidth = Math.Max(6, r.Populations.Max(p => (p.ParentId ?? "-").Length));
            sb.Append(CultureInfo.InvariantCulture, $"  {"population".PadRight(width)}  {"parent".PadRight(parentWidth)}  {"count",9}  {"% parent",9}  {"% total",9}\n");
            foreach (var p in r.Populations)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {p.Id.PadRight(width)}  {(p.ParentId ?? "-").PadRight(parentWidth)}  {p.Count,9}  {p.PercentOfParent,9:F2}  {p.PercentOfTotal,9:F2}\n");
            }
        }

        return sb.ToString();
    }
}
