using HiAim.Cytometry.Batch;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// A gating strategy: a tree of gates (each under an optional parent population), boolean gates over
/// populations, and the spectrum matrices the gates' dimensions may reference. Applying it to a
/// sample evaluates the gates in dependency order, computing each dimension once, and returns every
/// population's membership and counts.
/// </summary>
/// <example>
/// <code>
/// var fsc = new Dimension("FSC-A");
/// var ssc = new Dimension("SSC-A");
/// var strategy = new GatingStrategy()
///     .Add(new PolygonGate("Lymphocytes", null, fsc, ssc, [(2e4, 0), (9e4, 0), (9e4, 4e4), (2e4, 4e4)]))
///     .Add(new RectangleGate("CD3+", "Lymphocytes", new GateRange(new Dimension("CD3", CompensationRef.File), 1000, null)));
/// var result = strategy.Apply(FcsFile.Read("sample.fcs"));
/// Console.WriteLine(result["CD3+"].PercentOfParent);
/// </code>
/// </example>
public sealed class GatingStrategy
{
    private readonly List<Gate> _gates = [];
    private readonly HashSet<string> _gateIds = new(StringComparer.Ordinal);
    private IReadOnlyList<Gate>? _order;
    private (Dimension? File, string[] Uncompensated)? _compensationUse;
    private readonly Dictionary<string, Gate> _byPopulation = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SpectrumMatrix> _matrices = new(StringComparer.Ordinal);

    /// <summary>The gates in the order they were added.</summary>
    public IReadOnlyList<Gate> Gates => _gates;

    /// <summary>Named spectrum matrices, by id.</summary>
    public IReadOnlyDictionary<string, SpectrumMatrix> Matrices => _matrices;

    /// <summary>Every population id, in gate order (quadrants in their gate's order).</summary>
    public IReadOnlyList<string> PopulationIds => [.. _gates.SelectMany(g => g.PopulationIds)];

    /// <summary>Adds a gate. Its id and population ids must be new; its parent may be added later.</summary>
    /// <param name="gate">The gate.</param>
    /// <returns>This strategy, for chaining.</returns>
    /// <exception cref="GatingException">An id is already used.</exception>
    public GatingStrategy Add(Gate gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        // Set lookups, not scans of the gates added so far: adding n gates stays linear (it was quadratic).
        if (_gateIds.Contains(gate.Id))
        {
            throw new GatingException(gate.Id, "a gate with this id already exists.");
        }

        var populations = gate.PopulationIds;
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in populations)
        {
            if (_byPopulation.ContainsKey(id) || (id != gate.Id && _gateIds.Contains(id)) || !own.Add(id))
            {
                throw new GatingException(gate.Id, $"population id '{id}' is already used.");
            }
        }

        _gates.Add(gate);
        _gateIds.Add(gate.Id);
        foreach (var id in populations)
        {
            _byPopulation[id] = gate;
        }

