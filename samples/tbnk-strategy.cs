#:project ../src/HiAim.Cytometry/HiAim.Cytometry.csproj
#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// A 12-gate TBNK strategy for the simulated FACSCanto tube (hiaim simulate), written as Gating-ML 2.0:
// the file's own spillover, Gating-ML asinh on every fluorescence channel, polygons, rectangles, two
// quadrants and a boolean NOT gate (Cells = Singlets that are not Beads). Used for the `hiaim gate`
// end-to-end timing in benchmarks/README.md. Before writing, it checks itself on a simulated tube with
// known answers: no counting bead may reach the lymphocytes (until 2026-12-02 Leukocytes hung under
// Singlets, so every bead, bright in CD3 and CD19, was counted as a CD3+CD19+ lymphocyte); it exits 1 if one does.
// Run: dotnet run samples/tbnk-strategy.cs [output.xml]
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Simulation;
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
    .Add(new RectangleGate("Beads", "Singlets", new GateRange(Marker("PE-A"), asinh.Apply(20_000), null), new GateRange(Marker("FITC-A"), asinh.Apply(20_000), null)))
    .Add(new BooleanGate("Cells", "Singlets", BooleanOperator.Not, new GateReference("Beads")))
    .Add(new PolygonGate("Leukocytes", "Cells", Marker("PerCP-Cy5-5-A"), ssc, [(cut, 0), (1, 0), (1, 262_143), (cut, 262_143)]))
    .Add(new PolygonGate("Lymphocytes", "Leukocytes", Marker("PerCP-Cy5-5-A"), ssc, [(asinh.Apply(3_000), 0), (1, 0), (1, 30_000), (asinh.Apply(3_000), 30_000)]))
    .Add(new PolygonGate("Monocytes", "Leukocytes", Marker("PerCP-Cy5-5-A"), ssc, [(cut, 30_000), (1, 30_000), (1, 80_000), (cut, 80_000)]))
    .Add(new RectangleGate("Granulocytes", "Leukocytes", new GateRange(ssc, 80_000, null)))
    .Add(QuadrantGate.Cross("CD3/CD19", "Lymphocytes", Marker("FITC-A"), cut, Marker("APC-A"), cut,
        lowLow: "CD3-CD19-", highLow: "T", lowHigh: "B", highHigh: "CD3+CD19+"))
    .Add(QuadrantGate.Cross("CD4/CD8", "T", Marker("PE-Cy7-A"), cut, Marker("APC-Cy7-A"), cut,
        lowLow: "T DN", highLow: "CD4", lowHigh: "CD8", highHigh: "T DP"))
    .Add(new RectangleGate("NK", "CD3-CD19-", new GateRange(Marker("PE-A"), cut, null)))
    .Add(new RectangleGate("NK bright", "NK", new GateRange(Marker("PE-A"), asinh.Apply(30_000), null)))
    .Add(new RectangleGate("NK dim", "NK", new GateRange(Marker("PE-A"), cut, asinh.Apply(30_000))));

// The check that would have caught beads counted as lymphocytes: a simulated tube, gated, against its truth.
var scratch = Path.Combine(Path.GetTempPath(), $"hiaim-tbnk-strategy-{Guid.NewGuid():N}");
try
{
    var truth = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, EventsPerFile = 20_000, Seed = 11 }).WriteCohort(scratch)[0];
    var gated = strategy.Apply(FcsFile.Read(Path.Combine(scratch, truth.Sample.FileName)));
    var beadsInLymphocytes = gated["Lymphocytes"].Members.And(gated["Beads"].Members).Count;
    var doublePositive = gated["CD3+CD19+"].Count;
    Console.WriteLine($"check on {truth.Sample.FileName}: {gated["Beads"].Count} beads, {gated["Lymphocytes"].Count} lymphocytes, {beadsInLymphocytes} beads among them, {doublePositive} CD3+CD19+");
    if (beadsInLymphocytes > 0 || doublePositive > gated["Lymphocytes"].Count / 100)
    {
        Console.Error.WriteLine("tbnk-strategy: counting beads reach the lymphocyte gate; the strategy is wrong");
        return 1;
    }
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

GatingML.Save(strategy, path);
var again = GatingML.Load(path);
Console.WriteLine($"{path}: {again.Gates.Count} gates written as Gating-ML 2.0 and re-read");
return 0;
