using System.Buffers;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Statistics;

namespace HiAim.Cytometry.Panels;

/// <summary>
/// Shared steps of the built-in templates. All cuts are found on compensated, <see cref="GateTemplate.Scale"/>d
/// fluorescence (asinh, cofactor 150) or on ln SSC; every step is a pure function of the data, so the same
/// file always gives the same gates. Columns come from the sample's <see cref="ColumnStore"/> (computed once, and
/// gating reads the same ones), and each gate is evaluated by the gating engine as soon as it is placed: the
/// populations the next cut is found in are the placed gates' own members, so a placed gate and its saved
/// Gating-ML give the same members by construction.
/// </summary>
internal sealed class PlacementContext
{
    // Histogram settings on the asinh scale (0 ≈ 0, 0.32 ≈ 1,000, 0.60 ≈ 10,000, 1 = 262,144).
    public const double Lo = -0.3, Hi = 1.2, Width = 0.005, Sigma = 4;

    private readonly GateContext _context;

    public PlacementContext(GateContext context, IReadOnlyDictionary<string, string> channels, string sample)
    {
        _context = context;
        Channels = channels;
        Sample = sample;
        Compensation = context.Store.File.Channels is null ? CompensationRef.Uncompensated : CompensationRef.File;
    }

    /// <summary>The strategy placed so far.</summary>
    public GatingStrategy Strategy { get; } = new();

    public IReadOnlyDictionary<string, string> Channels { get; }

    public string Sample { get; }

    public string Compensation { get; }

    public int Count => _context.EventCount;

    public Dimension Marker(string marker) =>
        Channels.TryGetValue(marker, out var channel) ? new(channel, Compensation, GateTemplate.Scale)
        : throw new PanelException($"Sample '{Sample}': marker {marker} (optional in this panel) is not in the file.");

    /// <summary>Whether the file has <paramref name="marker"/> (an optional marker may be missing).</summary>
    public bool Has(string marker) => Channels.ContainsKey(marker);

    public Dimension Scatter(string name) => new(Channels[name]);

    /// <summary>The marker's compensated, scaled values: the very column gating reads for <see cref="Marker"/>.</summary>
    public float[] Scaled(string marker) => _context.Column(Marker(marker), null);

    public ReadOnlySpan<float> Raw(string name) => _context.Events.Column(Channels[name]);

    /// <summary>Adds <paramref name="gate"/> to the strategy and evaluates it; returns its (first) population.</summary>
    public EventBitset Place(Gate gate)
    {
        Strategy.Add(gate);
        GatingStrategy.Evaluate(gate, _context);
        return _context.Population(gate.PopulationIds[0]);
    }

    /// <summary>A population placed so far.</summary>
    public EventBitset Population(string id) => _context.Population(id);

    public static List<double> Select(float[] column, EventBitset members)
    {
        var list = new List<double>(members.Count);
        foreach (var i in members.ToIndices())
        {
            list.Add(column[i]);
        }

        return list;
    }

    /// <summary>QC notes of the placement: populations not determined, singlets not gated.</summary>
    public List<QcFlag> Notes { get; } = [];

    /// <summary>
    /// Places a non-core step: when it cannot be placed (a <see cref="PanelException"/>: no second mode, too few events),
    /// notes <see cref="QcCheck.PopulationUndetermined"/> naming <paramref name="populations"/> (the step's populations
    /// and their children, none of which get a gate) with the reason, and returns false. A step must find all its cuts
    /// before it places a gate, so a failed step leaves no gate behind.
    /// </summary>
    public bool TryPlace(IReadOnlyList<string> populations, Action place)
    {
        try
        {
            place();
            return true;
        }
        catch (PanelException e)
        {
            var prefix = $"Sample '{Sample}': ";
            var why = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            Notes.Add(new QcFlag(QcCheck.PopulationUndetermined, $"{string.Join(", ", populations)} not determined (not reported): {why}"));
            return false;
        }
    }

    /// <summary>
    /// Singlets: FSC-H/FSC-A within median ± 4 robust SD (1.4826 MAD) of events with FSC-A &gt; 0, a wedge polygon; without
    /// FSC-H, FSC-W within median ± 4 robust SD of events with FSC-A &gt; 0 and FSC-W &gt; 0, a rectangle; without both, a gate
    /// every event with a finite FSC-A passes, noted <see cref="QcCheck.SingletsNotGated"/>.
    /// </summary>
    public EventBitset Singlets()
    {
        if (!Channels.ContainsKey("FSC-H"))
        {
            return Channels.ContainsKey("FSC-W") ? WidthSinglets() : UngatedSinglets();
        }

        var (median, sd) = SingletBand("FSC-H", (a, h) => h / (double)a);
        double lo = median - (4 * sd), hi = median + (4 * sd);
        lo = Math.Max(lo, 1e-3);
        const double X = 1e7;
        return Place(new PolygonGate("Singlets", null, Scatter("FSC-A"), Scatter("FSC-H"), [(0, 0), (X, lo * X), (X, hi * X)]));
    }

