#:project ../src/HiAim.Cytometry/HiAim.Cytometry.csproj
// Builds a small TBNK gating strategy in code, gates a file this sample writes itself, prints the
// populations, saves the strategy as Gating-ML 2.0 and, when ../shared is present, runs the ISAC
// compliance strategy on data1.fcs.
// Run: dotnet run samples/gating.cs [output.fcs]
using System.Globalization;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

var inv = CultureInfo.InvariantCulture;
var path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "tbnk-demo.fcs");
WriteDemoFile(path);

// --- the TBNK strategy: about 30 lines a cytometrist can read ---
var logicle = new Logicle(262_144, 0.5, 4.5, 0);
Dimension Marker(string channel) => new(channel, CompensationRef.File, logicle); // the file's own spillover, then logicle
var positive = logicle.Apply(1_000);                                              // cut at 1,000 in data units
var fsc = new Dimension("FSC-A");
var ssc = new Dimension("SSC-A");

var tbnk = new GatingStrategy()
    .Add(new PolygonGate("Lymphocytes", null, fsc, ssc,
        [(30_000, 0), (80_000, 0), (80_000, 20_000), (55_000, 26_000), (30_000, 20_000)]))
    .Add(new RectangleGate("CD45+", "Lymphocytes", new GateRange(Marker("CD45"), positive, null)))
    .Add(QuadrantGate.Cross("CD3/CD19", "CD45+", Marker("CD3"), positive, Marker("CD19"), positive,
        lowLow: "CD3-CD19-", highLow: "T cells", lowHigh: "B cells", highHigh: "CD3+CD19+"))
    .Add(QuadrantGate.Cross("CD4/CD8", "T cells", Marker("CD4"), positive, Marker("CD8"), positive,
        lowLow: "DN T", highLow: "CD4 T", lowHigh: "CD8 T", highHigh: "DP T"))
    .Add(new RectangleGate("NK cells", "CD3-CD19-", new GateRange(Marker("CD16+56"), positive, null)))
    .Add(new BooleanGate("T or NK", "CD45+", BooleanOperator.Or, new GateReference("T cells"), new GateReference("NK cells")));

var sample = FcsFile.Read(path);
var result = tbnk.Apply(sample);
Console.WriteLine($"{Path.GetFileName(path)}: {result.EventCount:N0} events");
Console.WriteLine($"  {"population",-12} {"parent",-12} {"count",8} {"% parent",9} {"% total",8}");
foreach (var p in result.Populations.Where(p => p.Id is not ("CD3+CD19+" or "DP T")))
{
    Console.WriteLine(string.Create(inv, $"  {p.Id,-12} {p.ParentId ?? "-",-12} {p.Count,8:N0} {p.PercentOfParent,9:F1} {p.PercentOfTotal,8:F1}"));
}

var cd4 = result.Statistics("CD4 T", new Dimension("CD4", CompensationRef.File));
Console.WriteLine(string.Create(inv, $"CD4 T, compensated CD4: median {cd4.Median:F0}, geometric mean {cd4.GeometricMean:F0}, rCV {cd4.RobustCv:F1} %"));

var xml = Path.ChangeExtension(path, ".gating-ml.xml");
GatingML.Save(tbnk, xml);
var again = GatingML.Load(xml).Apply(sample);
Console.WriteLine($"Gating-ML written to {Path.GetFileName(xml)}; re-read gives the same counts: {result.Populations.All(p => again[p.Id].Count == p.Count)}");

// --- the ISAC Gating-ML 2.0 compliance strategy, when ../shared is beside the repository ---
var sampleDir = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Directory.GetCurrentDirectory();
var shared = Path.GetFullPath(Path.Combine(sampleDir, "..", "..", "shared", "data", "gatingml2"));
if (File.Exists(Path.Combine(shared, "data1.fcs")))
{
    string[] shown = ["Range1", "Polygon3NS", "Ellipse1", "And4", "ScaleRect1"];
    var all = GatingML.Load(Path.Combine(shared, "gml", "gml_all_gates.xml")).Apply(FcsFile.Read(Path.Combine(shared, "data1.fcs")));
    Console.WriteLine($"gml_all_gates.xml on data1.fcs: {all.Populations.Count} populations, e.g. " +
        string.Join(", ", shown.Select(id => $"{id} {all[id].Count}")));
}

static void WriteDemoFile(string path)
{
    var rng = new Random(7);
    var events = new EventMatrix(50_000, ["FSC-A", "SSC-A", "CD45", "CD3", "CD4", "CD8", "CD19", "CD16+56"]);
    double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    float Pos() => (float)Math.Exp(Math.Log(8_000) + (0.35 * Normal()));
    float Neg() => (float)(60 * Normal());
    for (var e = 0; e < events.EventCount; e++)
    {
        var kind = rng.NextDouble();
        var lymph = kind < 0.6;
        events[e, 0] = (float)((lymph ? 55_000 : kind < 0.8 ? 110_000 : 20_000) + (6_000 * Normal()));
        events[e, 1] = (float)((lymph ? 10_000 : kind < 0.8 ? 60_000 : 4_000) + (2_500 * Normal()));
        events[e, 2] = lymph || kind < 0.8 ? Pos() : Neg();
        var cell = rng.NextDouble(); // among lymphocytes: 70 % T (60 % CD4, 35 % CD8), 12 % B, 15 % NK
        var t = lymph && cell < 0.70;
        var cd4 = t && rng.NextDouble() < 0.63;
        events[e, 3] = t ? Pos() : Neg();
        events[e, 4] = cd4 ? Pos() : Neg();
        events[e, 5] = t && !cd4 ? Pos() : Neg();
        events[e, 6] = lymph && cell is >= 0.70 and < 0.82 ? Pos() : Neg();
        events[e, 7] = lymph && cell >= 0.82 && cell < 0.97 ? Pos() : Neg();
    }

    // CD4 and CD8 spill a little into each other; the file carries the matrix, the gates use it ("FCS").
    FcsWriter.Write(path, events, [new("$SPILLOVER", "2,CD4,CD8,1,0.08,0.03,1")]);
}
