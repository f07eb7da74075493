using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Compensation.Kernels;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Internals;
using HiAim.Cytometry.Statistics;

namespace HiAim.Cytometry.Panels;

/// <summary>
/// Shared steps of the built-in templates. All cuts are found on compensated, <see cref="GateTemplate.Scale"/>d
/// fluorescence (asinh, cofactor 150) or on ln SSC; every step is a pure function of the data, so the same
/// file always gives the same gates.
/// </summary>
internal sealed class PlacementContext
{
    // Histogram settings on the asinh scale (0 ≈ 0, 0.32 ≈ 1,000, 0.60 ≈ 10,000, 1 = 262,144).
    public const double Lo = -0.3, Hi = 1.2, Width = 0.005, Sigma = 4;

    private readonly EventMatrix _values;
    private readonly EventMatrix _comp;
    private readonly Dictionary<string, float[]> _scaled = new(StringComparer.OrdinalIgnoreCase);
    private readonly float[][]? _fileCompensated;

    public PlacementContext(EventMatrix values, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sample)
    {
        _values = values;
        Spillover = spillover;
        Channels = channels;
        Sample = sample;
        _comp = values;
        if (spillover is not null)
        {
            // Compensate only the detectors, out of place (the same kernel gating uses, so the columns can be handed on).
            var clock = StageClock.Start();
            var detectors = spillover.ColumnsIn(values);
            var raw = detectors.Select(values.ColumnArray).ToArray();
            _fileCompensated = [.. raw.Select(r => new float[r.Length])];
            CompensationExtensions.Apply(raw, _fileCompensated, values.EventCount, spillover.InverseRowMajor(), CompensateKernels.Best);
            var columns = Enumerable.Range(0, values.ChannelCount).Select(values.ColumnArray).ToArray();
            for (var i = 0; i < detectors.Length; i++)
            {
                columns[detectors[i]] = _fileCompensated[i];
            }

            _comp = new EventMatrix(values.ChannelNames, columns);
            StageClock.Stop(Stage.Compensate, clock);
        }
        Compensation = spillover is null ? CompensationRef.Uncompensated : CompensationRef.File;
    }

    public Spillover? Spillover { get; }

    public IReadOnlyDictionary<string, string> Channels { get; }

    public string Sample { get; }

    public string Compensation { get; }

    public int Count => _values.EventCount;

    public Dimension Marker(string marker) => new(Channels[marker], Compensation, GateTemplate.Scale);

    public Dimension Scatter(string name) => new(Channels[name]);

    public float[] Scaled(string marker)
    {
        if (!_scaled.TryGetValue(marker, out var col))
        {
            var clock = StageClock.Start();
            col = new float[Count];
            GateTemplate.Scale.Apply(_comp.Column(Channels[marker]), col);
            StageClock.Stop(Stage.Transform, clock);
            _scaled[marker] = col;
        }

        return col;
    }

    public ReadOnlySpan<float> Raw(string name) => _values.Column(Channels[name]);

    /// <summary>The compensated detectors and scaled markers computed so far, for gating to reuse.</summary>
    public PlacedColumns Columns()
    {
        // Two markers read from one channel (an override) share a dimension: same key, same values.
        var dimensions = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (marker, column) in _scaled)
        {
            dimensions[Marker(marker).Key] = column;
        }

