#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// The README's 10-line example, verbatim (DocsTests checks the usings and the lines between the markers match);
// CI runs it. Run: dotnet run samples/quickstart.cs [output-prefix]   (works in <prefix>-quickstart/)
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;

var work = (args.Length > 0 ? Path.ChangeExtension(args[0], null) : "demo") + "-quickstart";
Directory.CreateDirectory(work);
Directory.SetCurrentDirectory(work);

// README:begin
new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, EventsPerFile = 20_000 }).WriteCohort("cohort"); // 3 simulated tubes
var sample = FcsFile.Read("cohort/P001_pre.fcs");                    // any FCS 2.0–3.2 file
Console.WriteLine($"{sample.Version}: {sample.EventCount} events, {sample.Channels.Count} channels");
var tbnk = TbnkPanel.Default.Analyze(sample);                        // gates placed from the data; Trucount bead counts
foreach (var p in tbnk.Populations) Console.WriteLine($"{p.Name,-12} {p.CellsPerUl,6:F0} cells/µL");
GatingML.Save(tbnk.Strategy, "P001_pre.gates.xml");                  // the placed gates, as Gating-ML 2.0
// README:end

// The saved gates are an ordinary strategy: re-applied to the file they give the same NK count.
var again = GatingML.Load("P001_pre.gates.xml").Apply(sample);
if (again["NK"].Count != tbnk["NK"].Events)
{
    Console.Error.WriteLine($"re-applied gates give {again["NK"].Count} NK events, the template {tbnk["NK"].Events}");
    return 1;
}

return 0;
