using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// Deterministic random-mutation fuzzing of the FCS reader over the corpus and small written files.
/// Every mutant is read from memory with default options, <see cref="FcsReadOptions.Lenient"/>, lenient
/// with <see cref="FcsReadOptions.SkipData"/>, lenient with <see cref="FcsReadOptions.DoublePrecision"/>,
/// as its second dataset and through <see cref="FcsFile.ListDatasets(ReadOnlyMemory{byte}, FcsReadOptions?)"/>
/// (every eighth also through a seekable stream, the chunked DATA path). A read must return, or throw an
/// <see cref="FcsFormatException"/> that says "at byte" and whose Offset lies in the file; it must finish
/// within the timeout and allocate no more than <see cref="AllocationBound"/>.
/// </summary>
/// <remarks>
/// Environment: <c>HIAIM_FUZZ_ITERATIONS</c> (mutants, default 1500), <c>HIAIM_FUZZ_START</c> (first
/// mutant index, to shard or replay), <c>HIAIM_FUZZ_SEED</c>, <c>HIAIM_FUZZ_TIMEOUT_MS</c> (per mutant,
/// default 20000), <c>HIAIM_FUZZ_OUT</c> (where failing mutants and progress are written, default
/// artifacts/fuzz). Mutant i depends only on the seed, i and the seed files, so any failure replays with
/// <c>HIAIM_FUZZ_START=i HIAIM_FUZZ_ITERATIONS=1</c>. Long sessions: <c>tools/fuzz.sh [mutants] [first] [seed]</c>.
/// </remarks>
public sealed class FcsFuzzTests(ITestOutputHelper output)
{
    private const int ReadsPerMutant = 6;

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>
    /// Most bytes a read of an <paramref name="inputLength"/>-byte file may allocate: 128 bytes per input byte plus 1 MiB.
    /// Justification: a DATA byte holds at most 8 values (1-bit packed integers), and each value becomes a float
    /// in the event matrix (4 bytes) plus, with DoublePrecision, a double (8 bytes): 96 bytes per byte. TEXT
    /// costs less per byte than that, except keyword-dense TEXT (UTF-16 strings, dictionary entries and a
    /// warning per duplicate keyword), which stays below ~100 bytes per byte. The 1 MiB covers fixed costs
    /// (the pooled 1 MiB DATA chunk of stream reads, first-use statics, JIT/regex caches).
    /// </summary>
    internal static long AllocationBound(long inputLength) => (128 * inputLength) + (1 << 20);

    private static readonly (string Name, FcsReadOptions Options)[] Configs =
    [
        ("default", FcsReadOptions.Default),
        ("lenient", FcsReadOptions.Lenient),
        ("lenient+skip", FcsReadOptions.Lenient with { SkipData = true }),
        ("lenient+double", FcsReadOptions.Lenient with { DoublePrecision = true }),
    ];

    /// <summary>
    /// Seed files with weights: the corpus as it is (weight 1 above 128 KiB, else 8), each large corpus file also
    /// cut to 2,000 events (weight 8, so most mutants stay cheap), and the written files (weight 8).
    /// </summary>
    internal static List<(string Name, byte[] Bytes, int Weight)> Seeds()
    {
        const int Large = 128 << 10;
        var seeds = new List<(string, byte[], int)>();
        foreach (var row in SharedData.Manifest())
        {
            if (row["fcs_version"].Length > 0)
            {
                var bytes = File.ReadAllBytes(SharedData.Fcs(row["path"]));
                seeds.Add((row["path"], bytes, bytes.Length > Large ? 1 : 8));
                if (bytes.Length > Large && FcsBytes.Shrink(bytes, 2000) is { } small)
                {
                    seeds.Add((row["path"] + "@2000", small, 8));
                }
            }
        }

        seeds.AddRange(SyntheticSeeds().Select(s => (s.Name, s.Bytes, 8)));
        return seeds;
    }

