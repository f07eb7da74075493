#:project ../src/HiAim.Cytometry/HiAim.Cytometry.csproj
// A 12-gate TBNK strategy for the simulated FACSCanto tube (hiaim simulate), written as Gating-ML 2.0:
// the file's own spillover, Gating-ML asinh on every fluorescence channel, polygons, rectangles, two
// quadrants and a boolean gate. Used for the `hiaim gate` end-to-end timing in benchmarks/README.md.
// Run: dotnet run samples/tbnk-strategy.cs [output.xml]
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

var path = args.Length > 0 ? Path.ChangeExtension(args[0], ".xml") : "tbnk-12-gates.xml";
var asinh = new Arcsinh(262_144, 4.5, 0);
Dimension Marker(string channel) => new(channel, CompensationRef.File, asinh);
var cut = asinh.Apply(1_000);                        // positive above 1,000 compensated units
var fscA = new Dimension("FSC-A");
var fscH = new Dimension("FSC-H");
var ssc = new Dimension("SSC-A");

var strategy = new GatingStrategy()
    .Add(new PolygonGate("Singlets", null, fscA, fscH, [(5_000, 0), (262_143, 190_000), (262_143, 262_143), (5_000, 40_000)]))
    .Add(new RectangleGate("Beads", null, new GateRange(Marker("PE-A"), asinh.Apply(20_000), null), new GateRange(Marker("FITC-A"), asinh.Apply(20_000), null)))
    .Add(new PolygonGate("Leukocytes", "Singlets", Marker("PerCP-Cy5-5-A"), ssc, [(cut, 0), (1, 0), (1, 262_143), (cut, 262_143)]))
    .Add(new PolygonGate("Lymphocytes", "Leukocytes", Marker("PerCP-Cy5-5-A"), ssc, [(asinh.Apply(3_000), 0), (1, 0), (1, 30_000), (asinh.Apply(3_000), 30_000)]))
    .Add(new PolygonGate("Monocytes", "Leukocytes", Marker("PerCP-Cy5-5-A"), ssc, [(cut, 30_000), (1, 30_000), (1, 80_000), (cut, 80_000)]))
    .Add(new RectangleGate("Granulocytes", "Leukocytes", new GateRange(ssc, 80_000, null)))
    .Add(QuadrantGate.Cross("CD3/CD19", "Lymphocytes", Marker("FITC-A"), cut, Marker("APC-A"), cut,
        lowLow: "CD3-CD19-", highLow: "T", lowHigh: "B", highHigh: "CD3+CD19+"))
    .Add(QuadrantGate.Cross("CD4/CD8", "T", Marker("PE-Cy7-A"), cut, Marker("APC-Cy7-A"), cut,
        lowLow: "T DN", highLow: "CD4", lowHigh: "CD8", highHigh: "T DP"))
    .Add(new RectangleGate("NK", "CD3-CD19-", new GateRange(Marker("PE-A"), cut, null)))
    .Add(new RectangleGate("NK bright", "NK", new GateRange(Marker("PE-A"), asinh.Apply(30_000), null)))
    .Add(new RectangleGate("NK dim", "NK", new GateRange(Marker("PE-A"), cut, asinh.Apply(30_000))))
    .Add(new BooleanGate("T or NK", "Lymphocytes", BooleanOperator.Or, new GateReference("T"), new GateReference("NK")));

GatingML.Save(strategy, path);
var again = GatingML.Load(path);
Console.WriteLine($"{path}: {again.Gates.Count} gates written as Gating-ML 2.0 and re-read");
