// A consumer of the HiAim.Cytometry package, built by .ci/pack-check against the local feed with warnings
// as errors. It writes a small FCS file whose answer is known by construction, reads it back, compensates
// and gates it, and prints one line that the script compares with the expected counts.
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

var path = Path.Combine(args.Length > 0 ? args[0] : Path.GetTempPath(), "consumer.fcs");

// 1,000 events: 300 bright in FITC (5,000), the rest dim (50); PE is 100 everywhere. FITC spills 20 % into
// PE, so the bright events read 1,100 in PE until compensation takes the spill back out.
var events = new EventMatrix(1_000, ["FSC-A", "FITC-A", "PE-A"]);
for (var e = 0; e < events.EventCount; e++)
{
    var fitc = e < 300 ? 5_000f : 50f;
    events[e, 0] = 40_000 + (e % 100);
    events[e, 1] = fitc;
    events[e, 2] = 100 + (0.2f * fitc);
}

FcsWriter.Write(path, events, [new("$SPILLOVER", "2,FITC-A,PE-A,1,0.2,0,1")]);

var sample = FcsFile.Read(path);
var compensated = sample.Events.Compensate(sample.Spillover!);
var asinh = new Arcsinh(262_144, 4.5, 0);
var strategy = new GatingStrategy()
    .Add(new RectangleGate("FITC+", null, new GateRange(new Dimension("FITC-A", CompensationRef.File, asinh), asinh.Apply(1_000), null)))
    .Add(new RectangleGate("PE low", null, new GateRange(new Dimension("PE-A", CompensationRef.File), null, 500)))
    .Add(new RectangleGate("PE low raw", null, new GateRange(new Dimension("PE-A"), null, 500)));
var result = strategy.Apply(sample);

var peMax = compensated.Column("PE-A").ToArray().Max();
Console.WriteLine(
    $"consumer: {sample.EventCount} events, FITC+ {result["FITC+"].Count}, PE low {result["PE low"].Count} compensated / " +
    $"{result["PE low raw"].Count} raw, max compensated PE {Math.Round(peMax)}");
