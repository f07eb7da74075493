#:project ../src/HiAim.Cytometry.Plotting/HiAim.Cytometry.Plotting.csproj
#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// Simulates one TBNK/Trucount file, runs the built-in TBNK panel and writes its gating panel: every gate on its
// parent's events, with population names, % of parent, cells/µL and QC flags (as docs/images/gating-panel.png).
// Run: dotnet run samples/gating-panel.cs [output.fcs]   → writes output.fcs and output.png (and output.svg)
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Plotting;
using HiAim.Cytometry.Simulation;

var fcsPath = args.Length > 0 ? args[0] : "gating-panel.fcs";
var simulator = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, EventsPerFile = 50_000, Seed = 2026 });
simulator.Simulate(simulator.Samples[0]).Write(fcsPath);

var sample = FcsFile.Read(fcsPath);
var result = TbnkPanel.Default.Analyze(sample);
var panel = GatingPanel.For(result, new GatingPanelOptions { ChannelLabels = GatingPanelOptions.LabelsFrom(sample.Channels) });
var png = Path.ChangeExtension(fcsPath, ".png");
panel.SavePng(png);
panel.SaveSvg(Path.ChangeExtension(fcsPath, ".svg"));
Console.WriteLine($"{png}: {panel.Plots.Count} plots, {panel.Width}×{panel.Height} px; QC {(result.Flags.Count == 0 ? "pass" : string.Join(", ", result.Flags.Select(f => f.Check)))}");
foreach (var p in result.Populations)
{
    Console.WriteLine($"  {p.Name,-12} {p.Events,7:N0} events {p.CellsPerUl,8:0} cells/µL");
}
