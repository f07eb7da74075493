using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Panels;

/// <summary>One marker of a panel: its name and other spellings labs use for it.</summary>
/// <param name="Name">Marker name used in results and overrides, e.g. <c>CD16+56</c>.</param>
/// <param name="Aliases">Other spellings tried against $PnS/$PnN (see <see cref="MarkerMatching"/>).</param>
public sealed record PanelMarker(string Name, IReadOnlyList<string> Aliases)
{
    /// <summary>
    /// Whether a file may lack this marker: the populations gated on it are then not determined (flagged
    /// <see cref="QcCheck.PopulationUndetermined"/> with the marker named) and every other population is still counted.
    /// A required marker the file lacks fails the sample (<see cref="MarkerNotFoundException"/>).
    /// </summary>
    public bool Optional { get; init; }

    /// <summary>A marker without aliases.</summary>
    /// <param name="name">Marker name.</param>
    public PanelMarker(string name)
        : this(name, [])
    {
    }
}

/// <summary>Per-run settings of <see cref="Panel.Analyze(FcsFile, PanelRunOptions?)"/>.</summary>
public sealed record PanelRunOptions
{
    /// <summary>Counting beads per tube (lot value); null = the file's <c>BEADS PER TEST</c> keyword.</summary>
    public double? BeadsPerTest { get; init; }

    /// <summary>Whole blood per tube, µL; null = the file's <c>SAMPLE VOLUME UL</c> keyword.</summary>
    public double? SampleVolumeUl { get; init; }

    /// <summary>Marker (or scatter name <c>FSC-A</c>, <c>FSC-H</c>, <c>SSC-A</c>) → $PnN of the channel to use, overriding the label matching.</summary>
    public IReadOnlyDictionary<string, string>? ChannelOverrides { get; init; }

    /// <summary>Name of the sample in messages and results; null = <c>$FIL</c>, else <c>$SRC</c>, else "sample".</summary>
    public string? SampleName { get; init; }

    /// <summary>
    /// For a lab-supplied strategy (<see cref="Panel.Analyze(FcsFile, GatingStrategy, PanelRunOptions?)"/>): reported
    /// population name (e.g. <c>NK</c>) → population id in the strategy (e.g. <c>CD3-CD16+56+</c>); populations not
    /// listed are looked up by their own name.
    /// </summary>
    public IReadOnlyDictionary<string, string>? PopulationIds { get; init; }

    /// <summary>Where this analysis adds its compensation and transform time; null = not timed.</summary>
    public StageTimings? Timings { get; init; }
}

/// <summary>
/// A data-driven panel: the markers it stains, how each marker's channel is found in a file, and the
/// gating template that places the gates per sample. See <see cref="TbnkPanel"/> for the built-in ones.
/// </summary>
public sealed class Panel
{
    /// <summary>
    /// Scatter channels the templates use, found by $PnN (case, spaces, '-' and '_' ignored), else by an instrument's name for
    /// them (Beckman <c>FS INT</c>, <c>FS PEAK</c>, <c>FS TOF</c>, <c>SS Lin</c>; see <see cref="ResolveChannels"/>), unless overridden; those in
    /// <see cref="OptionalScatterChannels"/> may be missing from a file.
    /// </summary>
    public static IReadOnlyList<string> ScatterChannels { get; } = ["FSC-A", "FSC-H", "FSC-W", "SSC-A"];

    /// <summary>
    /// Scatter channels a file may lack: without <c>FSC-H</c> the built-in templates gate singlets on <c>FSC-W</c>, and
    /// without both they do not gate singlets (flagged <see cref="QcCheck.SingletsNotGated"/>).
    /// </summary>
    public static IReadOnlyList<string> OptionalScatterChannels { get; } = ["FSC-H", "FSC-W"];