        return new(_fileCompensated, dimensions);
    }

    public static List<double> Select(float[] column, bool[] mask)
    {
        var list = new List<double>();
        for (var i = 0; i < column.Length; i++)
        {
            if (mask[i])
            {
                list.Add(column[i]);
            }
        }

        return list;
    }

    /// <summary>Singlets: FSC-H/FSC-A within median ± 4 robust SD (1.4826 MAD) of events with FSC-A &gt; 0; a wedge polygon.</summary>
    public (PolygonGate Gate, bool[] Mask) Singlets()
    {
        var a = Raw("FSC-A");
        var h = Raw("FSC-H");
        var ratios = new double[Count];
        var n = 0;
        for (var i = 0; i < Count; i++)
        {
            if (a[i] > 0 && h[i] > 0)
            {
                ratios[n++] = h[i] / (double)a[i];
            }
        }

        if (n < 20)
        {
            throw new PanelException($"Sample '{Sample}': too few events with positive FSC-A and FSC-H to place the singlet gate.");
        }

        var r = ratios.AsSpan(0, n);
        var median = Density.Select(r, n / 2);
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = Math.Abs(r[i] - median);
        }

        var sd = Math.Max(1.4826 * Density.Select(r, n / 2), 0.01 * median);
        double lo = median - (4 * sd), hi = median + (4 * sd);
        lo = Math.Max(lo, 1e-3);
        const double X = 1e7;
        var gate = new PolygonGate("Singlets", null, Scatter("FSC-A"), Scatter("FSC-H"), [(0, 0), (X, lo * X), (X, hi * X)]);
        var mask = new bool[Count];
        for (var i = 0; i < Count; i++)
        {
            mask[i] = a[i] > 0 && h[i] >= lo * a[i] && h[i] <= hi * a[i];
        }

        return (gate, mask);
    }

    /// <summary>Valley of one marker between its two most prominent modes within a parent; throws when there is one mode only.</summary>
    public double Cut(string marker, bool[] parent, string what)
    {
        var v = Select(Scaled(marker), parent);
        return Density.ValleyBetweenMainModes(v, Lo, Hi, Width, Sigma)
            ?? throw new PanelException($"Sample '{Sample}': {what}: the {marker} density among {v.Count} events has no second mode, so no valley to cut at.");
    }

    /// <summary>Leukocytes: CD45 above the valley right of the CD45− (debris) mode; when that mode is missing, 500 compensated units.</summary>
    public double LeukocyteCut(bool[] parent)
    {
        var v = Select(Scaled("CD45"), parent);
        var fallback = GateTemplate.Scale.Apply(500);
        var fv = Density.FirstValley(v, Lo, Hi, Width, Sigma, 0.02, 0.02);
        return fv is { } f && f.FirstMode < GateTemplate.Scale.Apply(1_000) ? f.Valley : fallback;
    }

    /// <summary>Lymphocytes: SSC-A below the valley right of the lowest SSC mode (ln SSC, bins 0.02, σ 4 bins) among leukocytes.</summary>
    public double LymphocyteSscCut(bool[] leukocytes)
    {
        var ssc = Raw("SSC-A");
        var ln = new List<double>();
        for (var i = 0; i < Count; i++)
        {
            if (leukocytes[i])
            {
                ln.Add(Math.Log(Math.Max(ssc[i], 1f)));
            }
        }

        var fv = Density.FirstValley(ln, Math.Log(100), Math.Log(300_000), 0.02, 4, 0.02, 0.1)
            ?? throw new PanelException($"Sample '{Sample}': no SSC valley between lymphocytes and monocytes/granulocytes among {ln.Count} CD45+ events.");
        return Math.Exp(fv.Valley);
    }

    public bool[] Where(bool[] parent, string marker, double cut, bool above)
    {
        var col = Scaled(marker);
        var m = new bool[Count];
        for (var i = 0; i < Count; i++)
        {
            m[i] = parent[i] && (col[i] >= cut) == above;
        }

        return m;
    }
}

/// <summary>
/// The built-in TBNK template (domain.md §2.2), placed per sample:
/// <list type="number">
/// <item><b>Singlets</b>: FSC-H/FSC-A ratio band, median ± 4 robust SD (a wedge polygon on FSC-A × FSC-H).</item>
/// <item><b>Beads</b> (parent Singlets): every one of the six markers above the valley of min(marker) — beads are
/// bright in all channels, cells are negative in at least one — and FSC-A, SSC-A within ±5 robust SD (ln) of the bright
/// mode, which drops beads stuck to a cell; <b>Cells</b> = Singlets not Beads.</item>
/// <item><b>Leukocytes</b> (parent Cells): CD45 above the valley right of the CD45− debris mode.</item>
/// <item><b>Lymphocytes</b> (parent Leukocytes): SSC-A below the valley between the lowest (lymphocyte) SSC mode and the next.</item>
/// <item><b>T</b> / <b>CD3-</b> (parent Lymphocytes): CD3 valley between its two main modes.</item>
/// <item><b>CD4/CD8</b> quadrant on T: CD4 and CD8 valleys among T → CD4, CD8, T_DP, T_DN.</item>
/// <item><b>CD16+56/CD19</b> quadrant on CD3−: valleys among CD3− → NK (CD16+56+CD19−), B (CD19+CD16+56−).</item>
/// <item><b>NK_bright</b> / <b>NK_dim</b> (parent NK): a two-Gaussian fit of CD16+56 on NK (CD56bright are a shoulder, ~10 %)
/// starts a 2-D diagonal mixture on (CD16+56, CD45) — CD56bright NK are also CD45 brighter — whose linear discriminant
/// becomes a polygon on CD16+56 × CD45; the 1-D cut is the fallback.</item>
/// </list>
/// Valleys are the lowest point (middle of a flat floor) of a histogram of asinh(x/150)-scaled compensated values,
/// bin 0.005, Gaussian smoothing σ = 4 bins, between the two most prominent modes.
/// </summary>
internal sealed class TbnkTemplate : GateTemplate
{
    public override string Name => "TBNK (data-placed)";

