namespace HiAim.Cytometry.Cohort;

/// <summary>What happened to one sample in a run.</summary>
public enum SampleStatus
{
    /// <summary>Read, gated and stored in this run.</summary>
    Analyzed = 0,

    /// <summary>Already stored with the same SHA-256 and settings: reused without re-reading.</summary>
    Reused = 1,

    /// <summary>Could not be analysed; <see cref="CohortSampleOutcome.Error"/> says why. Stored as failed and retried by the next run.</summary>
    Failed = 2,
}

/// <summary>One sample's outcome.</summary>
/// <param name="File">Sample key: the file name without directory.</param>
/// <param name="Path">The path as given.</param>
/// <param name="Status">Analysed, reused or failed.</param>
/// <param name="Sha256">SHA-256 of the file's bytes (lower-case hex), or null when it could not be read.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="QcFlags">Names of the failed QC checks (empty when it passes or failed to run).</param>
public sealed record CohortSampleOutcome(string File, string Path, SampleStatus Status, string? Sha256, string? Error, IReadOnlyList<string> QcFlags);

/// <summary>Progress report after each sample.</summary>
/// <param name="Done">Samples finished so far.</param>
/// <param name="Total">Samples in the run.</param>
/// <param name="Sample">The sample that just finished.</param>
public sealed record CohortProgress(int Done, int Total, CohortSampleOutcome Sample);

/// <summary>Time spent per stage, summed over the samples analysed in this run (worker time, not wall time).</summary>
/// <param name="Read">Reading and hashing files.</param>
/// <param name="Compensate">Spillover compensation.</param>
/// <param name="Transform">Transforms (arcsinh) of gated dimensions.</param>
/// <param name="Gate">Placing gates on the data and applying the strategy (bitsets, counts).</param>
/// <param name="Store">SQLite transactions.</param>
public sealed record CohortStageTimes(TimeSpan Read, TimeSpan Compensate, TimeSpan Transform, TimeSpan Gate, TimeSpan Store)
{
    /// <summary>Sum of all stages.</summary>
    public TimeSpan Total => Read + Compensate + Transform + Gate + Store;
}

/// <summary>The outcome of <see cref="CohortRun.Run"/>.</summary>
/// <param name="RunId">Row id of the run in the study database's <c>runs</c> table.</param>
/// <param name="Samples">Every input sample, in input order.</param>
/// <param name="CountsCsv">Path of <c>counts.csv</c>.</param>
/// <param name="Database">Path of <c>study.db</c>.</param>
/// <param name="Warnings">Things that did not stop the run (e.g. a file the sample sheet does not list).</param>
/// <param name="Stages">Time per stage for the samples analysed in this run.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record CohortRunResult(long RunId, IReadOnlyList<CohortSampleOutcome> Samples, string CountsCsv, string Database, IReadOnlyList<string> Warnings, CohortStageTimes Stages, TimeSpan Elapsed)
{
    /// <summary>Number of samples that failed.</summary>
    public int Failed => Samples.Count(s => s.Status == SampleStatus.Failed);
}

/// <summary>A sample as stored in a study database.</summary>
/// <param name="File">Sample key (file name).</param>
/// <param name="Path">Full path of the file when it was analysed.</param>
/// <param name="Analyzed">True when stored with counts; false when it failed.</param>
/// <param name="GatingMl">The placed gates as Gating-ML 2.0, or null (failed, or a fixed strategy).</param>
public sealed record StoredSampleInfo(string File, string Path, bool Analyzed, string? GatingMl);
