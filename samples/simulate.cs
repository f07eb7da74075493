#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// Simulates a tiny HI AIM-like TBNK/Trucount cohort (4 patients × pre/mid/post), writes the FCS files,
// truth.csv and samples.csv, and prints the truth table (bead-formula cells/µL per population).
// Run: dotnet run samples/simulate.cs [output-prefix]   → files go to <output-prefix>-cohort/
using System.Globalization;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Simulation;

var prefix = args.Length > 0 ? args[0] : "simulate";
var directory = Path.ChangeExtension(prefix, null) + "-cohort";
var simulator = new TbnkSimulator(new TbnkSimulationOptions { Patients = 4, EventsPerFile = 20_000, Seed = 2026, NkEffectPerTimepoint = 0.15 });
var truths = simulator.WriteCohort(directory);

string[] columns = ["Lymphocytes", "T", "CD4", "CD8", "B", "NK", "NK_bright", "NK_dim"];
var inv = CultureInfo.InvariantCulture;
Console.WriteLine($"{truths.Count} files in {directory} (cells/µL = cell events / bead events × beads per test / µL)");
Console.WriteLine($"{"file",-15} {"arm",-9} {"beads",6} " + string.Join(' ', columns.Select(c => $"{c,11}")));
foreach (var t in truths)
{
    var cells = string.Join(' ', columns.Select(c => t.CellsPerUl(c).ToString("0", inv).PadLeft(11)));
    Console.WriteLine($"{t.Sample.FileName,-15} {TbnkTruth.ArmName(t.Sample.Arm),-9} {t.Events("Beads"),6} {cells}");
}

// Every file reads back with its own spillover and the lot's bead count as keywords.
var first = FcsFile.Read(Path.Combine(directory, truths[0].Sample.FileName));
Console.WriteLine($"{first.Keywords["$FIL"]}: {first.EventCount} events, {first.Channels.Count} channels, $SPILLOVER over {string.Join(',', first.Spillover!.Detectors)}, BEADS PER TEST {first.Keywords["BEADS PER TEST"]}");