    private EventBitset WidthSinglets()
    {
        var (median, sd) = SingletBand("FSC-W", (_, w) => w);
        return Place(new RectangleGate("Singlets", null, new GateRange(Scatter("FSC-A"), 0, null), new GateRange(Scatter("FSC-W"), Math.Max(median - (4 * sd), 0), median + (4 * sd))));
    }

    /// <summary>Median and robust SD (1.4826 MAD, at least 1 % of the median) of <paramref name="value"/>(FSC-A, <paramref name="other"/>) over events where both are positive.</summary>
    private (double Median, double Sd) SingletBand(string other, Func<float, float, double> value)
    {
        var a = Raw("FSC-A");
        var o = Raw(other);

        // Scratch from the shared pool: a fresh array per sample is a large-object allocation whose pages fault in.
        var values = ArrayPool<double>.Shared.Rent(Count);
        try
        {
            return SingletBand(a, o, values, other, value);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
        }
    }

    private (double Median, double Sd) SingletBand(ReadOnlySpan<float> a, ReadOnlySpan<float> o, double[] values, string other, Func<float, float, double> value)
    {
        var n = 0;
        for (var i = 0; i < Count; i++)
        {
            if (a[i] > 0 && o[i] > 0)
            {
                values[n++] = value(a[i], o[i]);
            }
        }

        if (n < 20)
        {
            throw new PanelException($"Sample '{Sample}': too few events with positive FSC-A and {other} to place the singlet gate.");
        }

        var r = values.AsSpan(0, n);
        var median = Density.Select(r, n / 2);
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = Math.Abs(r[i] - median);
        }

        return (median, Math.Max(1.4826 * Density.Select(r, n / 2), 0.01 * median));
    }

    private EventBitset UngatedSinglets()
    {
        Notes.Add(new QcFlag(QcCheck.SingletsNotGated, "the file has neither FSC-H nor FSC-W: singlets not gated (Singlets = every event), doublets are counted"));
        return Place(new RectangleGate("Singlets", null, new GateRange(Scatter("FSC-A"), float.MinValue, null)));
    }

    /// <summary>Valley of one marker between its two most prominent modes within a parent; throws when there is one mode only.</summary>
    public double Cut(string marker, EventBitset parent, string what)
    {
        return Density.ValleyBetweenMainModes(Scaled(marker), parent, Lo, Hi, Width, Sigma)
            ?? throw new PanelException($"Sample '{Sample}': {what}: the {marker} density among {parent.Count} events has no second mode, so no valley to cut at.");
    }

    /// <summary>Leukocytes: CD45 above the valley right of the CD45− (debris) mode; when that mode is missing, 500 compensated units.</summary>
    public double LeukocyteCut(EventBitset parent)
    {
        var fallback = GateTemplate.Scale.Apply(500);
        var fv = Density.FirstValley(Scaled("CD45"), parent, Lo, Hi, Width, Sigma, 0.02, 0.02);
        return fv is { } f && f.FirstMode < GateTemplate.Scale.Apply(1_000) ? f.Valley : fallback;
    }

    /// <summary>Lymphocytes: SSC-A below the valley right of the lowest SSC mode (ln SSC, bins 0.02, σ 4 bins) among leukocytes.</summary>
    public double LymphocyteSscCut(EventBitset leukocytes)
    {
        var ssc = Raw("SSC-A");
        var ln = ArrayPool<double>.Shared.Rent(leukocytes.Count);
        try
        {
            var n = 0;
            foreach (var i in leukocytes.ToIndices())
            {
                ln[n++] = Math.Log(Math.Max(ssc[i], 1f));
            }

            var fv = Density.FirstValley(ln.AsSpan(0, n), Math.Log(100), Math.Log(300_000), 0.02, 4, 0.02, 0.1)
                ?? throw new PanelException($"Sample '{Sample}': no SSC valley between lymphocytes and monocytes/granulocytes among {n} CD45+ events.");
            return Math.Exp(fv.Valley);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(ln);
        }
    }
}

