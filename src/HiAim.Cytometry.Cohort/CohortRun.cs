using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using HiAim.Cytometry.Batch;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Internals;
using HiAim.Cytometry.Panels;
using Microsoft.Data.Sqlite;

namespace HiAim.Cytometry.Cohort;

/// <summary>
/// Counts a panel's populations in every sample of a cohort: files are analysed in parallel, each sample is committed to
/// <c>study.db</c> in its own transaction as soon as it is done, and <c>counts.csv</c> (plus <c>qc.csv</c>) is written at
/// the end from the database, in input order. A re-run reuses samples whose SHA-256 and settings are unchanged, so a run
/// that was killed resumes where it stopped and ends with the same <c>counts.csv</c> as an uninterrupted run.
/// </summary>
public static class CohortRun
{
    /// <summary>File name of the counts table in the output folder.</summary>
    public const string CountsFileName = "counts.csv";

    /// <summary>File name of the QC table (file, check, reason) in the output folder.</summary>
    public const string QcFileName = "qc.csv";

    /// <summary>File name of the study database in the output folder.</summary>
    public const string DatabaseFileName = "study.db";

    /// <summary>File name of the lock held in the output folder while a run writes there.</summary>
    public const string LockFileName = ".hiaim-count.lock";

    /// <summary>The library version recorded as provenance (informational version of HiAim.Cytometry).</summary>
    public static string LibraryVersion { get; } =
        typeof(FcsFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(FcsFile).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Runs the cohort.</summary>
    /// <param name="files">Sample files (paths); sample keys are their file names, which must be distinct.</param>
    /// <param name="outputDirectory">Output folder (created if needed): <c>counts.csv</c>, <c>qc.csv</c>, <c>study.db</c>.</param>
    /// <param name="options">Settings; null = TBNK template, keywords for beads and volume.</param>
    /// <param name="progress">Called after each sample (from worker threads), or null.</param>
    /// <param name="cancellationToken">Stops starting new samples; finished samples stay committed. Throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>Per-sample outcomes and paths. A sample that fails does not stop the run.</returns>
    /// <exception cref="CohortException">
    /// The output folder or database cannot be used (another run holds its lock, the disk is full, the database is not a
    /// study database), or two inputs share a file name.
    /// </exception>
    public static CohortRunResult Run(IReadOnlyList<string> files, string outputDirectory, CohortRunOptions? options = null, IProgress<CohortProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options ??= new CohortRunOptions();
        var wall = Stopwatch.StartNew();
        var keys = files.Select(Path.GetFileName).ToArray();
        var clash = keys.Select((k, i) => (k, i)).GroupBy(x => x.k!, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            var paths = clash.Select(x => files[x.i]).ToList();
            throw new CohortException($"Samples are keyed by file name, and '{clash.Key}' is given {paths.Count} times ({string.Join(", ", paths)}); rename one or run them into separate output folders.");
        }

        var warnings = new List<string>();
        if (options.SampleSheet is { } sheet)
        {
            warnings.AddRange(sheet.Warnings);
            warnings.AddRange(keys.Where(k => sheet.Find(k!) is null).Select(k => $"{k}: not in the sample sheet {sheet.Source}; its sheet columns are empty"));
        }

        string databasePath;
        try
        {
            Directory.CreateDirectory(outputDirectory);
            databasePath = Path.Combine(outputDirectory, DatabaseFileName);
            ProbeWritable(outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CohortException($"Output folder {outputDirectory} cannot be written: {e.Message}", e);
        }

        using var folderLock = Lock(outputDirectory);

        var settings = Settings(options, out var strategyHash, out var gatingName);
        var threads = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var outcomes = new CohortSampleOutcome[files.Count];
        var stageTicks = new long[5];
        try
        {
            using var db = Open(databasePath);
            var gate = new Lock();
            long runId;
            lock (gate)
            {
                // The folder lock is held, so a run still marked 'running' was killed (or its machine went down).
                var interrupted = db.MarkInterruptedRuns();
                if (interrupted > 0)
                {
                    warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{interrupted} earlier run{(interrupted == 1 ? " was" : "s were")} left unfinished in {databasePath} (killed?): marked 'interrupted'; their finished samples are reused"));
                }

                db.SetMeta("sample_sheet", options.SampleSheet?.Source ?? string.Empty);
                runId = db.StartRun(LibraryVersion, options.Panel.Name, gatingName, strategyHash, Sha256Hex(settings), settings, threads, files.Count);
            }

            try
            {
                // The library's batch runner: samples in parallel, outcomes back in input order (so progress is too).
                var batch = FcsBatch.Run(files, path => One(path, Path.GetFileName(path), options, settings, db, gate, runId, stageTicks), new BatchOptions { MaxDegreeOfParallelism = threads }, cancellationToken);
                foreach (var item in batch)
                {
                    if (item.Error is { } error)
                    {
                        // One() keeps each sample's own failure; what escapes it (storage, memory) stops the run, as before.
                        throw new AggregateException(error);
                    }

                    outcomes[item.Index] = item.Result!;
                    progress?.Report(new CohortProgress(item.Index + 1, files.Count, item.Result!));
                }
            }

            catch (OperationCanceledException)
            {
                lock (gate)
                {
                    db.FinishRun(runId, "cancelled", Count(outcomes, SampleStatus.Analyzed), Count(outcomes, SampleStatus.Reused), Count(outcomes, SampleStatus.Failed));
                }

                throw;
            }
            catch (AggregateException e) when (e.Flatten().InnerExceptions.FirstOrDefault(x => x is SqliteException or IOException or UnauthorizedAccessException) is { } storage)
            {
                // A worker could not store its sample (disk full, database locked or broken): the run stops; each sample
                // committed so far stays, and the next run resumes from them.
                TryFinish(db, gate, runId, "failed", outcomes);
                throw storage is SqliteException sql
                    ? new CohortException($"Study database {databasePath}: {sql.Message.ReplaceLineEndings(" ")}", sql)
                    : new CohortException($"Output folder {outputDirectory}: {storage.Message.ReplaceLineEndings(" ")}", storage);
            }

            var countsPath = Path.Combine(outputDirectory, CountsFileName);
            lock (gate)
            {
                var stored = keys.Select(k => db.Load(k!)).ToList();
                CountsTable.Write(countsPath, Path.Combine(outputDirectory, QcFileName), files, keys!, stored, options);
                if (options.ExportGates)
                {
                    var gatesDir = Path.Combine(outputDirectory, "gates");
                    Directory.CreateDirectory(gatesDir);
                    foreach (var key in keys)
                    {
                        if (db.GatingMl(key!) is { } xml)
                        {
                            AtomicFile.WriteAllText(Path.Combine(gatesDir, Path.GetFileNameWithoutExtension(key) + ".gating.xml"), xml);
                        }
                    }
                }

                var failed = Count(outcomes, SampleStatus.Failed);
                db.FinishRun(runId, failed == 0 ? "completed" : "completed with failures", Count(outcomes, SampleStatus.Analyzed), Count(outcomes, SampleStatus.Reused), failed);
            }

            var f = Stopwatch.Frequency;
            var stages = new CohortStageTimes(
                TimeSpan.FromSeconds((double)stageTicks[0] / f),
                TimeSpan.FromSeconds((double)stageTicks[1] / f),
                TimeSpan.FromSeconds((double)stageTicks[2] / f),
                TimeSpan.FromSeconds((double)stageTicks[3] / f),
                TimeSpan.FromSeconds((double)stageTicks[4] / f));
            return new CohortRunResult(runId, outcomes, countsPath, databasePath, warnings, stages, wall.Elapsed);
        }
        catch (SqliteException e)
        {
            throw new CohortException($"Study database {databasePath}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CohortException($"Output folder {outputDirectory}: {e.Message}", e);
        }
    }

    /// <summary>The samples stored in an output folder's study database: file, full path, status and placed gates.</summary>
    /// <param name="outputDirectory">A cohort run's output folder.</param>
    /// <returns>One entry per stored sample, ordered by file name.</returns>
    /// <exception cref="CohortException">The folder has no study database, or it cannot be read.</exception>
    public static IReadOnlyList<StoredSampleInfo> StoredSamples(string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, DatabaseFileName);
        if (!File.Exists(path))
        {
            throw new CohortException($"{path} does not exist: run 'hiaim count ... --out {outputDirectory}' first.");
        }

        try
        {
            using var db = new StudyDatabase(path);
            return db.Samples();
        }
        catch (SqliteException e)
        {
            throw new CohortException($"Study database {path}: {e.Message}", e);
        }
    }

    /// <summary>The settings string whose hash decides whether a stored sample is current (sample sheet values are added per sample).</summary>
    internal static string Settings(CohortRunOptions options, out string strategySha256, out string gatingName)
    {
        var inv = CultureInfo.InvariantCulture;
        var panel = options.Panel;
        gatingName = options.Strategy is null ? panel.Template.Name : "Gating-ML strategy";
        strategySha256 = options.Strategy is null
            ? Sha256Hex($"template:{panel.Template.Name}:{LibraryVersion}")
            : Sha256Hex(GatingML.ToXml(options.Strategy));
        var sb = new StringBuilder();
        sb.Append(inv, $"hiaim-cohort/{StudyDatabase.SchemaVersion}\nlibrary={LibraryVersion}\npanel={panel.Name}\ntemplate={panel.Template.Name}\nbeads={panel.UsesCountingBeads}\n");
        foreach (var m in panel.Markers)
        {
            sb.Append(inv, $"marker={m.Name}:{string.Join('|', m.Aliases)}\n");
        }

        sb.Append(inv, $"strategy={strategySha256}\n");
        Sorted(sb, "population", options.PopulationIds);
        Sorted(sb, "channel", options.ChannelOverrides);
        sb.Append(inv, $"beads_per_test={options.BeadsPerTest?.ToString("R", inv)}\nvolume_ul={options.SampleVolumeUl?.ToString("R", inv)}\n");
        var r = options.ReadOptions;
        sb.Append(inv, $"read=dataset:{r.Dataset},text:{r.PreferTextDataOffsets},header:{r.PreferHeaderDataOffsets},offbyone:{r.TolerateEndDataOffByOne},extra:{r.TolerateExtraDataBytes},nobegin:{r.TolerateMissingBeginData},truncated:{r.TolerateTruncatedData},unknownversion:{r.AllowUnknownVersion},repair:{r.RepairDefects},delim:{r.DoubledDelimiter},mask:{r.BitMask}\n");
        return sb.ToString();
    }

    internal static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static void Sorted(StringBuilder sb, string name, IReadOnlyDictionary<string, string>? map)
    {
        foreach (var kv in (map ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}={kv.Key.ToUpperInvariant()}={kv.Value}\n");
        }
    }

    /// <summary>
    /// Takes the output folder's lock (an exclusive lock on <see cref="LockFileName"/>, released by the OS when the process
    /// ends, even by kill -9): two runs writing one folder would mix rows of both settings in counts.csv.
    /// </summary>
    private static FileStream Lock(string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, LockFileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n")));
            stream.Flush();
            return stream;
        }
        catch (IOException e)
        {
            throw new CohortException($"Output folder {outputDirectory} is in use by another hiaim count (lock {path} is held): wait for it to finish, or give another --out.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CohortException($"Output folder {outputDirectory} cannot be locked: {e.Message}", e);
        }
    }

    private static void TryFinish(StudyDatabase db, Lock gate, long runId, string status, CohortSampleOutcome?[] outcomes)
    {
        try
        {
            lock (gate)
            {
                db.FinishRun(runId, status, Count(outcomes, SampleStatus.Analyzed), Count(outcomes, SampleStatus.Reused), Count(outcomes, SampleStatus.Failed));
            }
        }
        catch (SqliteException)
        {
            // The database cannot take even this (e.g. the disk is full): the run stays 'running', and the next run,
            // holding the folder lock, marks it 'interrupted'.
        }
    }

    private static StudyDatabase Open(string path)
    {
        try
        {
            return new StudyDatabase(path);
        }
        catch (SqliteException e)
        {
            throw new CohortException($"Study database {path} cannot be opened: {e.Message}", e);
        }
    }

    private static void ProbeWritable(string directory)
    {
        var probe = Path.Combine(directory, $".hiaim-write-test-{Environment.ProcessId}");
        File.WriteAllBytes(probe, []);
        File.Delete(probe);
    }

    private static int Count(CohortSampleOutcome?[] outcomes, SampleStatus status) => outcomes.Count(o => o?.Status == status);

    private static CohortSampleOutcome One(string path, string key, CohortRunOptions options, string settings, StudyDatabase db, Lock gate, long runId, long[] stageTicks)
    {
        string? sha = null;
        try
        {
            var t0 = Stopwatch.GetTimestamp();
            var bytes = ReadSample(path);
            sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var row = options.SampleSheet?.Find(key);
            double? sheetBeads = row is null ? null : options.SampleSheet!.Number(row, SampleSheet.BeadsPerTestColumn);
            double? sheetVolume = row is null ? null : options.SampleSheet!.Number(row, SampleSheet.VolumeColumn);
            var inv = CultureInfo.InvariantCulture;
            var sampleSettings = Sha256Hex($"{settings}sheet_beads={sheetBeads?.ToString("R", inv)}\nsheet_volume={sheetVolume?.ToString("R", inv)}\n");
            if (options.Resume)
            {
                bool current;
                lock (gate)
                {
                    current = db.IsCurrent(key, sha, sampleSettings);
                }

                if (current)
                {
                    Interlocked.Add(ref stageTicks[0], Stopwatch.GetTimestamp() - t0);
                    var stored = LoadLocked(db, gate, key);
                    return new CohortSampleOutcome(key, path, SampleStatus.Reused, sha, null, [.. stored?.Flags.Select(f => f.Check.ToString()) ?? []]);
                }
            }

            var fcs = FcsFile.Read(bytes, options.ReadOptions);
            var t1 = Stopwatch.GetTimestamp();
            Interlocked.Add(ref stageTicks[0], t1 - t0);
            var timings = new StageTimings();
            var run = new PanelRunOptions
            {
                Timings = timings,
                BeadsPerTest = options.BeadsPerTest ?? sheetBeads,
                SampleVolumeUl = options.SampleVolumeUl ?? sheetVolume,
                ChannelOverrides = options.ChannelOverrides,
                PopulationIds = options.PopulationIds,
                SampleName = Path.GetFileNameWithoutExtension(key),
            };
            var result = options.Strategy is null ? options.Panel.Analyze(fcs, run) : options.Panel.Analyze(fcs, options.Strategy, run);
            var gatingMl = options.Strategy is null ? GatingML.ToXml(result.Strategy) : string.Empty;
            var t2 = Stopwatch.GetTimestamp();
            var (comp, transform) = (StopwatchTicks(timings.Compensate), StopwatchTicks(timings.Transform));
            Interlocked.Add(ref stageTicks[1], comp);
            Interlocked.Add(ref stageTicks[2], transform);
            Interlocked.Add(ref stageTicks[3], t2 - t1 - comp - transform);
            lock (gate)
            {
                db.SaveResult(runId, key, Path.GetFullPath(path), sha, sampleSettings, fcs.EventCount, result, gatingMl, fcs.Warnings);
            }

            Interlocked.Add(ref stageTicks[4], Stopwatch.GetTimestamp() - t2);
            var outcome = new CohortSampleOutcome(key, path, SampleStatus.Analyzed, sha, null, [.. result.Flags.Select(f => f.Check.ToString())]);
            options.Analyzed?.Invoke(outcome, result);
            return outcome;
        }
        catch (Exception e) when (e is not (SqliteException or OperationCanceledException or OutOfMemoryException))
        {
            // One sample's failure, whatever it is, must not cost the batch the other samples (storage errors stop the run).
            var message = Describe(e, path);
            lock (gate)
            {
                db.SaveFailure(runId, key, Path.GetFullPath(path), sha, message);
            }

            return new CohortSampleOutcome(key, path, SampleStatus.Failed, sha, message, []);
        }
    }

    private static long StopwatchTicks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// A sample file's bytes. Its reported length is trusted only as far as it holds: a device or pipe (length 0, endless,
    /// e.g. /dev/zero) or a file that grows while read is refused instead of read until memory runs out.
    /// </summary>
    private static byte[] ReadSample(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException("is a directory, not an FCS file");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var length = stream.Length;
        if (length > Array.MaxLength)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{length} bytes is more than one file can be read into memory"));
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        if (stream.ReadByte() >= 0)
        {
            throw new IOException("not a regular file (it has more bytes than its size says, like /dev/zero or a pipe)");
        }

        return bytes;
    }

    private static StoredSample? LoadLocked(StudyDatabase db, Lock gate, string key)
    {
        lock (gate)
        {
            return db.Load(key);
        }
    }

    private static string Describe(Exception e, string path)
    {
        var message = e switch
        {
            FileNotFoundException or DirectoryNotFoundException => $"file not found: {path}",
            FcsFormatException or PanelException or GatingException or CompensationException or SampleSheetException or IOException or UnauthorizedAccessException => e.Message.ReplaceLineEndings(" "),
            _ => $"internal error ({e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")}); please report it",
        };

        // An error may echo a value from the file: keep counts.csv and the terminal readable.
        return Echo.Clip(message, 1000);
    }
}
