using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// Computes the file-compensated detectors and the transformed dimensions a strategy's gates read while the file's
/// DATA is decoded, chunk by chunk with the chunk still in cache, into the sample's <see cref="ColumnStore"/> (which
/// gating then reads): one pass over memory instead of one per stage. When every compensated dimension
/// is also transformed (the usual strategy), the compensated values only feed the transforms and live in
/// chunk-sized scratch, never as whole columns. Chunks start on whole vectors
/// (<see cref="FcsDataChunks.ObservedRowMultiple"/>), so every kernel splits its work as one run over the whole
/// column would, and the columns are bit for bit what <see cref="ColumnStore"/> computes lazily. Dimensions it does not
/// take on (ratios, named spectrum matrices, channels the file scales or lacks, a spillover that cannot be
/// inverted) are left to the store to compute on first use, which also raises their errors as before.
/// </summary>
internal sealed class StreamedDimensions(GatingStrategy strategy, ColumnPool pool, StageTimings? timings = null) : IFcsDataObserver, IDisposable
{
    private readonly List<Step> _transforms = [];
    private float[][]? _compensated;
    private bool _wholeCompensated;
    private CompensationPass? _compensation;

    /// <summary>The last file's column store, holding what its decode computed; gate the file with it.</summary>
    public ColumnStore? Store { get; private set; }

    public bool Begin(FcsFile file, int chunkEvents)
    {
        ArgumentNullException.ThrowIfNull(file);
        var store = Store = new ColumnStore(file, pool, timings);
        _transforms.Clear();
        _compensated = null;
        _compensation?.Dispose();
        _compensation = null;
        var events = file.Events;
        // The matrix as it applies to this dataset's channels: none when the file has none, when the instrument applied it
        // (stored values are then the "FCS" values) or when it cannot be applied (gating then fails the sample).
        var spillover = file.FileCompensation.Channels;
        var refused = file.FileCompensation.Problem is not null;
        var all = strategy.Gates.SelectMany(g => g.Dimensions).ToList();

        // Whole compensated columns only when a gate reads compensated detector values that are not then
        // transformed here (an untransformed dimension, or a ratio of detectors); scatter channels marked "FCS"
        // are not compensated and do not count.
        bool IsDetector(string? name) => spillover is not null && name is not null && ColumnStore.IndexOf(spillover.Detectors, name) >= 0;
        _wholeCompensated = all.Any(d => d.Compensation == CompensationRef.File
            && (d.Ratio is { } ratio ? IsDetector(ratio.Numerator) || IsDetector(ratio.Denominator) : d.Transform is null && IsDetector(d.Channel)));
        foreach (var dimension in all)
        {
            if (dimension.Ratio is not null || dimension.Channel is not { } name || store.Has(dimension)
                || (refused && dimension.Compensation == CompensationRef.File))
            {
                continue;
            }

            var c = events.IndexOf(name);
            if (c < 0 || !file.IsUnscaled(c))
            {
                continue;
            }

            float[] source;
            bool chunked;
            var detector = spillover is null ? -1 : ColumnStore.IndexOf(spillover.Detectors, name);
            if (dimension.Compensation == CompensationRef.File && detector >= 0)
            {
                if (_compensated is null && !PrepareCompensation(file, store, spillover!, chunkEvents))
                {
                    continue;
                }

                source = _compensated![detector];
                chunked = !_wholeCompensated;
            }
            else if (dimension.Compensation is CompensationRef.Uncompensated or CompensationRef.File)
            {
                source = events.ColumnArray(c);
                chunked = false;
            }
            else
            {
                continue;
            }

            if (dimension.Transform is { } transform)
            {
                _transforms.Add(new Step(source, chunked, store.Reserve(dimension), transform));
            }
        }

        return _compensated is not null || _transforms.Count > 0;
    }

    public void Decoded(int firstRow, int count)
    {
        if (_compensation is not null)
        {
            var clock = StageTimings.Start(timings);
            _compensation.Run(firstRow, _wholeCompensated ? firstRow : 0, count);
            timings?.Stop(Stage.Compensate, clock);
        }

        if (_transforms.Count > 0)
        {
            var clock = StageTimings.Start(timings);
            foreach (var step in _transforms)
            {
                step.Transform.Apply(step.Source.AsSpan(step.Chunked ? 0 : firstRow, count), step.Destination.AsSpan(firstRow, count));
            }

            timings?.Stop(Stage.Transform, clock);
        }
    }

    /// <summary>Unpins the last file's columns.</summary>
    public void Dispose()
    {
        _compensation?.Dispose();
        _compensation = null;
    }

    /// <summary>Sets up the file-spillover compensation of every detector, as the store would (all detectors present and
    /// unscaled, the matrix invertible), into whole columns of the store or chunk scratch; false leaves it to the store.</summary>
    private bool PrepareCompensation(FcsFile file, ColumnStore store, Spillover spillover, int chunkEvents)
    {
        var detectors = new float[spillover.Count][];
        for (var i = 0; i < detectors.Length; i++)
        {
            var c = file.Events.IndexOf(spillover.Detectors[i]);
            if (c < 0 || !file.IsUnscaled(c))
            {
                return false;
            }

            detectors[i] = file.Events.ColumnArray(c);
        }

        double[] inverse;
        try
        {
            inverse = spillover.InverseRowMajor();
        }
        catch (CompensationException)
        {
            return false; // singular: gating reports it when a gate asks for the compensated values
        }

        if (_wholeCompensated)
        {
            _compensated = store.ReserveFileCompensated(detectors.Length);
        }
        else
        {
            // Chunk scratch from the batch's pool too: a fresh 10 KB array per detector per file adds up to
            // gen0 memory the GC must clear and the kernel fault in.
            _compensated = new float[detectors.Length][];
            for (var i = 0; i < detectors.Length; i++)
            {
                _compensated[i] = pool.Rent(chunkEvents);
            }
        }

        _compensation = new CompensationPass(detectors, _compensated, inverse, CompensateKernels.Best);
        return true;
    }

    /// <summary>One transformed dimension: its source is a whole column, or (chunked) the compensation scratch.</summary>
    private readonly record struct Step(float[] Source, bool Chunked, float[] Destination, Transform Transform);
}