    public override IReadOnlyList<string> RequiredMarkers { get; } = ["CD45", "CD3", "CD4", "CD8", "CD19", "CD16+56"];

    public override IReadOnlyList<string> ReportedPopulations { get; } = ["Beads", "Lymphocytes", "T", "CD4", "CD8", "T_DP", "T_DN", "B", "NK", "NK_bright", "NK_dim"];

    public override GatingStrategy Place(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName) =>
        PlaceWithColumns(channelValues, spillover, channels, sampleName).Strategy;

    internal override (GatingStrategy Strategy, PlacedColumns? Columns) PlaceWithColumns(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName)
    {
        ArgumentNullException.ThrowIfNull(channelValues);
        ArgumentNullException.ThrowIfNull(channels);
        var p = new PlacementContext(channelValues, spillover, channels, sampleName);
        var strategy = new GatingStrategy();
        var (singletGate, singlets) = p.Singlets();
        strategy.Add(singletGate);

        var cells = PlaceBeads(p, strategy, singlets, RequiredMarkers, optional: false);
        PlaceLymphocytes(p, strategy, cells, out var lymph);

        var cd3 = p.Cut("CD3", lymph, "T vs non-T");
        strategy.Add(new RectangleGate("T", "Lymphocytes", new GateRange(p.Marker("CD3"), cd3, null)));
        strategy.Add(new BooleanGate("CD3-", "Lymphocytes", BooleanOperator.Not, new GateReference("T")));
        var t = p.Where(lymph, "CD3", cd3, true);
        var nonT = p.Where(lymph, "CD3", cd3, false);

        var cd4 = p.Cut("CD4", t, "CD4 on T");
        var cd8 = p.Cut("CD8", t, "CD8 on T");
        strategy.Add(QuadrantGate.Cross("CD4/CD8", "T", p.Marker("CD4"), cd4, p.Marker("CD8"), cd8, lowLow: "T_DN", highLow: "CD4", lowHigh: "CD8", highHigh: "T_DP"));

        var nk = p.Cut("CD16+56", nonT, "NK on CD3-");
        var cd19 = p.Cut("CD19", nonT, "B on CD3-");
        strategy.Add(QuadrantGate.Cross("CD16+56/CD19", "CD3-", p.Marker("CD16+56"), nk, p.Marker("CD19"), cd19, lowLow: "CD3-CD16+56-CD19-", highLow: "NK", lowHigh: "B", highHigh: "CD3-CD16+56+CD19+"));

        var nkMask = p.Where(p.Where(nonT, "CD16+56", nk, true), "CD19", cd19, false);
        AddBrightDim(p, strategy, "CD16+56", nkMask);
        return (strategy, p.Columns());
    }