    /// <summary>Creates a panel.</summary>
    /// <param name="name">Panel name.</param>
    /// <param name="markers">Markers; names must be distinct.</param>
    /// <param name="template">The gating template; it must only use these markers.</param>
    /// <param name="usesCountingBeads">Whether the tube holds counting beads (absolute counts by the bead formula).</param>
    public Panel(string name, IEnumerable<PanelMarker> markers, GateTemplate template, bool usesCountingBeads)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(markers);
        ArgumentNullException.ThrowIfNull(template);
        Name = name;
        Markers = [.. markers];
        if (Markers.Select(m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != Markers.Count)
        {
            throw new ArgumentException("Marker names must be distinct.", nameof(markers));
        }

        var missing = template.RequiredMarkers.Where(r => !Markers.Any(m => m.Name.Equals(r, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"Template '{template.Name}' needs markers the panel lacks: {string.Join(", ", missing)}.", nameof(template));
        }

        Template = template;
        UsesCountingBeads = usesCountingBeads;
    }

    /// <summary>
    /// This panel with <paramref name="markers"/> made <see cref="PanelMarker.Optional"/>: e.g. a TBNK tube stained without
    /// CD16+56 (<c>TbnkPanel.Default.WithOptionalMarkers("CD16+56")</c>) is still counted, with NK and its subsets
    /// flagged as not determined.
    /// </summary>
    /// <param name="markers">Marker names of this panel (case-insensitive).</param>
    /// <returns>A new panel; this one is unchanged.</returns>
    /// <exception cref="ArgumentException">A name is not a marker of this panel.</exception>
    public Panel WithOptionalMarkers(params IEnumerable<string> markers)
    {
        ArgumentNullException.ThrowIfNull(markers);
        var names = markers.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (names.FirstOrDefault(n => !Markers.Any(m => m.Name.Equals(n, StringComparison.OrdinalIgnoreCase))) is { } unknown)
        {
            throw new ArgumentException($"'{unknown}' is not a marker of panel '{Name}' (its markers: {string.Join(", ", Markers.Select(m => m.Name))}).", nameof(markers));
        }

        return new Panel(Name, Markers.Select(m => names.Contains(m.Name) ? m with { Optional = true } : m), Template, UsesCountingBeads);
    }

    /// <summary>Panel name.</summary>
    public string Name { get; }

    /// <summary>The markers.</summary>
    public IReadOnlyList<PanelMarker> Markers { get; }

    /// <summary>The gating template.</summary>
    public GateTemplate Template { get; }

    /// <summary>Whether the tube holds counting beads.</summary>
    public bool UsesCountingBeads { get; }

    /// <summary>
    /// Finds the channel ($PnN) of every marker and scatter parameter: an override first, then a unique
    /// match of the marker or an alias against $PnS, then against $PnN.
    /// </summary>
    /// <remarks>
    /// A scatter parameter is the channel of that $PnN (case, spaces, '-' and '_' ignored); failing that, the channel
    /// an instrument names so: forward scatter <c>FSC</c> or <c>FS</c>, side <c>SSC</c> or <c>SS</c>, with area
    /// <c>-A</c>/<c>Area</c>/<c>INT</c> (or no measure, e.g. FC500 <c>FS Lin</c>), height <c>-H</c>/<c>Height</c>/<c>PEAK</c>,
    /// width <c>-W</c>/<c>Width</c>/<c>TOF</c>; when both a LIN and a LOG one exist the LIN one. Time channels (<c>Time</c>,
    /// <c>TIME</c>, <c>$PnTYPE</c> Time) are never markers. When a marker's label is on several channels of one detector
    /// (DIVA and Attune label <c>FITC-A</c> and <c>FITC-H</c> both CD3; FC500 has <c>FL1 Log</c> and <c>FL1 Lin</c>), the
    /// area is taken, and of a LOG/LIN pair the LOG one; on channels of different detectors the match is refused.
    /// </remarks>
    /// <param name="channels">The sample's channels.</param>
    /// <param name="overrides">Marker → $PnN overrides, or null.</param>
    /// <param name="sampleName">Sample name for messages.</param>
    /// <returns>Marker (and scatter) name → $PnN; an optional scatter channel (<see cref="OptionalScatterChannels"/>) or
    /// <see cref="PanelMarker.Optional"/> marker the file lacks has no entry.</returns>
    /// <exception cref="MarkerNotFoundException">A marker has no channel, or an override names a missing channel.</exception>
    /// <exception cref="PanelException">A marker matches several channels.</exception>
    public IReadOnlyDictionary<string, string> ResolveChannels(IReadOnlyList<FcsChannel> channels, IReadOnlyDictionary<string, string>? overrides = null, string sampleName = "sample")
    {
        ArgumentNullException.ThrowIfNull(channels);
        var listing = channels.Select(c => string.IsNullOrWhiteSpace(c.Label) ? c.Name : $"{c.Name} ({c.Label})").ToList();
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ScatterChannels.Concat(Markers.Select(m => m.Name)))
        {
            var ov = overrides?.FirstOrDefault(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
            if (ov is not null)
            {
                var hit = channels.FirstOrDefault(c => c.Name.Equals(ov, StringComparison.OrdinalIgnoreCase))
                    ?? throw new MarkerNotFoundException(sampleName, name, listing, $"the override names channel '{ov}', which the file does not have");
                result[name] = hit.Name;
                continue;
            }

            if (ScatterChannels.Contains(name))
            {
                var hits = ScatterCandidates(name, channels);
                if (hits.Count == 0 && OptionalScatterChannels.Contains(name))
                {
                    continue;
                }

                result[name] = hits.Count == 1 ? hits[0].Name
                    : hits.Count == 0 ? throw new MarkerNotFoundException(sampleName, name, listing, "no channel has this $PnN (nor an instrument's name for it, e.g. FS INT, FS PEAK, FS TOF, SS Lin)")
                    : throw new PanelException($"Sample '{sampleName}': scatter parameter '{name}' matches several channels ({string.Join(", ", hits.Select(h => h.Name))}); give a channel override.");
                continue;
            }

            var marker = Markers.First(m => m.Name == name);
            var spellings = marker.Aliases.Prepend(marker.Name).ToList();
            var byLabel = channels.Where(c => !IsTimeLike(c) && spellings.Any(s => MarkerMatching.Matches(s, c.Label))).ToList();
            var found = AreaTwin(byLabel.Count > 0 ? byLabel : [.. channels.Where(c => !IsTimeLike(c) && spellings.Any(s => MarkerMatching.Matches(s, c.Name)))]);
            if (found.Count == 0 && marker.Optional)
            {
                continue;
            }

            result[name] = found.Count switch
            {
                1 => found[0].Name,
                0 => throw new MarkerNotFoundException(sampleName, name, listing, "no $PnS or $PnN names it"),
                _ => throw new PanelException($"Sample '{sampleName}': marker '{name}' matches several channels ({string.Join(", ", found.Select(h => $"{h.Name} ({h.Label})"))}); give a channel override."),
            };
        }

        return result;
    }

    /// <summary>
    /// Places the template's gates on one sample, applies them, and reports events, % of lymphocytes,
    /// % of parent, cells/µL (bead formula) and QC flags per population.
    /// </summary>
    /// <param name="sample">The FCS sample (its own <c>$SPILLOVER</c> is used for compensation).</param>
    /// <param name="options">Bead count, volume, channel overrides; null = from the file.</param>
    /// <returns>The result, including the placed strategy (exportable with <see cref="Gating.GatingML.Save"/>).</returns>
    /// <exception cref="MarkerNotFoundException">A marker has no channel.</exception>
    /// <exception cref="PanelException">A gate cannot be placed, or the sample has a spillover that cannot be applied.</exception>
    public TbnkResult Analyze(FcsFile sample, PanelRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        options ??= new PanelRunOptions();
        var name = SampleName(sample, options);
        var channels = ResolveChannels(sample.Channels, options.ChannelOverrides, name);

        // Placement and gating only read the values: unscaled columns are the file's own (no 5 MB copy per 100k-event tube).
        var values = sample.ChannelValues(shareUnscaled: true);
        var spillover = SampleSpillover(sample, name);
        if (Template is StrategyTemplate fixedGates)
        {
            // A marker-named strategy: bind this sample's channels to the markers, then gate. Gates on an optional marker
            // the file lacks are left out with their descendants, and their reported populations are flagged.
            var (bound, boundSpill) = StrategyTemplate.Bind(values, spillover, channels);
            var (gates, reported, missing) = fixedGates.Without([.. Markers.Where(m => m.Optional && !channels.ContainsKey(m.Name)).Select(m => m.Name)], name);
            return Report(sample, options, name, bound, gates, gates.Apply(bound, FileSpillover.Of(boundSpill), pool: null, options.Timings), reported, missing);
        }

        // One column store and one gating context for placement and gating: every gate is evaluated once.
        var context = new GateContext(new ColumnStore(values, FileSpillover.Of(spillover), pool: null, options.Timings));
        var (strategy, notes) = Template.PlaceInto(context, channels, name);
        var gated = strategy.Apply(context);

        // A population the template could not determine (flagged in the notes) has no gate and is not reported.
        var placed = strategy.PopulationIds.ToHashSet(StringComparer.Ordinal);
        return Report(sample, options, name, values, strategy, gated, [.. Template.ReportedPopulations.Where(placed.Contains).Select(p => (p, p))], notes);
    }

    /// <summary>
    /// Applies a fixed, lab-supplied strategy (e.g. read with <see cref="Gating.GatingML.Load"/>) instead of placing
    /// the template's gates, and reports the template's populations that the strategy has (matched by name or by
    /// <see cref="PanelRunOptions.PopulationIds"/>), with the same % of lymphocytes, cells/µL and QC flags.
    /// </summary>
    /// <param name="sample">The FCS sample (its own <c>$SPILLOVER</c> serves the strategy's <c>FCS</c> compensation).</param>
    /// <param name="strategy">The strategy; its dimensions name the file's channels ($PnN).</param>
    /// <param name="options">Bead count, volume, population ids; null = from the file and by name.</param>
    /// <returns>The result; <see cref="TbnkResult.Strategy"/> is <paramref name="strategy"/>.</returns>
    /// <exception cref="PanelException">The strategy has no <c>Lymphocytes</c> population (or its mapped id), a mapped id is missing, or the sample has a spillover that cannot be applied.</exception>
    /// <exception cref="GatingException">The strategy names a channel the file lacks.</exception>
    public TbnkResult Analyze(FcsFile sample, GatingStrategy strategy, PanelRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(strategy);
        options ??= new PanelRunOptions();
        var name = SampleName(sample, options);
        var ids = strategy.PopulationIds.ToHashSet(StringComparer.Ordinal);
        var reported = new List<(string Name, string Id)>();
        foreach (var population in Template.ReportedPopulations)
        {
            var mapped = options.PopulationIds?.FirstOrDefault(kv => kv.Key.Equals(population, StringComparison.OrdinalIgnoreCase)).Value;
            if (mapped is not null && !ids.Contains(mapped))
            {
                throw new PanelException($"Sample '{name}': population '{population}' is mapped to '{mapped}', which the strategy does not define (it defines {string.Join(", ", ids.Order(StringComparer.Ordinal))}).");
            }

            var id = mapped ?? population;
            if (ids.Contains(id))
            {
                reported.Add((population, id));
            }
        }

        if (!reported.Any(r => r.Name == "Lymphocytes"))
        {
            throw new PanelException($"Sample '{name}': the strategy has no 'Lymphocytes' population (the denominator of every % and of the QC checks); name one so or map it (Lymphocytes=ID).");
        }

        var values = sample.ToChannelValues();
        GatingResult gated;
        try
        {
            gated = strategy.Apply(values, sample.FileCompensation, pool: null, options.Timings);
        }
        catch (CompensationException e)
        {
            throw new PanelException($"Sample '{name}': {e.Message}", e);
        }

        return Report(sample, options, name, values, strategy, gated, reported);
    }

    /// <summary>
    /// Reads a panel definition (JSON), so a lab adds a panel without code:
    /// <code>
    /// { "name": "Treg", "countingBeads": false,
    ///   "markers": [ { "name": "CD4" }, { "name": "CD25", "aliases": ["IL-2Ra"] }, { "name": "CD127", "optional": true }, ... ],
    ///   "strategy": "treg.gating.xml",
    ///   "populations": { "Lymphocytes": "Lymphocytes", "CD4": "CD4+", "Treg": "CD25+CD127lo" } }
    /// </code>
    /// <c>strategy</c> is a Gating-ML 2.0 file (relative to the JSON file) whose dimensions name the markers (and
    /// <c>FSC-A</c>, <c>FSC-H</c>, <c>SSC-A</c>); <c>populations</c> maps each reported name to a gate id, in report order,
    /// and must include <c>Lymphocytes</c> (and <c>Beads</c> when <c>countingBeads</c> is true). A marker with
    /// <c>"optional": true</c> may be missing from a file: the gates on it (and below them) are then left out and their
    /// populations flagged <see cref="QcCheck.PopulationUndetermined"/>, as the built-in templates do.
    /// </summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The panel, with a <see cref="StrategyTemplate"/>.</returns>
    /// <exception cref="PanelException">The definition is malformed (the message names the field), or its strategy cannot be read.</exception>
    public static Panel Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        System.Text.Json.JsonDocument doc;
        try
        {
            doc = System.Text.Json.JsonDocument.Parse(Internals.BoundedFile.ReadAllBytes(path, Internals.BoundedFile.TextInputLimit, "panel definition"), new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            throw new PanelException($"Panel definition {path}: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            string Text(System.Text.Json.JsonElement e, string field) =>
                e.ValueKind == System.Text.Json.JsonValueKind.Object && e.TryGetProperty(field, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
                    ? v.GetString()!
                    : throw new PanelException($"Panel definition {path}: '{field}' must be a non-empty string.");

            var name = Text(root, "name");
            var beads = root.TryGetProperty("countingBeads", out var cb) && cb.ValueKind == System.Text.Json.JsonValueKind.True;
            if (!root.TryGetProperty("markers", out var ms) || ms.ValueKind != System.Text.Json.JsonValueKind.Array || ms.GetArrayLength() == 0)
            {
                throw new PanelException($"Panel definition {path}: 'markers' must be a non-empty array of {{ \"name\": ..., \"aliases\": [...] }}.");
            }

            var markers = new List<PanelMarker>();
            foreach (var m in ms.EnumerateArray())
            {
                var aliases = m.ValueKind == System.Text.Json.JsonValueKind.Object && m.TryGetProperty("aliases", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Array
                    ? a.EnumerateArray().Select(x => x.ValueKind == System.Text.Json.JsonValueKind.String ? x.GetString()! : throw new PanelException($"Panel definition {path}: marker aliases must be strings.")).ToList()
                    : [];
                var optional = m.TryGetProperty("optional", out var o) && (o.ValueKind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
                    ? o.GetBoolean()
                    : throw new PanelException($"Panel definition {path}: marker 'optional' must be true or false."));
                markers.Add(new PanelMarker(Text(m, "name"), aliases) { Optional = optional });
            }

            var strategyPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Text(root, "strategy"));
            GatingStrategy strategy;
            try
            {
                strategy = GatingML.Load(strategyPath);
            }
            catch (Exception e) when (e is GatingMLException or IOException or UnauthorizedAccessException)
            {
                throw new PanelException($"Panel definition {path}: strategy {strategyPath}: {e.Message}", e);
            }

            if (!root.TryGetProperty("populations", out var pops) || pops.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new PanelException($"Panel definition {path}: 'populations' must be an object mapping each reported name to a gate id.");
            }

            // JSON allows a key twice and JsonDocument keeps both; a duplicate report name would only fail when a sample is analysed.
            var reported = pops.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == System.Text.Json.JsonValueKind.String && !string.IsNullOrWhiteSpace(p.Value.GetString())
                ? p.Value.GetString()!
                : throw new PanelException($"Panel definition {path}: populations.{p.Name} must be a non-empty string (a gate id)."))).ToList();
            if (reported.GroupBy(r => r.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new PanelException($"Panel definition {path}: population '{twice.Key}' is listed {twice.Count()} times in 'populations'; each reported name must be unique.");
            }

            if (beads && !reported.Any(r => r.Key == "Beads"))
            {
                throw new PanelException($"Panel definition {path}: 'countingBeads' is true, so 'populations' needs 'Beads'.");
            }

            try
            {
                return new Panel(name, markers, new StrategyTemplate(name, strategy, reported), beads);
            }
            catch (ArgumentException e)
            {
                throw new PanelException($"Panel definition {path}: {e.Message}", e);
            }
        }
    }

    /// <summary>Channels that can be the scatter parameter <paramref name="name"/> (<see cref="ScatterChannels"/>): by $PnN,
    /// else by an instrument's naming, else by $PnS (see remarks of <see cref="ResolveChannels"/>).</summary>
    private static List<FcsChannel> ScatterCandidates(string name, IReadOnlyList<FcsChannel> channels)
    {
        var key = MarkerMatching.Squeeze(name);
        var exact = channels.Where(c => MarkerMatching.Squeeze(c.Name) == key).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        var wanted = MarkerMatching.ParseChannelName(name);
        var family = ScatterFamily(wanted.Detector);
        var named = channels
            .Select(c => (Channel: c, Parts: MarkerMatching.ParseChannelName(c.Name)))
            .Where(x => !IsTimeLike(x.Channel) && ScatterFamily(x.Parts.Detector) == family && (x.Parts.Measure == wanted.Measure || (wanted.Measure == PulseMeasure.Area && x.Parts.IsArea)))
            .ToList();
        if (named.Count > 1)
        {
            // FC500 records FS Lin and FS Log: gate scatter on the linear one.
            var best = named.Min(x => ScatterRank(x.Parts));
            var preferred = named.Where(x => ScatterRank(x.Parts) == best).ToList();
            named = preferred.Count == 1 ? preferred : named;
        }

        return named.Count > 0 ? [.. named.Select(x => x.Channel)] : [.. channels.Where(c => MarkerMatching.Squeeze(c.Label) == key)];

        static int ScatterRank(ChannelNameParts p) => (p.Measure == PulseMeasure.Area ? 0 : 3) + (p.Scale switch { ChannelScale.Lin => 0, ChannelScale.Unstated => 1, _ => 2 });
    }

    /// <summary>FSC or SSC for a detector an instrument names forward or side scatter (<c>FSC</c>, <c>FS</c>, <c>SSC</c>, <c>SS</c>), else null.</summary>
    private static string? ScatterFamily(string detector) => detector switch
    {
        "FSC" or "FS" => "FSC",
        "SSC" or "SS" => "SSC",
        _ => null,
    };

    /// <summary>
    /// Of several channels a marker matched, the area one when they are all one detector's twins (<c>FITC-A</c>/<c>FITC-H</c>,
    /// <c>BL1-A</c>/<c>BL1-H</c>, <c>FL1 Log</c>/<c>FL1 Lin</c>: area before height before width, then LOG before LIN);
    /// otherwise all of them, so the caller refuses the ambiguity.
    /// </summary>
    private static List<FcsChannel> AreaTwin(List<FcsChannel> found)
    {
        if (found.Count < 2)
        {
            return found;
        }

        var parts = found.Select(c => MarkerMatching.ParseChannelName(c.Name)).ToList();
        if (parts.Any(p => p.Detector != parts[0].Detector))
        {
            return found;
        }

        var ranks = parts.Select(p => (p.Measure switch { PulseMeasure.Height => 10, PulseMeasure.Width => 20, _ => 0 }) + (p.Scale switch { ChannelScale.Log => 0, ChannelScale.Unstated => 1, _ => 2 })).ToList();
        var best = ranks.Min();
        return ranks.Count(r => r == best) == 1 ? [found[ranks.IndexOf(best)]] : found;
    }

    /// <summary>A time channel (<see cref="FcsChannel.IsTime"/>, or a $PnN or $PnS that starts with "Time"): never a marker or scatter channel.</summary>
    private static bool IsTimeLike(FcsChannel c) =>
        c.IsTime || MarkerMatching.Squeeze(c.Name).StartsWith("TIME", StringComparison.Ordinal) || MarkerMatching.Squeeze(c.Label) == "TIME";

    /// <summary>The sample's spillover over its channels, inverted now (the templates compensate every detector); null when it
    /// has none, or when the instrument already compensated the stored values.</summary>
    /// <exception cref="PanelException">The sample has a spillover that cannot be applied (the message says why).</exception>
    private static Spillover? SampleSpillover(FcsFile sample, string name)
    {
        if (sample.CompensatedAtAcquisition)
        {
            return null;
        }

        try
        {
            return sample.SpilloverToApply();
        }
        catch (CompensationException e)
        {
            throw new PanelException($"Sample '{name}': {e.Message}", e);
        }
    }

    private static string SampleName(FcsFile sample, PanelRunOptions options) =>
        options.SampleName ?? sample.Keywords.GetValueOrDefault("$FIL") ?? sample.Keywords.GetValueOrDefault("$SRC") ?? "sample";

    private TbnkResult Report(FcsFile sample, PanelRunOptions options, string name, EventMatrix values, GatingStrategy strategy, GatingResult gated, IReadOnlyList<(string Name, string Id)> reported, IReadOnlyList<QcFlag>? notes = null)
    {
        double? beads = options.BeadsPerTest ?? (sample.Keywords.TryGetDouble("BEADS PER TEST", out var b) ? b : null);
        double? volume = options.SampleVolumeUl ?? (sample.Keywords.TryGetDouble("SAMPLE VOLUME UL", out var v) ? v : null);
        var time = sample.Channels.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.IsTime);
        var timeOk = time.c is null || IsNonDecreasing(values.Column(time.i));

        // Stability needs events in acquisition order; a file out of order is flagged TimeOrder instead.
        var stability = time.c is not null && timeOk ? AcquisitionStability.Assess(values.Column(time.i)) : null;
        return TbnkResult.Create(name, reported, gated, strategy, UsesCountingBeads ? beads : null, UsesCountingBeads ? volume : null, timeOk, sample.Spillover is not null, UsesCountingBeads, notes ?? [], stability);
    }

    private static bool IsNonDecreasing(ReadOnlySpan<float> t)
    {
        for (var i = 1; i < t.Length; i++)
        {
            if (t[i] < t[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
