#:project ../src/HiAim.Cytometry.Cohort/HiAim.Cytometry.Cohort.csproj
#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// Runs a folder of TBNK/Trucount FCS files into a counts table (CSV) and prints the trial's outcome view.
// Run: dotnet run samples/cohort.cs [folder-or-prefix]
//   a folder with .fcs files (and optionally samples.csv: file,patient,arm,timepoint,...) is counted as it is;
//   anything else is used as a prefix: a 6-patient cohort is simulated into <prefix>-cohort/ first.
using HiAim.Cytometry.Cohort;
using HiAim.Cytometry.Simulation;

var arg = args.Length > 0 ? args[0] : "cohort";
var folder = Directory.Exists(arg) ? arg : Path.ChangeExtension(arg, null) + "-cohort";
if (!Directory.Exists(folder))
{
    new TbnkSimulator(new TbnkSimulationOptions { Patients = 6, EventsPerFile = 30_000, Seed = 5, NkEffectPerTimepoint = 0.3 }).WriteCohort(folder);
}

var sheetPath = Path.Combine(folder, "samples.csv");
var options = new CohortRunOptions { SampleSheet = File.Exists(sheetPath) ? SampleSheet.Load(sheetPath) : null };
var files = Directory.GetFiles(folder, "*.fcs").Order(StringComparer.Ordinal).ToList();
var ordered = options.SampleSheet?.Order(files) ?? files;              // rows in the sheet's order: pre, mid, post per patient
var output = folder.TrimEnd('/', '\\') + "-results";
var run = CohortRun.Run(ordered, output, options, new Progress<CohortProgress>(p => Console.WriteLine($"[{p.Done}/{p.Total}] {p.Sample.File}: {p.Sample.Status}")));

Console.WriteLine($"{run.Samples.Count} samples ({run.Failed} failed) in {run.Elapsed.TotalSeconds:F1} s → {run.CountsCsv}");
foreach (var line in File.ReadLines(run.CountsCsv).Take(3))
{
    Console.WriteLine("  " + (line.Length > 150 ? line[..150] + " …" : line));
}

if (options.SampleSheet is not null)
{
    Console.WriteLine();
    Console.WriteLine(CohortSummary.Load(output).ToText());
}

return run.Failed == 0 ? 0 : 1;