    /// <summary>
    /// Beads: every marker above the valley of min(markers) among singlets (beads are bright in all channels, cells
    /// are negative in at least one); adds Beads and Cells (= Singlets not Beads) and returns the Cells mask. When
    /// <paramref name="optional"/>, the gates are added only if the bright mode sits above 20,000 compensated units.
    /// </summary>
    internal static bool[] PlaceBeads(PlacementContext p, GatingStrategy strategy, bool[] singlets, IReadOnlyList<string> markers, bool optional)
    {
        var cols = markers.Select(p.Scaled).ToArray();
        var minValues = new List<double>();
        var mins = new float[p.Count];
        for (var i = 0; i < p.Count; i++)
        {
            var m = float.PositiveInfinity;
            foreach (var c in cols)
            {
                m = Math.Min(m, c[i]);
            }

            mins[i] = m;
            if (singlets[i])
            {
                minValues.Add(m);
            }
        }

        // No second mode: no beads in the tube; the gate sits above full scale and QC flags the bead count.
        var beadCut = Density.ValleyBetweenMainModes(minValues, PlacementContext.Lo, PlacementContext.Hi, PlacementContext.Width, PlacementContext.Sigma) ?? 1.5;
        if (optional)
        {
            var bright = minValues.Where(v => v >= beadCut).OrderBy(v => v).ToList();
            if (bright.Count < 20 || bright[bright.Count / 2] < GateTemplate.Scale.Apply(20_000))
            {
                return singlets;
            }
        }

        // Beads stuck to a large cell can pass the singlet band (the cell dominates FSC-H/FSC-A) and are bright too;
        // single beads have tight scatter, so keep FSC-A and SSC-A within ±5 robust SD (ln scale, at least ±5 %) of the bright mode.
        var fsc = p.Raw("FSC-A");
        var ssc = p.Raw("SSC-A");
        var lnF = new List<double>();
        var lnS = new List<double>();
        for (var i = 0; i < p.Count; i++)
        {
            if (singlets[i] && mins[i] >= beadCut)
            {
                lnF.Add(Math.Log(Math.Max(fsc[i], 1f)));
                lnS.Add(Math.Log(Math.Max(ssc[i], 1f)));
            }
        }

        var ranges = markers.Select(m => new GateRange(p.Marker(m), beadCut, null)).ToList();
        double fLo = 0, fHi = double.PositiveInfinity, sLo = 0, sHi = double.PositiveInfinity;
        if (lnF.Count >= 20)
        {
            (fLo, fHi) = RobustBand(lnF);
            (sLo, sHi) = RobustBand(lnS);
            ranges.Add(new GateRange(p.Scatter("FSC-A"), fLo, fHi));
            ranges.Add(new GateRange(p.Scatter("SSC-A"), sLo, sHi));
        }

        var cells = new bool[p.Count];
        for (var i = 0; i < p.Count; i++)
        {
            var bead = mins[i] >= beadCut && fsc[i] >= fLo && fsc[i] < fHi && ssc[i] >= sLo && ssc[i] < sHi;
            cells[i] = singlets[i] && !bead;
        }

        strategy.Add(new RectangleGate("Beads", "Singlets", ranges));
        strategy.Add(new BooleanGate("Cells", "Singlets", BooleanOperator.Not, new GateReference("Beads")));
        return cells;
    }

    private static (double Lo, double Hi) RobustBand(List<double> ln)
    {
        var v = ln.ToArray();
        var median = Density.Select(v, v.Length / 2);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = Math.Abs(v[i] - median);
        }

