#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// A lab's own panel without code in the library: a JSON definition (markers with aliases, the populations to report)
// plus a Gating-ML strategy written in MARKER names, bound to each file's channels by $PnS/$PnN matching.
// This script writes such a pair (a CD3/CD4/CD8 T-cell panel; CD19 only to drop the counting beads, which are bright in every channel) and counts one simulated tube with it; the same files
// work from the command line: hiaim count FOLDER --panel t-cells.json --out results
// Run: dotnet run samples/custom-panel.cs [output-prefix]
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;
using HiAim.Cytometry.Transforms;

var dir = (args.Length > 0 ? Path.ChangeExtension(args[0], null) : "custom") + "-panel";
Directory.CreateDirectory(dir);

// 1. The strategy, in marker names: the lab draws these gates once (here in code; FlowJo or FlowKit export works too).
var asinh = new Arcsinh(262_144, 4.5, 0);
Dimension Marker(string marker) => new(marker, CompensationRef.File, asinh);
var positive = asinh.Apply(1_000);
var strategy = new GatingStrategy()
    .Add(new PolygonGate("Singlets", null, new("FSC-A"), new("FSC-H"), [(5_000, 0), (262_143, 190_000), (262_143, 262_143), (5_000, 40_000)]))
    .Add(new RectangleGate("Beads", "Singlets", new GateRange(Marker("CD3"), asinh.Apply(5_000), null), new GateRange(Marker("CD19"), asinh.Apply(5_000), null)))
    .Add(new BooleanGate("Cells", "Singlets", BooleanOperator.Not, new GateReference("Beads")))
    .Add(new RectangleGate("Leukocytes", "Cells", new GateRange(Marker("CD45"), asinh.Apply(400), null)))
    .Add(new RectangleGate("Lymphocytes", "Leukocytes", new GateRange(new Dimension("SSC-A"), null, 30_000)))
    .Add(new RectangleGate("T", "Lymphocytes", new GateRange(Marker("CD3"), positive, null)))
    .Add(QuadrantGate.Cross("CD4/CD8", "T", Marker("CD4"), positive, Marker("CD8"), positive,
        lowLow: "CD4-CD8-", highLow: "CD4+", lowHigh: "CD8+", highHigh: "CD4+CD8+"));
GatingML.Save(strategy, Path.Combine(dir, "t-cells.gating.xml"));

// 2. The panel definition: markers (with the spellings labs use), the strategy, and the populations to report.
File.WriteAllText(Path.Combine(dir, "t-cells.json"), """
    {
      "name": "T cells",
      "countingBeads": false,
      "markers": [
        { "name": "CD45", "aliases": ["PTPRC"] },
        { "name": "CD3" },
        { "name": "CD4" },
        { "name": "CD8", "aliases": ["CD8a"] },
        { "name": "CD19" }
      ],
      "strategy": "t-cells.gating.xml",
      "populations": { "Lymphocytes": "Lymphocytes", "T": "T", "CD4": "CD4+", "CD8": "CD8+" }
    }
    """);

// 3. Load and run it on a simulated TBNK tube (its CD3 is on FITC-A, CD4 on PE-Cy7-A, ...: bound by the labels).
var panel = Panel.Load(Path.Combine(dir, "t-cells.json"));
var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, EventsPerFile = 30_000, Seed = 8 });
var tube = sim.Simulate(sim.Samples[0]);
var result = panel.Analyze(FcsFile.Read(tube.ToArray()));
Console.WriteLine($"{panel.Name}: {panel.Template.Name}, markers {string.Join(", ", panel.Markers.Select(m => m.Name))}");
foreach (var p in result.Populations)
{
    Console.WriteLine($"  {p.Name,-12} {p.Events,7} events  {p.PercentOfLymphocytes,6:F1} % of lymphocytes  (truth {tube.Truth.Events(p.Name),7})");
}

// The fixed gates are looser than the data-placed template, but T and CD4 land within 5 % of the simulator's truth.
string[] check = ["T", "CD4"];
var off = check.Where(p => Math.Abs((double)result[p].Events / tube.Truth.Events(p) - 1) > 0.05).ToList();
if (off.Count > 0)
{
    Console.Error.WriteLine($"more than 5 % from truth: {string.Join(", ", off)}");
    return 1;
}

return 0;