    internal static IEnumerable<(string Name, byte[] Bytes)> SyntheticSeeds()
    {
        KeyValuePair<string, string>[] spill = [new("$SPILLOVER", "2,Ch1,Ch2,1,0.1,0.05,1"), new("$DFC1TO2", "12.5"), new("$TIMESTEP", "0.01")];
        yield return ("w:F-le", FcsBytes.Write(3, 40, null, spill));
        yield return ("w:D-be", FcsBytes.Write(2, 20, new FcsWriteOptions { DataType = FcsDataType.Double, LittleEndian = false }));
        yield return ("w:I16-be", FcsBytes.Write(4, 30, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16, LittleEndian = false }));
        yield return ("w:I-packed-le", FcsBytes.Write(5, 25, new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = [10, 3, 1, 12, 7], PackOddWidths = true }));
        yield return ("w:I-packed-be", FcsBytes.Write(5, 25, new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = [10, 3, 1, 12, 7], PackOddWidths = true, LittleEndian = false, Version = "3.2" }));
        yield return ("w:I-odd-containers", FcsBytes.Write(2, 20, new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = [10, 24] }));
        yield return ("w:I8", FcsBytes.Write(1, 16, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 8 }));
        yield return ("w:I-mixed-be", FcsBytes.Write(4, 12, new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = [8, 16, 32, 64], LittleEndian = false }));
        yield return ("w:I1-packed", FcsBytes.Write(1, 800, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 1, PackOddWidths = true }));
        var many = Enumerable.Range(1, 40).Select(i => new KeyValuePair<string, string>($"KEY{i}", i % 3 == 0 ? "a/b//c" : $"v{i}"))
            .Concat([new("$P1E", "4,1"), new("$P2N", "Time"), new("$COMP", "2,1,0,0,1"), new("$DFC2TO1", "3")]).ToArray();
        yield return ("w:many-keywords", FcsBytes.Write(2, 10, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16, Delimiter = '/' }, many));
        yield return ("w:two-datasets", FcsBytes.Chain(
            FcsBytes.Write(2, 10, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16 }),
            FcsBytes.Write(3, 5, null, null, seed: 2)));
        yield return ("w:empty", FcsBytes.Write(2, 0));
        yield return ("w:ascii-delimited", FcsBytes.Ascii(delimited: true));
        yield return ("w:ascii-fixed", FcsBytes.Ascii(delimited: false));
        yield return ("w:fcs2.0", [.. "FCS2.0"u8, .. FcsBytes.SetKeyword(FcsBytes.Write(3, 12, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16, Delimiter = '\\' }), "$TOT", null).AsSpan(6)]);
    }

    [Fact]
    public void Large_corpus_files_shrink_to_cheap_seeds()
    {
        SharedData.RequirePath();
        var shrunk = Seeds().Count(s => s.Name.EndsWith("@2000", StringComparison.Ordinal));
        Assert.True(shrunk >= 30, $"only {shrunk} corpus files could be cut to 2,000 events");
    }

    [Fact]
    public void Synthetic_seeds_read_with_default_options()
    {
        foreach (var (name, bytes) in SyntheticSeeds())
        {
            var f = FcsFile.Read(bytes, new FcsReadOptions { DoublePrecision = true });
            Assert.True(f.Warnings.All(w => w.Code is "odd-bit-width" or "derived-tot"), $"{name}: {string.Join("; ", f.Warnings)}");
            Assert.Equal(name == "w:two-datasets" ? 2 : 1, FcsFile.ListDatasets(bytes).Count);
        }
    }

    private sealed record Failure(string Kind, string Seed, int Iteration, string Config, string Detail, string? SavedAs)
    {
        public int Count;
    }

    [Fact]
    public void Mutants_fail_only_with_located_FcsFormatExceptions()
    {
        SharedData.RequirePath();
        var iterations = Env("HIAIM_FUZZ_ITERATIONS", 1500);
        var start = Env("HIAIM_FUZZ_START", 0);
        var baseSeed = Env("HIAIM_FUZZ_SEED", 20_260_127);
        var timeout = TimeSpan.FromMilliseconds(Env("HIAIM_FUZZ_TIMEOUT_MS", 20_000));
        var outDir = Environment.GetEnvironmentVariable("HIAIM_FUZZ_OUT")
            ?? Path.Combine(SharedData.RepositoryRoot() ?? Path.GetTempPath(), "artifacts", "fuzz");
        Directory.CreateDirectory(outDir);

        var seeds = Seeds();
        var schedule = seeds.SelectMany(s => Enumerable.Repeat((s.Name, s.Bytes), s.Weight)).ToArray();
        var failures = new ConcurrentDictionary<string, Failure>();
        long executions = 0, thrown = 0, maxRatioMilli = 0;
        var next = start - 1;
        var clock = Stopwatch.StartNew();

        void Record(string kind, string bucket, string seed, int i, string config, string detail, byte[] mutant)
        {
            var f = failures.GetOrAdd(bucket, _ =>
            {
                var file = Path.Combine(outDir, $"{kind}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bucket)))[..12]}.fcs");
                File.WriteAllBytes(file, mutant);
                return new Failure(kind, seed, i, config, detail, file);
            });
            Interlocked.Increment(ref f.Count);
        }

        void Worker()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= start + iterations)
                {
                    return;
                }

                var (name, seed) = schedule[i % schedule.Length];
                var rnd = new Random(HashCode32(baseSeed, i));
                var mutant = new FcsMutator(rnd).Mutate(seed);
                var current = new System.Runtime.CompilerServices.StrongBox<string?>("");
                var task = Task.Run(() => RunMutant(mutant, i, current));
                if (!task.Wait(timeout))
                {
                    var config = current.Value ?? "";
                    Record("hang", $"hang:{name}:{config}", name, i, config, $"no result after {timeout.TotalSeconds:0} s", mutant);
                    continue;
                }

                foreach (var r in task.Result)
                {
                    Interlocked.Increment(ref executions);
                    if (r.Error is not null)
                    {
                        Interlocked.Increment(ref thrown);
                    }

                    var ratio = (long)(1000.0 * Math.Max(0, r.Allocated - (1 << 20)) / Math.Max(1, mutant.Length));
                    InterlockedMax(ref maxRatioMilli, ratio);
                    if (r.Allocated > AllocationBound(mutant.Length))
                    {
                        Record("alloc", $"alloc:{r.Config}:{Frame(r.Error)}", name, i, r.Config, $"allocated {r.Allocated} bytes for a {mutant.Length}-byte input (bound {AllocationBound(mutant.Length)}); {r.Error?.GetType().Name}", mutant);
                    }

                    var problem = Judge(r.Config, r.Error, mutant.Length);
                    if (problem is not null)
                    {
                        Record("crash", $"crash:{r.Error!.GetType().Name}:{Frame(r.Error)}:{System.Text.RegularExpressions.Regex.Replace(problem, @"\d+", "N")}", name, i, r.Config, $"{problem}: {r.Error}", mutant);
                    }
                }

                var done = i - start + 1;
                if (done % 20_000 == 0)
                {
                    File.WriteAllText(Path.Combine(outDir, "progress.txt"), string.Create(CultureInfo.InvariantCulture,
                        $"{DateTime.UtcNow:O} mutants {done}/{iterations} executions {Interlocked.Read(ref executions)} failures {failures.Count} elapsed {clock.Elapsed}\n"));
                }
            }
        }

        var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(Worker) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"{iterations} mutants (from #{start}, seed {baseSeed}) of {seeds.Count} seeds, {executions} reads ({thrown} threw FcsFormatException or worse) in {clock.Elapsed.TotalSeconds:0.0} s; ");
        summary.Append(CultureInfo.InvariantCulture, $"max allocation {maxRatioMilli / 1000.0:0.0} bytes per input byte above 1 MiB; {failures.Count} distinct failures\n");
        foreach (var (bucket, f) in failures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            summary.Append(CultureInfo.InvariantCulture, $"- {f.Count}× {bucket}\n  first: seed file '{f.Seed}', mutant #{f.Iteration}, {f.Config}, saved {f.SavedAs}\n  {f.Detail}\n");
        }

        output.WriteLine(summary.ToString());
        File.WriteAllText(Path.Combine(outDir, "summary.txt"), summary.ToString());
        Assert.True(failures.IsEmpty, summary.ToString());
    }

    private readonly record struct ReadResult(string Config, Exception? Error, long Allocated);

    private static List<ReadResult> RunMutant(byte[] mutant, int iteration, System.Runtime.CompilerServices.StrongBox<string?> current)
    {
        var results = new List<ReadResult>(ReadsPerMutant + 1);
        var memory = mutant.AsMemory();
        foreach (var (name, options) in Configs)
        {
            current.Value = name;
            results.Add(Measure(name, () => FcsFile.Read(memory, options)));
        }

        current.Value = "dataset1";
        results.Add(Measure("dataset1", () => FcsFile.Read(memory, FcsReadOptions.Lenient with { Dataset = 1 })));
        current.Value = "list";
        results.Add(Measure("list", () => FcsFile.ListDatasets(memory, FcsReadOptions.Lenient)));
        if (iteration % 8 == 0)
        {
            current.Value = "stream";
            results.Add(Measure("stream", () =>
            {
                using var stream = new MemoryStream(mutant, writable: false);
                return FcsFile.Read(stream, FcsReadOptions.Lenient with { DoublePrecision = true });
            }));
        }

        return results;
    }

    private static ReadResult Measure(string config, Func<object> read)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try
        {
            read();
        }
