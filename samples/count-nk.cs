#:project ../src/HiAim.Cytometry.Simulation/HiAim.Cytometry.Simulation.csproj
// Counts NK cells in one TBNK/Trucount tube step by step, the way a cytometrist would by hand:
// read → compensate → arcsinh → gate (singlets, beads, CD45+ lymphocytes, CD3−, CD16+56+ CD19−) → cells/µL.
// Then compares with the built-in data-placed TBNK template and with the simulator's truth.
// Run: dotnet run samples/count-nk.cs [file.fcs]   (without a file it simulates one first)
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Simulation;
using HiAim.Cytometry.Transforms;

var path = args.Length > 0 ? args[0] : "count-nk.fcs";
double? truthNk = null;
if (args.Length == 0 || !File.Exists(path))
{
    var sim = new TbnkSimulator(new TbnkSimulationOptions { Patients = 1, EventsPerFile = 50_000, Seed = 11 });
    var simulated = sim.Simulate(sim.Samples[0]);
    simulated.Write(path);
    truthNk = simulated.Truth.CellsPerUl("NK");
}

// 1. Read: raw values per channel, keywords, the file's own spillover matrix.
var sample = FcsFile.Read(path);
var values = sample.ToChannelValues();
Console.WriteLine($"1 read      {path}: {sample.EventCount:N0} events, spillover over {string.Join(", ", sample.Spillover!.Detectors)}");

// 2. Compensate with the file's $SPILLOVER (only the detectors it names change).
var comp = values.Compensate(sample.Spillover);

// 3. Arcsinh with cofactor 150, the usual scale for conventional cytometers.
var asinh = Arcsinh.WithCofactor(150);
float[] Scaled(string channel)
{
    var dst = new float[comp.EventCount];
    asinh.Apply(comp.Column(channel), dst);
    return dst;
}

var cd45 = Scaled("PerCP-Cy5-5-A");
var cd3 = Scaled("FITC-A");
var cd1656 = Scaled("PE-A");
var cd19 = Scaled("APC-A");
var fscA = values.Column("FSC-A");
var fscH = values.Column("FSC-H");
var ssc = values.Column("SSC-A");
double Asinh(double x) => Math.Asinh(x / 150);

// 4. Gate with fixed cut-offs that suit this tube (a lab would read them off its own dot plots).
int beads = 0, lymphocytes = 0, nk = 0;
for (var i = 0; i < sample.EventCount; i++)
{
    var ratio = fscH[i] / Math.Max(fscA[i], 1f);
    if (fscA[i] < 5_000 || ratio < 0.55 || ratio > 1.0)
    {
        continue;                                                   // debris and doublets
    }

    if (cd3[i] > Asinh(20_000) && cd1656[i] > Asinh(20_000) && cd45[i] > Asinh(20_000) && cd19[i] > Asinh(20_000))
    {
        beads++;                                                    // Trucount beads: bright in every channel
        continue;
    }

    if (cd45[i] < Asinh(1_000) || ssc[i] > 30_000)
    {
        continue;                                                   // not a CD45+ low-SSC lymphocyte
    }

    lymphocytes++;
    if (cd3[i] < Asinh(1_000) && cd1656[i] > Asinh(1_000) && cd19[i] < Asinh(1_000))
    {
        nk++;                                                       // CD3− CD16+56+ CD19−
    }
}

// 5. Absolute count: cells/µL = cell events / bead events × beads per test / blood volume.
var beadsPerTest = double.Parse(sample.Keywords["BEADS PER TEST"], System.Globalization.CultureInfo.InvariantCulture);
var volume = double.Parse(sample.Keywords["SAMPLE VOLUME UL"], System.Globalization.CultureInfo.InvariantCulture);
var byHand = (double)nk / beads * beadsPerTest / volume;
Console.WriteLine($"4 gate      beads {beads:N0}, lymphocytes {lymphocytes:N0}, NK {nk:N0} ({100.0 * nk / lymphocytes:F1} % of lymphocytes)");
Console.WriteLine($"5 count     NK {byHand:F0} cells/µL  (= {nk} / {beads} × {beadsPerTest:0} / {volume:0} µL)");

// The same with the built-in template, whose gates are placed from this sample's own data.
var template = TbnkPanel.Default.Analyze(sample);
Console.WriteLine($"template    NK {template["NK"].CellsPerUl:F0} cells/µL, {template["NK"].PercentOfLymphocytes:F1} % of lymphocytes; QC flags: {template.Flags.Count}");
if (truthNk is { } truth)
{
    Console.WriteLine($"truth       NK {truth:F0} cells/µL (hand gates {100 * (byHand / truth - 1):+0.0;-0.0} %, template {100 * (template["NK"].CellsPerUl / truth - 1):+0.0;-0.0} %)");
    if (Math.Abs(template["NK"].CellsPerUl / truth - 1) > 0.05)
    {
        Console.Error.WriteLine("the template is more than 5 % from the truth");
        return 1;
    }
}

return 0;
