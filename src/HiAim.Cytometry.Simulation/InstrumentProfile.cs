using System.Globalization;
using System.Text.RegularExpressions;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using static HiAim.Cytometry.Simulation.TbnkModel;

namespace HiAim.Cytometry.Simulation;

/// <summary>
/// How a cytometer names and lays out the parameters of the simulated TBNK tube when the file is written
/// (<see cref="TbnkSimulationOptions.Instrument"/>): its <c>$PnN</c>, <c>$PnS</c>, which pulse measures (area, height,
/// width) it records, the parameter order, <c>$CYT</c>, and how it writes compensation (<c>$SPILLOVER</c> or Beckman
/// <c>$DFCiTOj</c>). The events are the same; only their naming, and derived height/width parameters, change.
/// </summary>
/// <remarks>
/// Derived parameters are not new measurements: a fluorescence or SSC height is the area times a fixed ratio, and a width
/// is FSC-A / FSC-H scaled to about 50,000 for a singlet (doublets stand out on it as on FSC-H). The layouts follow real
/// files where the shared corpus has one (a FACSDiva FCS 3.0 file, a Navios LMD, an Attune NxT file); the FACSLyric one is
/// an assumption (domain.md §5: not verified).
/// </remarks>
public sealed partial class InstrumentProfile
{
    /// <summary>Singlet width scale: FSC-W = FSC-A / FSC-H × this, about 50,000 for a singlet.</summary>
    private const double WidthScale = 50_000 * SingletHeightRatio;

    /// <summary>Fluorescence height / area of a pulse [assumption].</summary>
    private const double FluorHeightRatio = 0.8;

    private static readonly string[] DivaDyes = ["FITC", "PE", "PerCP-Cy5-5", "PE-Cy7", "APC", "APC-Cy7"];
    private static readonly string[] DivaMarkers = ["CD3", "CD16+56", "CD45", "CD4", "CD19", "CD8"];
    private static readonly string[] AttuneDetectors = ["BL1", "YL1", "BL3", "YL4", "RL1", "RL3"];
    private static readonly string[] AttuneReagents = ["CD3 FITC", "CD16+56 PE", "CD45 PerCP-Cy5.5", "CD4 PE-Cy7", "CD19 APC", "CD8 APC-Cy7"];

    private readonly Parameter[] _parameters;

    private InstrumentProfile(string name, string cytometer, bool beckmanCompensation, Parameter[] parameters)
    {
        Name = name;
        Cytometer = cytometer;
        BeckmanCompensation = beckmanCompensation;
        _parameters = parameters;
    }

    /// <summary>How one written parameter is made from the simulator's columns (<see cref="TbnkModel"/> indices).</summary>
    private enum Derivation
    {
        Copy,
        Height,
        Width,
    }

    /// <summary>The simulator's own files, unchanged: FSC-A, FSC-H, SSC-A, six fluorescence -A with $PnS CD3 … CD8, Time; <c>$SPILLOVER</c>.</summary>
    public static InstrumentProfile Simulator { get; } = new("simulator", "FACSCanto II", false, []);

    /// <summary>FACSCanto II / FACSDiva with area parameters only and Time (no FSC-H, no width): $PnS <c>CD3 FITC</c>, <c>CD16+56 PE</c>, … as the BD Multitest tube is often labelled.</summary>
    public static InstrumentProfile CantoAreaOnly { get; } = new("canto-area", "FACSCanto II", false,
    [
        new("FSC-A", null, FscA), new("SSC-A", null, SscA),
        new("FITC-A", "CD3 FITC", FirstFluor), new("PE-A", "CD16+56 PE", FirstFluor + 1), new("PerCP-Cy5-5-A", "CD45 PerCP-Cy5.5", FirstFluor + 2),
        new("PE-Cy7-A", "CD4 PE-Cy7", FirstFluor + 3), new("APC-A", "CD19 APC", FirstFluor + 4), new("APC-Cy7-A", "CD8 APC-Cy7", FirstFluor + 5),
        new("Time", null, Time),
    ]);