        _order = null;
        _compensationUse = null;
        return this;
    }

    /// <summary>Adds a spectrum matrix that dimensions can reference by id.</summary>
    /// <param name="matrix">The matrix.</param>
    /// <returns>This strategy, for chaining.</returns>
    public GatingStrategy Add(SpectrumMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!_matrices.TryAdd(matrix.Id, matrix))
        {
            throw new GatingException(null, $"Spectrum matrix '{matrix.Id}' is defined twice.");
        }

        return this;
    }

    /// <summary>The gate that defines population <paramref name="populationId"/>.</summary>
    /// <param name="populationId">Gate id or quadrant id.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="KeyNotFoundException">No such population.</exception>
    public Gate GateOf(string populationId) =>
        _byPopulation.TryGetValue(populationId, out var gate) ? gate : throw new KeyNotFoundException($"No population '{populationId}' in the strategy.");

    /// <summary>
    /// Checks the strategy: parents and boolean operands exist, compensation references resolve,
    /// and there is no cycle. Returns the gates in evaluation order.
    /// </summary>
    /// <returns>Gates ordered so every gate follows its parent and its operands.</returns>
    /// <exception cref="GatingException">The first problem found, naming the gate.</exception>
    public IReadOnlyList<Gate> EvaluationOrder()
    {
        foreach (var gate in _gates)
        {
            foreach (var dep in Dependencies(gate))
            {
                if (!_byPopulation.ContainsKey(dep.Id))
                {
                    var hint = _gates.FirstOrDefault(g => g.Id == dep.Id) is QuadrantGate ? " (that is a quadrant gate; reference one of its quadrants)" : string.Empty;
                    throw new GatingException(gate.Id, $"{dep.Role} '{dep.Id}' is not a population of the strategy{hint}.");
                }
            }

            foreach (var d in gate.Dimensions)
            {
                if (d.Compensation is not (CompensationRef.File or CompensationRef.Uncompensated) && !_matrices.ContainsKey(d.Compensation))
                {
                    throw new GatingException(gate.Id, $"compensation-ref '{d.Compensation}' names no spectrum matrix of the strategy.");
                }
            }
        }

        // Depth-first topological sort; a grey gate met again is a cycle. Iterative (the grey path is a list, not
        // the call stack), so a parent or operand chain of any length cannot exhaust the stack.
        var order = new List<Gate>(_gates.Count);
        var state = new Dictionary<Gate, int>(_gates.Count); // absent: white; 1: grey (on the path); 2: black (ordered)
        var path = new List<(Gate Gate, Gate[] Dependencies, int Next)>();
        Gate[] DependenciesOf(Gate gate) => [.. Dependencies(gate).Select(d => _byPopulation[d.Id])];
        foreach (var start in _gates)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }

            state[start] = 1;
            path.Add((start, DependenciesOf(start), 0));
            while (path.Count > 0)
            {
                var top = path.Count - 1;
                var (gate, dependencies, next) = path[top];
                if (next == dependencies.Length)
                {
                    path.RemoveAt(top);
                    state[gate] = 2;
                    order.Add(gate);
                    continue;
                }

                path[top] = (gate, dependencies, next + 1);
                var dependency = dependencies[next];
                state.TryGetValue(dependency, out var s);
                if (s == 2)
                {
                    continue;
                }

                if (s == 1)
                {
                    var cycle = path.Select(p => p.Gate).SkipWhile(g => g != dependency).Select(g => g.Id).Append(dependency.Id).ToList();
                    IEnumerable<string> shown = cycle.Count <= 12 ? cycle : [.. cycle.Take(6), $"… {cycle.Count - 11} more …", .. cycle.TakeLast(5)];
                    throw new GatingException(dependency.Id, $"cycle in parents/operands: {string.Join(" → ", shown)}.");
                }

                state[dependency] = 1;
                path.Add((dependency, DependenciesOf(dependency), 0));
            }
        }

        return order;
    }

    /// <summary>Applies the strategy to channel values.</summary>
    /// <param name="events">Channel values (scaled as FCS specifies; see <see cref="FcsFile.ToChannelValues"/>).</param>
    /// <param name="fileSpillover">The sample's own spillover over its channel names, used by dimensions with compensation
    /// "FCS"; null means none (those dimensions are then gated uncompensated, with a warning in <see cref="GatingResult.Warnings"/>).</param>
    /// <returns>Every population's membership and counts.</returns>
    /// <exception cref="GatingException">The strategy is invalid or the sample lacks a channel it needs.</exception>
    /// <exception cref="CompensationException">A compensation the strategy asks for cannot be applied (a singular matrix).</exception>
    public GatingResult Apply(EventMatrix events, Spillover? fileSpillover = null) => Apply(events, FileSpillover.Of(fileSpillover), null);

    /// <summary>As <see cref="Apply(EventMatrix, Spillover?)"/>, the file's spillover as read (which may be refused or
    /// already applied), computed dimensions and population words taken from <paramref name="pool"/>: the result's
    /// statistics and members are valid only until the pool is reset (population counts stay valid).</summary>
    internal GatingResult Apply(EventMatrix events, FileSpillover file, ColumnPool? pool, StageTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Apply(new GateContext(new ColumnStore(events, file, pool, timings)));
    }

    /// <summary>Gates one sample whose columns (and perhaps some populations: a template evaluates each gate as it
    /// places it) are in <paramref name="context"/>; populations already evaluated are taken as they are.</summary>
    internal GatingResult Apply(GateContext context)
    {
        // Validated and ordered once per strategy, not once per sample; Add starts over.
        var order = _order ??= EvaluationOrder();
        var (fileDimension, uncompensated) = _compensationUse ??= CompensationUse();
        var file = context.Store.File;
        var warnings = new List<string>();
        if (fileDimension is not null)
        {
            // Refused before any gate runs: a spillover that is there but cannot be applied fails the sample, whichever gate asks first.
            if (file.Problem is { } problem)
            {
                throw new CompensationException($"compensation-ref \"FCS\" (dimension {fileDimension}) asks for the file's spillover, which cannot be applied: {problem}");
            }

            if (file.FileRefWarning() is { } warning)
            {
                warnings.Add(warning);
            }
        }

        if (file.AtAcquisition && uncompensated.Intersect(file.DetectorChannels).FirstOrDefault() is { } compensated)
        {
            warnings.Add($"compensation-ref \"uncompensated\": {compensated} holds values the instrument compensated at acquisition ({file.Source}); Beckman writes the uncompensated detector values as the FCS 3.0 dataset that follows, when there is one.");
        }

        context.Store.Matrices = _matrices;
        foreach (var gate in order)
        {
            if (!context.HasPopulation(gate.PopulationIds[0]))
            {
                Evaluate(gate, context);
            }
        }

        var populations = _gates
            .SelectMany(g => g.PopulationIds.Select(id => (Id: id, g.ParentId)))
            .Select(p => new PopulationResult(p.Id, p.ParentId, context.Population(p.Id), p.ParentId is null ? null : context.Population(p.ParentId)))
            .ToList();
        return new GatingResult(context, populations, warnings);
    }

    /// <summary>Evaluates one gate whose parent and operands are evaluated: its populations (within the parent) join the context.</summary>
    internal static void Evaluate(Gate gate, GateContext context)
    {
        var tests = gate.Test(context);
        var parent = gate.ParentId is null ? null : context.Population(gate.ParentId);
        var ids = gate.PopulationIds;
        for (var i = 0; i < ids.Count; i++)
        {
            context.SetPopulation(ids[i], parent is null ? tests[i] : tests[i].And(parent, context.Pool));
        }
    }

    /// <summary>Applies the strategy to an FCS sample: its channel values and its own spillover (for compensation-ref
    /// "FCS": applied, gated as stored when the instrument applied it, or uncompensated with a warning when there is none).</summary>
    /// <param name="sample">The sample.</param>
    /// <returns>Every population's membership and counts.</returns>
    /// <exception cref="GatingException">The strategy is invalid or the sample lacks a channel it needs.</exception>
    /// <exception cref="CompensationException">The strategy reads "FCS" dimensions and the sample's spillover cannot be
    /// applied (<see cref="FcsFile.SpilloverProblem"/>, or a singular matrix).</exception>
    public GatingResult Apply(FcsFile sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Apply(new GateContext(new ColumnStore(sample)));
    }

    /// <summary>
    /// Applies the strategy to many files, in parallel, and yields each file's result in input order as soon as it and
    /// the files before it are done; memory stays bounded (<see cref="BatchOptions.MaxInFlight"/>) however many files.
    /// This is the fast path <c>hiaim gate</c> uses: each file's compensated and transformed dimensions are computed while
    /// its DATA is decoded, chunk by chunk in cache, and columns are reused from one file to the next. A file that cannot
    /// be read or gated yields its exception (<see cref="BatchItem{TResult}.Error"/>) and the batch goes on.
    /// </summary>
    /// <param name="paths">The FCS files.</param>
    /// <param name="options">Read options, parallelism, progress, timing; null = defaults.</param>
    /// <param name="cancellationToken">Stops the batch (see <see cref="FcsBatch.Run{TResult}(IEnumerable{string}, Func{string, TResult}, BatchOptions?, CancellationToken)"/>).</param>
    /// <returns>One item per file, in input order; a <see cref="GatedFile"/>'s events and members are valid until the next item is taken.</returns>
    /// <example>
    /// <code>
    /// foreach (var file in strategy.ApplyMany(Directory.GetFiles("fcs", "*.fcs")))
    /// {
    ///     Console.WriteLine(file.Succeeded ? $"{file.Path}: {file.Result!.Gating["NK"].Count} NK" : $"{file.Path}: {file.Error!.Message}");
    /// }
    /// </code>
    /// </example>
    public IEnumerable<BatchItem<GatedFile>> ApplyMany(IEnumerable<string> paths, BatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        // Checked once before any file is read: an invalid strategy is the caller's error, not every file's. Both caches
        // are filled here, on the caller's thread, so the workers only read them.
        _order ??= EvaluationOrder();
        _compensationUse ??= CompensationUse();
        var readOptions = options?.ReadOptions;
        var timings = options?.Timings;
        return FcsBatch.Run(paths, (path, pool) => ApplyTo(path, readOptions, timings, pool), options, cancellationToken);
    }

    private GatedFile ApplyTo(string path, FcsReadOptions? readOptions, StageTimings? timings, ColumnPool pool)
    {
        if (Directory.Exists(path))
        {
            throw new IOException("is a directory, not an FCS file"); // reading one would say "access denied"
        }

        // The strategy's compensated and transformed dimensions are computed as DATA is decoded, chunk by chunk.
        using var streamed = new StreamedDimensions(this, pool, timings);
        var sample = FcsFile.Read(path, readOptions, pool, streamed);
        var store = streamed.Store is { } s && ReferenceEquals(s.Sample, sample) ? s : new ColumnStore(sample, pool, timings);
        return new GatedFile(sample, Apply(new GateContext(store)));
    }

    /// <summary>Per strategy, not per sample: the first dimension reading the file's spillover, and the channels read
    /// uncompensated (checked against a dataset the instrument compensated).</summary>
    private (Dimension? File, string[] Uncompensated) CompensationUse()
    {
        var dimensions = _gates.SelectMany(g => g.Dimensions).ToList();
        var uncompensated = dimensions.Where(d => d.Compensation == CompensationRef.Uncompensated)
            .SelectMany(d => d.Channel is { } c ? [c] : new[] { d.Ratio!.Numerator, d.Ratio.Denominator })
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return (dimensions.Find(d => d.Compensation == CompensationRef.File), uncompensated);
    }

    private static IEnumerable<(string Id, string Role)> Dependencies(Gate gate)
    {
        if (gate.ParentId is { } parent)
        {
            yield return (parent, "parent");
        }

        foreach (var r in gate.References)
        {
            yield return (r, "operand");
        }
    }
}
