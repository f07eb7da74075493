using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// One sample's columns: the channel values as read, each compensation (the file's spillover or a named matrix)
/// applied once to its detectors, and each dimension (channel or ratio, compensation, transform) computed once,
/// by <see cref="Dimension.Key"/>. Gating, gate placement by a template, statistics and plots all read their columns
/// here, so a dimension is computed once per sample whoever asks first. The streaming reader
/// (<see cref="StreamedDimensions"/>) fills reserved columns chunk by chunk while DATA is decoded; everything else is
/// filled lazily on first use. Columns come from the batch's <see cref="ColumnPool"/> when there is one.
/// </summary>
internal sealed class ColumnStore
{
    private readonly FcsFile? _sample;
    private readonly Dictionary<string, float[]> _dimensions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[][]> _compensated = new(StringComparer.Ordinal);
    private EventMatrix? _events;

    /// <summary>A store over channel values already in memory.</summary>
    public ColumnStore(EventMatrix events, FileSpillover file, ColumnPool? pool = null, StageTimings? timings = null)
    {
        _events = events;
        EventCount = events.EventCount;
        File = file;
        Pool = pool;
        Timings = timings;
    }

    /// <summary>A store over an FCS sample, which may still be decoding: its channel values are taken on first use
    /// (the unscaled ones shared, not copied).</summary>
    public ColumnStore(FcsFile sample, ColumnPool? pool = null, StageTimings? timings = null)
    {
        _sample = sample;
        EventCount = sample.EventCount;
        File = sample.FileCompensation;
        Pool = pool;
        Timings = timings;
    }

    /// <summary>The sample this store was made for, when it was made from one.</summary>
    public FcsFile? Sample => _sample;

    /// <summary>Number of events.</summary>
    public int EventCount { get; }

    /// <summary>The channel values (scaled as FCS specifies).</summary>
    public EventMatrix Events => _events ??= _sample!.ChannelValues(shareUnscaled: true, Pool);

    /// <summary>The sample's own spillover as read: applied, already applied by the instrument, absent, or refused.</summary>
    public FileSpillover File { get; }

    /// <summary>The batch's pool (computed columns and population words come from it), or null.</summary>
    public ColumnPool? Pool { get; }

    /// <summary>Where compensation and transform time is added, or null.</summary>
    public StageTimings? Timings { get; }

    /// <summary>Named spectrum matrices the dimensions may reference (those of the strategy being applied).</summary>
    public IReadOnlyDictionary<string, SpectrumMatrix> Matrices { get; set; } = new Dictionary<string, SpectrumMatrix>();

    /// <summary>Number of distinct dimensions computed so far (the compute-once check of the tests).</summary>
    public int DimensionCount => _dimensions.Count;