    /// <summary>FACSDiva with -A, -H and -W: FSC and SSC -A/-H/-W, every fluorescence -A and -H with the same $PnS (both say <c>CD3</c>), Time.</summary>
    public static InstrumentProfile DivaAreaHeightWidth { get; } = new("diva-ahw", "FACSCanto II", false,
    [
        new("FSC-A", null, FscA), new("FSC-H", null, FscH), new("FSC-W", null, FscA, Derivation.Width),
        new("SSC-A", null, SscA), new("SSC-H", null, SscA, Derivation.Height), new("SSC-W", null, FscA, Derivation.Width),
        .. Interleaved(Fluorescence(DivaDyes, DivaMarkers, "-A", string.Empty, Derivation.Copy), Fluorescence(DivaDyes, DivaMarkers, "-H", string.Empty, Derivation.Height)),
        new("Time", null, Time),
    ]);

    /// <summary>
    /// Beckman Coulter Navios (LMD, as Kaluza reads it): <c>FS INT LIN</c>, <c>FS PEAK LIN</c>, <c>FS TOF LIN</c>,
    /// <c>SS INT LIN</c>, <c>FLn INT LOG</c> with $PnS <c>CD3-FITC</c>, <c>CD16+56-PE</c>, <c>CD4-PC7</c>, <c>CD19-APC</c>,
    /// <c>CD8-APC-A750</c>, <c>CD45-KrO</c> (CD45 on Krome Orange, FL10), <c>TIME</c>; compensation as <c>$DFCiTOj</c> percentages.
    /// </summary>
    public static InstrumentProfile NaviosKaluza { get; } = new("navios", "Navios", true,
    [
        new("FS INT LIN", "FS INT LIN", FscA), new("FS PEAK LIN", "FS PEAK LIN", FscH), new("FS TOF LIN", "FS TOF LIN", FscA, Derivation.Width),
        new("SS INT LIN", "SS INT LIN", SscA),
        new("FL1 INT LOG", "CD3-FITC", FirstFluor), new("FL2 INT LOG", "CD16+56-PE", FirstFluor + 1), new("FL5 INT LOG", "CD4-PC7", FirstFluor + 3),
        new("FL6 INT LOG", "CD19-APC", FirstFluor + 4), new("FL8 INT LOG", "CD8-APC-A750", FirstFluor + 5), new("FL10 INT LOG", "CD45-KrO", FirstFluor + 2),
        new("TIME", null, Time),
    ]);

    /// <summary>
    /// Thermo Fisher Attune NxT: Time first, then every -A, -H and -W block; detectors named by laser and filter (<c>BL1-A</c>
    /// FITC, <c>YL1-A</c> PE, <c>BL3-A</c> PerCP-Cy5.5, <c>YL4-A</c> PE-Cy7, <c>RL1-A</c> APC, <c>RL3-A</c> APC-Cy7) with
    /// $PnS the reagent plus the measure (<c>CD3 FITC-A</c>, <c>CD3 FITC-H</c>; scatter $PnS = $PnN).
    /// </summary>
    public static InstrumentProfile AttuneNxt { get; } = new("attune", "Attune NxT Acoustic Focusing Cytometer", false,
    [
        new("Time", "Time", Time), new("FSC-A", "FSC-A", FscA), new("SSC-A", "SSC-A", SscA),
        .. Fluorescence(AttuneDetectors, AttuneReagents, "-A", "-A", Derivation.Copy),
        new("FSC-H", "FSC-H", FscH), new("SSC-H", "SSC-H", SscA, Derivation.Height),
        .. Fluorescence(AttuneDetectors, AttuneReagents, "-H", "-H", Derivation.Height),
        new("FSC-W", "FSC-W", FscA, Derivation.Width), new("SSC-W", "SSC-W", FscA, Derivation.Width),
    ]);

