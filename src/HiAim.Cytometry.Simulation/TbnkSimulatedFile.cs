using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Simulation;

/// <summary>One simulated TBNK tube: uncompensated events as a FACSCanto would record them, its keywords, and the ground truth.</summary>
public sealed class TbnkSimulatedFile
{
    private readonly TbnkPopulation[] _labels;

    internal TbnkSimulatedFile(TbnkSample sample, EventMatrix events, IReadOnlyList<KeyValuePair<string, string>> keywords, Spillover spillover, TbnkTruth truth, TbnkPopulation[] labels)
    {
        Sample = sample;
        Events = events;
        Keywords = keywords;
        Spillover = spillover;
        Truth = truth;
        _labels = labels;
    }

    /// <summary>The draw this file belongs to.</summary>
    public TbnkSample Sample { get; }

    /// <summary>Detector values (uncompensated, FSC/SSC/fluorescence on the 0–262,143 scale, Time in $TIMESTEP units).</summary>
    public EventMatrix Events { get; }

    /// <summary>Keywords a clinical cytometer writes ($CYT, $DATE, $BTIM, $ETIM, $SPILLOVER, $TIMESTEP, $VOL, $SRC, $FIL, $PnS, $PnG, $PnV, bead lot keywords, ...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Keywords { get; }

    /// <summary>The file's own spillover matrix (as written in <c>$SPILLOVER</c>), the one the detector values were spilled through.</summary>
    public Spillover Spillover { get; }

    /// <summary>Ground truth: events and cells/µL per population.</summary>
    public TbnkTruth Truth { get; }

    /// <summary>The true population of every event, in event order.</summary>
    public ReadOnlyMemory<TbnkPopulation> Labels => _labels;

    /// <summary>Writes the file as FCS 3.1, float32, little-endian.</summary>
    /// <param name="path">Destination file.</param>
    public void Write(string path) => FcsWriter.Write(path, Events, Keywords);

    /// <summary>Writes the file as FCS 3.1, float32, little-endian.</summary>
    /// <param name="stream">Destination stream.</param>
    public void Write(Stream stream) => FcsWriter.Write(stream, Events, Keywords);

    /// <summary>The FCS 3.1 bytes of the file.</summary>
    /// <returns>A new array.</returns>
    public byte[] ToArray() => FcsWriter.ToArray(Events, Keywords);
}