    /// <summary>The values of <paramref name="dimension"/>, one per event (shared: do not write).</summary>
    /// <param name="dimension">Channel or ratio, compensation and transform.</param>
    /// <param name="gate">The gate asking, named in errors; null for statistics, plots and placement.</param>
    public float[] Column(Dimension dimension, Gate? gate)
    {
        if (_dimensions.TryGetValue(dimension.Key, out var cached))
        {
            return cached;
        }

        float[] values;
        if (dimension.Ratio is { } ratio)
        {
            var x = Compensated(ratio.Numerator, dimension.Compensation, gate);
            var y = Compensated(ratio.Denominator, dimension.Compensation, gate);
            values = NewColumn(x.Length);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)ratio.Apply(x[i], y[i]);
            }
        }
        else
        {
            values = Compensated(dimension.Channel!, dimension.Compensation, gate);
        }

        if (dimension.Transform is { } transform)
        {
            var clock = StageTimings.Start(Timings);
            var scaled = NewColumn(values.Length);
            transform.Apply(values, scaled);
            Timings?.Stop(Stage.Transform, clock);
            values = scaled;
        }

        _dimensions[dimension.Key] = values;
        return values;
    }

    /// <summary>A column for <paramref name="dimension"/> that the caller fills (the streaming reader, chunk by chunk,
    /// before anyone reads it); later <see cref="Column"/> calls return it.</summary>
    public float[] Reserve(Dimension dimension)
    {
        var column = NewColumn(EventCount);
        _dimensions[dimension.Key] = column;
        return column;
    }

    /// <summary>Whole columns for the file-spillover compensation of <paramref name="detectors"/> detectors, in the
    /// spillover's detector order, that the caller fills before anyone reads them.</summary>
    public float[][] ReserveFileCompensated(int detectors)
    {
        var columns = new float[detectors][];
        for (var i = 0; i < detectors; i++)
        {
            columns[i] = NewColumn(EventCount);
        }

        _compensated[CompensationRef.File] = columns;
        return columns;
    }

    /// <summary>Keys of the dimensions computed (or reserved) so far.</summary>
    public IReadOnlyCollection<string> DimensionKeys => _dimensions.Keys;

    /// <summary>The file-spillover compensated detectors, when computed (or reserved) as whole columns.</summary>
    public float[][]? FileCompensated => _compensated.GetValueOrDefault(CompensationRef.File);

    /// <summary>Whether <paramref name="dimension"/> is computed (or reserved) already.</summary>
    public bool Has(Dimension dimension) => _dimensions.ContainsKey(dimension.Key);

    /// <summary>A column every element of which the caller writes: from the batch's pool when there is one.</summary>
    public float[] NewColumn(int length) => Pool?.Rent(length) ?? new float[length];

    private float[] Compensated(string name, string compensation, Gate? gate)
    {
        switch (compensation)
        {
            case CompensationRef.Uncompensated:
                return Raw(name, gate);
            case CompensationRef.File:
            {
                if (File.Problem is { } problem)
                {
                    throw new CompensationException($"{(gate is null ? string.Empty : $"Gate '{gate.Id}': ")}compensation-ref \"FCS\" asks for the file's spillover, which cannot be applied: {problem}");
                }

                // No matrix, or one the instrument already applied: the stored values (GatingStrategy.Apply warns).
                if (File.Channels is not { } spillover)
                {
                    return Raw(name, gate);
                }

                var j = IndexOf(spillover.Detectors, name);
                return j < 0 ? Raw(name, gate) : CompensatedColumns(CompensationRef.File, spillover, gate)[j];
            }

            default:
            {
                if (!Matrices.TryGetValue(compensation, out var matrix))
                {
                    throw new GatingException(gate?.Id, $"compensation-ref '{compensation}' names no spectrum matrix of the strategy (known: {string.Join(", ", Matrices.Keys.Prepend(CompensationRef.File).Prepend(CompensationRef.Uncompensated))}).");
                }

                var j = matrix.IndexOf(name);
                return j < 0 ? Raw(name, gate) : CompensatedColumns(compensation, matrix.Spillover, gate)[j];
            }
        }
    }

    private float[][] CompensatedColumns(string key, Spillover spillover, Gate? gate)
    {
        if (_compensated.TryGetValue(key, out var done))
        {
            return done;
        }

        var clock = StageTimings.Start(Timings);
        var n = spillover.Count;
        var raw = new float[n][];
        var columns = new float[n][];
        for (var i = 0; i < n; i++)
        {
            raw[i] = Raw(spillover.Detectors[i], gate);
            columns[i] = NewColumn(raw[i].Length);
        }

        double[] inverse;
        try
        {
            inverse = spillover.InverseRowMajor();
        }
        catch (CompensationException e) when (gate is not null)
        {
            throw new CompensationException($"Gate '{gate.Id}': compensation-ref \"{key}\": {e.Message}", e);
        }

        // Out of place: the raw columns are shared with the sample (and other compensations), so they stay as they are.
        CompensationExtensions.Apply(raw, columns, EventCount, inverse, CompensateKernels.Best);
        _compensated[key] = columns;
        Timings?.Stop(Stage.Compensate, clock);
        return columns;
    }

    private float[] Raw(string name, Gate? gate)
    {
        var events = Events;
        var index = events.IndexOf(name);
        if (index < 0)
        {
            throw new GatingException(gate?.Id, $"channel '{name}' is not in the sample (channels: {string.Join(", ", events.ChannelNames)}).");
        }

        return events.ColumnArray(index);
    }

    internal static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