/// <summary>
/// The built-in TBNK template (domain.md §2.2), placed per sample:
/// <list type="number">
/// <item><b>Singlets</b>: FSC-H/FSC-A ratio band, median ± 4 robust SD (a wedge polygon on FSC-A × FSC-H); without FSC-H an
/// FSC-W band, without FSC-W too every event (flagged <see cref="QcCheck.SingletsNotGated"/>).</item>
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
/// Singlets, Leukocytes and Lymphocytes are core: when one cannot be placed the sample fails. A marker the panel makes
/// optional (<see cref="Panel.WithOptionalMarkers"/>) and the file lacks leaves the populations gated on it undetermined;
/// without CD3, B is CD19+ among lymphocytes; without CD16+56 (or CD19), B (or NK) is a single cut on CD3−. Any later step that cannot be
/// placed leaves its populations and their children unreported, flagged <see cref="QcCheck.PopulationUndetermined"/>.
/// Valleys are the lowest point (middle of a flat floor) of a histogram of asinh(x/150)-scaled compensated values,
/// bin 0.005, Gaussian smoothing σ = 4 bins, between the two most prominent modes.
/// </summary>
internal sealed class TbnkTemplate : GateTemplate
{
    public override string Name => "TBNK (data-placed)";

    public override IReadOnlyList<string> RequiredMarkers { get; } = ["CD45", "CD3", "CD4", "CD8", "CD19", "CD16+56"];

    public override IReadOnlyList<string> ReportedPopulations { get; } = ["Beads", "Lymphocytes", "T", "CD4", "CD8", "T_DP", "T_DN", "B", "NK", "NK_bright", "NK_dim"];

    public override GatingStrategy Place(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName) =>
        PlaceInto(new GateContext(new ColumnStore(channelValues, FileSpillover.Of(spillover))), channels, sampleName).Strategy;

    internal override (GatingStrategy Strategy, IReadOnlyList<QcFlag> Notes) PlaceInto(GateContext context, IReadOnlyDictionary<string, string> channels, string sampleName)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var p = new PlacementContext(context, channels, sampleName);
        var singlets = p.Singlets();
        var cells = PlaceBeads(p, singlets, [.. RequiredMarkers.Where(p.Has)], optional: false);
        var lymph = PlaceLymphocytes(p, cells);
        if (!p.Has("CD3"))
        {
            // Without CD3 there is no T gate and no CD3− parent; B cells are CD3− anyway, so B is CD19+ among lymphocytes.
            p.TryPlace(["T", "CD4", "CD8", "T_DP", "T_DN"], () => p.Marker("CD3"));
            p.TryPlace(["B"], () => p.Place(new RectangleGate("B", "Lymphocytes", new GateRange(p.Marker("CD19"), p.Cut("CD19", lymph, "B (CD19) on lymphocytes"), null))));

            p.TryPlace(["NK", "NK_bright", "NK_dim"], () => p.Marker("CD3"));
            return (p.Strategy, p.Notes);
        }


        // Below Lymphocytes every step degrades on its own: a step that cannot be placed leaves its populations (and
        // their children) unreported with a PopulationUndetermined note, and the sample is still counted.
        EventBitset t = null!, nonT = null!;
        if (!p.TryPlace(["T", "CD4", "CD8", "T_DP", "T_DN", "B", "NK", "NK_bright", "NK_dim"], () =>
        {
            var cd3 = p.Cut("CD3", lymph, "T vs non-T");
            t = p.Place(new RectangleGate("T", "Lymphocytes", new GateRange(p.Marker("CD3"), cd3, null)));
            nonT = p.Place(new BooleanGate("CD3-", "Lymphocytes", BooleanOperator.Not, new GateReference("T")));
        }))
        {
            return (p.Strategy, p.Notes);
        }

        p.TryPlace(["CD4", "CD8", "T_DP", "T_DN"], () =>
        {
            var cd4 = p.Cut("CD4", t, "CD4 on T");
            var cd8 = p.Cut("CD8", t, "CD8 on T");
            p.Place(QuadrantGate.Cross("CD4/CD8", "T", p.Marker("CD4"), cd4, p.Marker("CD8"), cd8, lowLow: "T_DN", highLow: "CD4", lowHigh: "CD8", highHigh: "T_DP"));
        });