    /// <summary>
    /// BD FACSLyric (FACSuite) [assumption: not verified against a real file]: FSC and SSC -A/-H, fluorescence -A with
    /// FACSuite's dye names (<c>PerCP-Cy5.5-A</c>, <c>APC-H7-A</c>) and bare marker $PnS (<c>CD3</c>, <c>CD16CD56</c>), Time.
    /// </summary>
    public static InstrumentProfile FacsLyric { get; } = new("lyric", "FACSLyric", false,
    [
        new("FSC-A", null, FscA), new("FSC-H", null, FscH), new("SSC-A", null, SscA), new("SSC-H", null, SscA, Derivation.Height),
        new("FITC-A", "CD3", FirstFluor), new("PE-A", "CD16CD56", FirstFluor + 1), new("PerCP-Cy5.5-A", "CD45", FirstFluor + 2),
        new("PE-Cy7-A", "CD4", FirstFluor + 3), new("APC-A", "CD19", FirstFluor + 4), new("APC-H7-A", "CD8", FirstFluor + 5),
        new("Time", null, Time),
    ]);

    /// <summary>Every profile, <see cref="Simulator"/> first.</summary>
    public static IReadOnlyList<InstrumentProfile> All { get; } = [Simulator, CantoAreaOnly, DivaAreaHeightWidth, NaviosKaluza, AttuneNxt, FacsLyric];

    /// <summary>Short name (<c>simulator</c>, <c>canto-area</c>, <c>diva-ahw</c>, <c>navios</c>, <c>attune</c>, <c>lyric</c>).</summary>
    public string Name { get; }

    /// <summary><c>$CYT</c> written.</summary>
    public string Cytometer { get; }

    /// <summary>Whether compensation is written as Beckman <c>$DFCiTOj</c> percentages instead of <c>$SPILLOVER</c>.</summary>
    public bool BeckmanCompensation { get; }

    /// <summary>The <c>$PnN</c> written, in order.</summary>
    public IReadOnlyList<string> ChannelNames => _parameters.Length == 0 ? TbnkModel.ChannelNames : [.. _parameters.Select(p => p.Name)];

    /// <summary>The <c>$PnN</c> this profile writes for a simulator channel's area (e.g. <c>FITC-A</c> → <c>BL1-A</c>), or null when it drops it.</summary>
    /// <param name="simulatorChannel">One of <see cref="TbnkSimulator.ChannelNames"/>.</param>
    /// <returns>The written name.</returns>
    public string? ChannelFor(string simulatorChannel)
    {
        var c = Array.IndexOf(TbnkModel.ChannelNames, simulatorChannel);
        return c < 0 ? null : _parameters.Length == 0 ? simulatorChannel : _parameters.FirstOrDefault(p => p.Source == c && p.Derive == Derivation.Copy)?.Name;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>
    /// The file as this instrument writes it: columns renamed, derived, dropped and reordered, per-parameter keywords
    /// renumbered, <c>$PnS</c> and <c>$CYT</c> replaced, and <c>$SPILLOVER</c> renamed (or written as <c>$DFCiTOj</c>).
    /// <see cref="Simulator"/> returns its input unchanged, so default files stay byte-identical.
    /// </summary>
    internal (EventMatrix Events, List<KeyValuePair<string, string>> Keywords, Spillover Spillover) Write(EventMatrix events, List<KeyValuePair<string, string>> keywords, Spillover spillover)
    {
        if (_parameters.Length == 0)
        {
            return (events, keywords, spillover);
        }

        var inv = CultureInfo.InvariantCulture;
        var columns = _parameters.Select(p => Column(events, p)).ToArray();
        var renamed = new Spillover([.. spillover.Detectors.Select(d => ChannelFor(d) ?? throw new InvalidOperationException($"Profile {Name} drops detector {d}."))], spillover.ToArray(), BeckmanCompensation ? "$DFCiTOj" : "$SPILLOVER");

        // Per-parameter keywords of the simulator's channels, to copy onto the parameters made from them.
        var perChannel = new Dictionary<int, List<(string Prefix, string Suffix, string Value)>>();
        var written = new List<KeyValuePair<string, string>>();
        foreach (var k in keywords)
        {
            var m = ParameterKeyword().Match(k.Key);
            if (m.Success)
            {
                var n = int.Parse(m.Groups[2].ValueSpan, inv);
                if (!perChannel.TryGetValue(n, out var list))
                {
                    perChannel[n] = list = [];
                }

                list.Add((m.Groups[1].Value, m.Groups[3].Value, k.Value));
            }
            else if (k.Key == "$SPILLOVER")
            {
                written.AddRange(BeckmanCompensation ? DfcKeywords(k.Value, renamed.Detectors) : [new("$SPILLOVER", RenamedSpillover(k.Value, renamed))]);
            }
            else
            {
                written.Add(k.Key == "$CYT" ? new(k.Key, Cytometer) : k);
            }
        }

        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (p.Label is not null)
            {
                written.Add(new(string.Create(inv, $"$P{i + 1}S"), p.Label));
            }

            foreach (var (prefix, suffix, value) in perChannel.GetValueOrDefault(p.Source + 1) ?? [])
            {
                if (suffix != "S")
                {
                    written.Add(new(string.Create(inv, $"{prefix}P{i + 1}{suffix}"), value));
                }
            }
        }

        return (new EventMatrix([.. _parameters.Select(p => p.Name)], columns), written, renamed);
    }

