using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Internals;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// Compensated detector columns (file spillover, detector order) and transformed dimensions (by <see cref="Dimension.Key"/>)
/// that a gating template computed while placing its gates, handed to <see cref="GateContext"/> so gating does not
/// compute them again.
/// </summary>
internal sealed record PlacedColumns(float[][]? FileCompensated, IReadOnlyDictionary<string, float[]> Dimensions);

/// <summary>
/// Per-sample evaluation state: each (channel, compensation, transform) dimension is computed once
/// and cached; each compensation (file spillover or named matrix) is applied once to its detectors;
/// populations are kept as they are computed.
/// </summary>
internal sealed class GateContext
{
    private readonly EventMatrix _events;
    private readonly FileSpillover _file;
    private readonly Spillover? _fileSpillover;
    private readonly IReadOnlyDictionary<string, SpectrumMatrix> _matrices;
    private readonly Dictionary<string, float[]> _dimensions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[][]> _compensated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventBitset> _populations = new(StringComparer.Ordinal);
    private readonly ColumnPool? _pool;

    public GateContext(EventMatrix events, Spillover? fileSpillover, IReadOnlyDictionary<string, SpectrumMatrix> matrices, ColumnPool? pool = null, PlacedColumns? placed = null)
        : this(events, FileSpillover.Of(fileSpillover), matrices, pool, placed)
    {
    }

    public GateContext(EventMatrix events, FileSpillover file, IReadOnlyDictionary<string, SpectrumMatrix> matrices, ColumnPool? pool = null, PlacedColumns? placed = null)
    {
        _pool = pool;
        _events = events;
        _file = file;
        var fileSpillover = _fileSpillover = file.Channels;
        _matrices = matrices;
        if (placed is not null)
        {
            // Columns a template already computed while placing the gates, bit for bit what this context would compute.
            if (placed.FileCompensated is { } compensated && fileSpillover is not null)
            {
                _compensated[CompensationRef.File] = compensated;
            }

            foreach (var (key, column) in placed.Dimensions)
            {
                _dimensions[key] = column;
            }
        }
    }

    public int EventCount => _events.EventCount;

    public EventMatrix Events => _events;

    /// <summary>The batch's pool (population words come from it too), or null.</summary>
    public ColumnPool? Pool => _pool;

    /// <summary>An empty population over this sample's events, its words from the pool when there is one.</summary>
    public EventBitset NewBitset() => EventBitset.Empty(EventCount, _pool);

    /// <summary>Number of distinct dimensions computed so far (compute-once check for tests).</summary>
    public int DimensionCount => _dimensions.Count;

    public EventBitset Population(string id) =>
        _populations.TryGetValue(id, out var set) ? set : throw new GatingException(null, $"Population '{id}' has not been evaluated.");

    public void SetPopulation(string id, EventBitset set) => _populations[id] = set;

    /// <summary>The values of <paramref name="dimension"/>, one per event (shared: do not write).</summary>
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
            var clock = StageClock.Start();
            var scaled = NewColumn(values.Length);
            transform.Apply(values, scaled);
            StageClock.Stop(Stage.Transform, clock);
            values = scaled;
        }

        _dimensions[dimension.Key] = values;
        return values;
    }

    private float[] Compensated(string name, string compensation, Gate? gate)
    {
        switch (compensation)
        {
            case CompensationRef.Uncompensated:
                return Raw(name, gate);
            case CompensationRef.File:
            {
                if (_file.Problem is { } problem)
                {
                    throw new CompensationException($"{(gate is null ? string.Empty : $"Gate '{gate.Id}': ")}compensation-ref \"FCS\" asks for the file's spillover, which cannot be applied: {problem}");
                }

                // No matrix, or one the instrument already applied: the stored values (GatingStrategy.Apply warns).
                if (_fileSpillover is null)
                {
                    return Raw(name, gate);
                }

                var j = IndexOf(_fileSpillover.Detectors, name);
                return j < 0 ? Raw(name, gate) : CompensatedColumns(CompensationRef.File, _fileSpillover, gate)[j];
            }

            default:
            {
                if (!_matrices.TryGetValue(compensation, out var matrix))
                {
                    throw new GatingException(gate?.Id, $"compensation-ref '{compensation}' names no spectrum matrix of the strategy (known: {string.Join(", ", _matrices.Keys.Prepend(CompensationRef.File).Prepend(CompensationRef.Uncompensated))}).");
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

        var clock = StageClock.Start();
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
        StageClock.Stop(Stage.Compensate, clock);
        return columns;
    }

    /// <summary>A column every element of which the caller writes: from the batch's pool when there is one.</summary>
    private float[] NewColumn(int length) => _pool?.Rent(length) ?? new float[length];

    private float[] Raw(string name, Gate? gate)
    {
        var index = _events.IndexOf(name);
        if (index < 0)
        {
            throw new GatingException(gate?.Id, $"channel '{name}' is not in the sample (channels: {string.Join(", ", _events.ChannelNames)}).");
        }

        return _events.ColumnArray(index);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
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