        if (!p.Has("CD16+56") || !p.Has("CD19"))
        {
            // One of the two optional: the other is a single cut on CD3− (the quadrant needs both).
            p.TryPlace(["B"], () => p.Place(new RectangleGate("B", "CD3-", new GateRange(p.Marker("CD19"), p.Cut("CD19", nonT, "B on CD3-"), null))));
            if (p.TryPlace(["NK", "NK_bright", "NK_dim"], () => p.Place(new RectangleGate("NK", "CD3-", new GateRange(p.Marker("CD16+56"), p.Cut("CD16+56", nonT, "NK on CD3-"), null)))))
            {
                p.TryPlace(["NK_bright", "NK_dim"], () => AddBrightDim(p, "CD16+56", p.Population("NK")));
            }
        }
        else if (p.TryPlace(["B", "NK", "NK_bright", "NK_dim"], () =>
        {
            var nk = p.Cut("CD16+56", nonT, "NK on CD3-");
            var cd19 = p.Cut("CD19", nonT, "B on CD3-");
            p.Place(QuadrantGate.Cross("CD16+56/CD19", "CD3-", p.Marker("CD16+56"), nk, p.Marker("CD19"), cd19, lowLow: "CD3-CD16+56-CD19-", highLow: "NK", lowHigh: "B", highHigh: "CD3-CD16+56+CD19+"));
        }))
        {
            p.TryPlace(["NK_bright", "NK_dim"], () => AddBrightDim(p, "CD16+56", p.Population("NK")));
        }