        var half = Math.Max(5 * 1.4826 * Density.Select(v, v.Length / 2), 0.05);
        return (Math.Exp(median - half), Math.Exp(median + half));
    }

    internal static void PlaceLymphocytes(PlacementContext p, GatingStrategy strategy, bool[] cells, out bool[] lymph)
    {
        var cd45 = p.LeukocyteCut(cells);
        strategy.Add(new RectangleGate("Leukocytes", StrategyParent(strategy), new GateRange(p.Marker("CD45"), cd45, null)));
        var leuk = p.Where(cells, "CD45", cd45, true);
        var ssc = p.LymphocyteSscCut(leuk);
        strategy.Add(new RectangleGate("Lymphocytes", "Leukocytes", new GateRange(p.Scatter("SSC-A"), null, ssc)));
        var side = p.Raw("SSC-A");
        lymph = new bool[p.Count];
        for (var i = 0; i < p.Count; i++)
        {
            lymph[i] = leuk[i] && side[i] < ssc;
        }
    }

    private static string StrategyParent(GatingStrategy strategy) => strategy.PopulationIds.Contains("Cells") ? "Cells" : "Singlets";

    internal static void AddBrightDim(PlacementContext p, GatingStrategy strategy, string marker, bool[] nk)
    {
        var values = PlacementContext.Select(p.Scaled(marker), nk);
        var split = Density.GaussianSplit(values)
            ?? Density.ValleyBetweenMainModes(values, PlacementContext.Lo, PlacementContext.Hi, PlacementContext.Width, PlacementContext.Sigma)
            ?? throw new PanelException($"Sample '{p.Sample}': cannot split NK into {marker} bright and dim ({values.Count} NK events).");

        // CD56bright NK are also CD45 brighter: refine the 1-D split with a 2-D (marker, CD45) mixture and its linear boundary.
        var cd45 = PlacementContext.Select(p.Scaled("CD45"), nk);
        if (Density.LinearSplit2D(values, cd45, split) is { } line)
        {
            const double Lo = -1, Hi = 2;
            List<(double X, double Y)> box = [(Lo, Lo), (Hi, Lo), (Hi, Hi), (Lo, Hi)];
            var poly = Density.ClipHalfPlane(box, line.Wx, line.Wy, line.C);
            if (poly.Count >= 3)
            {
                strategy.Add(new PolygonGate("NK_bright", "NK", p.Marker(marker), p.Marker("CD45"), poly));
                strategy.Add(new BooleanGate("NK_dim", "NK", BooleanOperator.Not, new GateReference("NK_bright")));
                return;
            }
        }

        strategy.Add(new RectangleGate("NK_bright", "NK", new GateRange(p.Marker(marker), split, null)));
        strategy.Add(new BooleanGate("NK_dim", "NK", BooleanOperator.Not, new GateReference("NK_bright")));
    }
}

/// <summary>
/// The built-in NK-subset template (domain.md §2.5): Singlets, counting beads excluded when the tube has them
/// (a mode bright in all four markers above 20,000 units), Leukocytes (CD45), Lymphocytes (CD45 vs SSC) as in
/// TBNK, CD3− by the CD3 valley, <b>NK</b> = CD56 above its valley among CD3−, then <b>NK_bright</b> / <b>NK_dim</b>
/// by the same (CD56, CD45) mixture split as TBNK (CD56bright CD16−/dim vs CD56dim CD16+; CD16 is carried for display).
/// No counting beads: cells/µL are not reported.
/// </summary>
internal sealed class NkSubsetTemplate : GateTemplate
{
    public override string Name => "NK subsets (data-placed)";

    public override IReadOnlyList<string> RequiredMarkers { get; } = ["CD45", "CD3", "CD56", "CD16"];

    public override IReadOnlyList<string> ReportedPopulations { get; } = ["Lymphocytes", "T", "NK", "NK_bright", "NK_dim"];

    public override GatingStrategy Place(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName) =>
        PlaceWithColumns(channelValues, spillover, channels, sampleName).Strategy;

    internal override (GatingStrategy Strategy, PlacedColumns? Columns) PlaceWithColumns(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName)
    {
        ArgumentNullException.ThrowIfNull(channelValues);
        ArgumentNullException.ThrowIfNull(channels);
        var p = new PlacementContext(channelValues, spillover, channels, sampleName);
        var strategy = new GatingStrategy();
        var (singletGate, singlets) = p.Singlets();
        strategy.Add(singletGate);
        var cells = TbnkTemplate.PlaceBeads(p, strategy, singlets, RequiredMarkers, optional: true);
        TbnkTemplate.PlaceLymphocytes(p, strategy, cells, out var lymph);
        var cd3 = p.Cut("CD3", lymph, "T vs non-T");
        strategy.Add(new RectangleGate("T", "Lymphocytes", new GateRange(p.Marker("CD3"), cd3, null)));
        strategy.Add(new BooleanGate("CD3-", "Lymphocytes", BooleanOperator.Not, new GateReference("T")));
        var nonT = p.Where(lymph, "CD3", cd3, false);
        var cd56 = p.Cut("CD56", nonT, "NK (CD56) on CD3-");
        strategy.Add(new RectangleGate("NK", "CD3-", new GateRange(p.Marker("CD56"), cd56, null)));
        TbnkTemplate.AddBrightDim(p, strategy, "CD56", p.Where(nonT, "CD56", cd56, true));
        return (strategy, p.Columns());
    }
}