    private static float[] Column(EventMatrix events, Parameter p)
    {
        var source = events.Column(p.Source);
        if (p.Derive == Derivation.Copy)
        {
            return source.ToArray();
        }

        var heights = events.Column(FscH);
        var column = new float[source.Length];
        for (var e = 0; e < column.Length; e++)
        {
            column[e] = p.Derive == Derivation.Height
                ? (float)(source[e] * FluorHeightRatio)
                : heights[e] > 0 ? (float)Math.Min(WidthScale * source[e] / heights[e], MaxValue) : 0f;
        }

        return column;
    }

    /// <summary>
    /// Beckman compensation: <c>$DFCiTOj</c> = percent of detector FLi's signal seen in FLj, for every recorded pair, from
    /// the written <c>$SPILLOVER</c> value (<c>n,names…,values…</c>) so the file says what the default file would.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> DfcKeywords(string written, IReadOnlyList<string> detectors)
    {
        var inv = CultureInfo.InvariantCulture;
        var fields = written.Split(',');
        var n = detectors.Count;
        var fl = detectors.Select(d => int.Parse(BeckmanDetector().Match(d).Groups[1].ValueSpan, inv)).ToArray();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i != j)
                {
                    var fraction = double.Parse(fields[1 + n + (i * n) + j], NumberStyles.Float, inv);
                    yield return new(string.Create(inv, $"$DFC{fl[i]}TO{fl[j]}"), (fraction * 100).ToString("0.####", inv));
                }
            }
        }
    }

    /// <summary>The written <c>$SPILLOVER</c> value (<c>n,names…,values…</c>) with the detector names replaced, values untouched.</summary>
    private static string RenamedSpillover(string written, Spillover renamed)
    {
        var fields = written.Split(',');
        for (var i = 0; i < renamed.Count; i++)
        {
            fields[1 + i] = renamed.Detectors[i];
        }

        return string.Join(',', fields);
    }

    /// <summary>One measure of the six fluorescence detectors, in dye order (FITC, PE, PerCP-Cy5.5, PE-Cy7, APC, APC-Cy7).</summary>
    private static Parameter[] Fluorescence(string[] detectors, string[] labels, string suffix, string labelSuffix, Derivation derive) =>
        [.. detectors.Select((d, i) => new Parameter(d + suffix, labels[i] + labelSuffix, FirstFluor + i, derive))];

    /// <summary>Two measures of each detector, detector by detector (FITC-A, FITC-H, PE-A, PE-H, …), as FACSDiva orders them.</summary>
    private static Parameter[] Interleaved(Parameter[] first, Parameter[] second) => [.. first.Zip(second).SelectMany(x => new[] { x.First, x.Second })];

    [GeneratedRegex(@"^(\$?)P(\d+)([A-Z]+)$")]
    private static partial Regex ParameterKeyword();

    [GeneratedRegex(@"^FL(\d+)")]
    private static partial Regex BeckmanDetector();

    /// <summary>One written parameter: its $PnN, $PnS (null = none) and the simulator column it comes from.</summary>
    private sealed record Parameter(string Name, string? Label, int Source, Derivation Derive = Derivation.Copy);
}