        return (p.Strategy, p.Notes);
    }

    /// <summary>
    /// Beads: every marker above the valley of min(markers) among singlets (beads are bright in all channels, cells
    /// are negative in at least one); adds Beads and Cells (= Singlets not Beads) and returns the Cells mask. When
    /// <paramref name="optional"/>, the gates are added only if the bright mode sits above 20,000 compensated units.
    /// </summary>
    internal static EventBitset PlaceBeads(PlacementContext p, EventBitset singlets, IReadOnlyList<string> markers, bool optional)
    {
        var cols = markers.Select(p.Scaled).ToArray();
        var members = singlets.ToIndices();

        // min(markers) per singlet, in a pooled scratch array (a fresh one per sample is a large-object allocation).
        var scratch = ArrayPool<double>.Shared.Rent(members.Length);
        try
        {
            return PlaceBeads(p, markers, optional, singlets, cols, members, scratch.AsSpan(0, members.Length));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    private static EventBitset PlaceBeads(PlacementContext p, IReadOnlyList<string> markers, bool optional, EventBitset singlets, float[][] cols, int[] members, Span<double> mins)
    {
        for (var k = 0; k < members.Length; k++)
        {
            var i = members[k];
            var m = float.PositiveInfinity;
            foreach (var c in cols)
            {
                m = Math.Min(m, c[i]);
            }

            mins[k] = m;
        }

        // No second mode: no beads in the tube; the gate sits above full scale and QC flags the bead count.
        var beadCut = Density.ValleyBetweenMainModes(mins, PlacementContext.Lo, PlacementContext.Hi, PlacementContext.Width, PlacementContext.Sigma) ?? 1.5;
        if (optional)
        {
            var bright = new List<double>();
            foreach (var v in mins)
            {
                if (v >= beadCut)
                {
                    bright.Add(v);
                }
            }

            bright.Sort();
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
        for (var k = 0; k < members.Length; k++)
        {
            if (mins[k] >= beadCut)
            {
                var i = members[k];
                lnF.Add(Math.Log(Math.Max(fsc[i], 1f)));
                lnS.Add(Math.Log(Math.Max(ssc[i], 1f)));
            }
        }

        var ranges = markers.Select(m => new GateRange(p.Marker(m), beadCut, null)).ToList();
        if (lnF.Count >= 20)
        {
            var (fLo, fHi) = RobustBand(lnF);
            var (sLo, sHi) = RobustBand(lnS);
            ranges.Add(new GateRange(p.Scatter("FSC-A"), fLo, fHi));
            ranges.Add(new GateRange(p.Scatter("SSC-A"), sLo, sHi));
        }

        var beads = p.Place(new RectangleGate("Beads", "Singlets", ranges));
        if (lnF.Count >= 20)
        {
            BeadDoublets(p, cols, beadCut, ranges[^2], ranges[^1], beads.Count);
        }

        return p.Place(new BooleanGate("Cells", "Singlets", BooleanOperator.Not, new GateReference("Beads")));
    }

    /// <summary>
    /// Notes <see cref="QcCheck.BeadDoublets"/> when bead aggregates exceed <see cref="TbnkQc.MaxBeadDoubletPercent"/> of single
    /// beads: aggregates are events of the whole tube (singlet gate or not, as doublets mostly fall outside it) bright in every
    /// marker but outside the single-bead FSC-A/SSC-A band — bead–bead doublets and beads stuck to cells.
    /// </summary>
    private static void BeadDoublets(PlacementContext p, float[][] cols, double beadCut, GateRange fscBand, GateRange sscBand, int singles)
    {
        var fsc = p.Raw("FSC-A");
        var ssc = p.Raw("SSC-A");
        var aggregates = 0;
        for (var i = 0; i < p.Count; i++)
        {
            var bright = true;
            foreach (var c in cols)
            {
                if (!(c[i] >= beadCut))
                {
                    bright = false;
                    break;
                }
            }

            if (bright && !(fsc[i] >= fscBand.Min && fsc[i] <= fscBand.Max && ssc[i] >= sscBand.Min && ssc[i] <= sscBand.Max))
            {
                aggregates++;
            }
        }

        var percent = singles == 0 ? double.PositiveInfinity : 100.0 * aggregates / singles;
        if (percent > TbnkQc.MaxBeadDoubletPercent)
        {
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            p.Notes.Add(new QcFlag(QcCheck.BeadDoublets, string.Create(inv, $"{aggregates} bead aggregates (bright in every marker, outside the single-bead scatter band) per {singles} single beads = {percent:F1} %, above {TbnkQc.MaxBeadDoubletPercent:0} %: the bead count is uncertain"), percent, string.Create(inv, $"≤ {TbnkQc.MaxBeadDoubletPercent:0} % of single beads")));
        }
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

    /// <summary>Leukocytes (CD45) within Cells (or Singlets when the tube has no beads), then Lymphocytes (SSC-A); returns Lymphocytes.</summary>
    internal static EventBitset PlaceLymphocytes(PlacementContext p, EventBitset cells)
    {
        var cd45 = p.LeukocyteCut(cells);
        var leuk = p.Place(new RectangleGate("Leukocytes", StrategyParent(p.Strategy), new GateRange(p.Marker("CD45"), cd45, null)));
        var ssc = p.LymphocyteSscCut(leuk);
        var lymph = p.Place(new RectangleGate("Lymphocytes", "Leukocytes", new GateRange(p.Scatter("SSC-A"), null, ssc)));
        p.Notes.AddRange(LymphGateQc.Flags(p.Scaled("CD45"), p.Raw("SSC-A"), leuk, lymph));
        return lymph;
    }

    private static string StrategyParent(GatingStrategy strategy) => strategy.PopulationIds.Contains("Cells") ? "Cells" : "Singlets";

    internal static void AddBrightDim(PlacementContext p, string marker, EventBitset nk)
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
                p.Place(new PolygonGate("NK_bright", "NK", p.Marker(marker), p.Marker("CD45"), poly));
                p.Place(new BooleanGate("NK_dim", "NK", BooleanOperator.Not, new GateReference("NK_bright")));
                return;
            }
        }

        p.Place(new RectangleGate("NK_bright", "NK", new GateRange(p.Marker(marker), split, null)));
        p.Place(new BooleanGate("NK_dim", "NK", BooleanOperator.Not, new GateReference("NK_bright")));
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
        PlaceInto(new GateContext(new ColumnStore(channelValues, FileSpillover.Of(spillover))), channels, sampleName).Strategy;

    internal override (GatingStrategy Strategy, IReadOnlyList<QcFlag> Notes) PlaceInto(GateContext context, IReadOnlyDictionary<string, string> channels, string sampleName)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var p = new PlacementContext(context, channels, sampleName);
        var singlets = p.Singlets();
        var cells = TbnkTemplate.PlaceBeads(p, singlets, [.. RequiredMarkers.Where(p.Has)], optional: true);
        var lymph = TbnkTemplate.PlaceLymphocytes(p, cells);
        EventBitset nonT = null!, nk = null!;
        if (p.TryPlace(["T", "NK", "NK_bright", "NK_dim"], () =>
            {
                var cd3 = p.Cut("CD3", lymph, "T vs non-T");
                p.Place(new RectangleGate("T", "Lymphocytes", new GateRange(p.Marker("CD3"), cd3, null)));
                nonT = p.Place(new BooleanGate("CD3-", "Lymphocytes", BooleanOperator.Not, new GateReference("T")));
            })
            && p.TryPlace(["NK", "NK_bright", "NK_dim"], () =>
            {
                var cd56 = p.Cut("CD56", nonT, "NK (CD56) on CD3-");
                nk = p.Place(new RectangleGate("NK", "CD3-", new GateRange(p.Marker("CD56"), cd56, null)));
            }))
        {
            p.TryPlace(["NK_bright", "NK_dim"], () => TbnkTemplate.AddBrightDim(p, "CD56", nk));
        }

        return (p.Strategy, p.Notes);
    }
}