#pragma warning disable CA1031 // The fuzzer judges every exception, whatever its type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        return new ReadResult(config, error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Null when the outcome is acceptable, otherwise what is wrong with it.</summary>
    internal static string? Judge(string config, Exception? error, long length) => error switch
    {
        null => null,
        FcsFormatException f when !f.Message.Contains("at byte", StringComparison.Ordinal) => "message does not say 'at byte'",
        FcsFormatException f when f.Offset < 0 || f.Offset > length => $"offset {f.Offset} outside the {length}-byte file",
        FcsFormatException => null,
        ArgumentOutOfRangeException a when config == "dataset1" && a.ParamName == "options" && a.Message.Contains("requested", StringComparison.Ordinal) => null,
        _ => "not an FcsFormatException",
    };

    /// <summary>The innermost library frame of an exception's stack: the bug's location.</summary>
    private static string Frame(Exception? e)
    {
        if (e is null)
        {
            return "-";
        }

        var trace = new StackTrace(e, fNeedFileInfo: true);
        foreach (var frame in trace.GetFrames())
        {
            var m = frame.GetMethod();
            if (m?.DeclaringType?.Namespace?.StartsWith("HiAim.Cytometry", StringComparison.Ordinal) == true
                && m.DeclaringType.Namespace != "HiAim.Cytometry.Tests")
            {
                return $"{m.DeclaringType.Name}.{m.Name}:{frame.GetFileLineNumber()}";
            }
        }

        return e.TargetSite?.Name ?? "?";
    }

    private static int HashCode32(int seed, int i)
    {
        // Stable across processes (unlike string.GetHashCode / HashCode).
        unchecked
        {
            var h = (uint)seed * 0x9E3779B1u ^ (uint)i;
            h ^= h >> 16;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            h *= 0xC2B2AE35u;
            h ^= h >> 16;
            return (int)h;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
