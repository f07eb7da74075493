#:project ../src/HiAim.Cytometry/HiAim.Cytometry.csproj
// Writes a small FCS 3.1 file, reads it back and prints what a cytometrist checks first.
// Run: dotnet run samples/quickstart.cs [output.fcs]
using System.Globalization;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

var path = args.Length > 0 ? args[0] : "demo.fcs";
var rng = new Random(2026);
var events = new EventMatrix(10_000, ["FSC-A", "SSC-A", "FITC-A", "PE-A", "Time"]);
for (var e = 0; e < events.EventCount; e++)
{
    events[e, 0] = 50_000 + (float)(rng.NextDouble() * 20_000);
    events[e, 1] = 10_000 + (float)(rng.NextDouble() * 5_000);
    events[e, 2] = (float)Math.Exp(rng.NextDouble() * 9);
    events[e, 3] = (float)Math.Exp(rng.NextDouble() * 9);
    events[e, 4] = e * 0.01f;
}

FcsWriter.Write(path, events, [new("$P3S", "CD3"), new("$P4S", "CD56"), new("$SPILLOVER", "2,FITC-A,PE-A,1,0.12,0.02,1")]);

// --- the 10-line example from the README ---
var sample = FcsFile.Read(path);                                   // any FCS 2.0–3.2 file
Console.WriteLine($"{sample.Version}: {sample.EventCount} events, {sample.Channels.Count} channels");
foreach (var ch in sample.Channels)
{
    Console.WriteLine($"  {ch.Name,-6} {ch.Label,-5} {ch.Bits,2} bits  range {ch.Range}");
}

var cd3 = sample.Events.Column("FITC-A");                          // one float span per channel
Console.WriteLine($"mean FITC-A {cd3.ToArray().Average().ToString("F1", CultureInfo.InvariantCulture)}; spillover {string.Join(",", sample.Spillover!.Detectors)} FITC→PE {sample.Spillover[0, 1]}");
