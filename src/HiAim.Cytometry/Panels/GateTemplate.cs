using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Panels;

/// <summary>
/// A gating template: places a panel's gates on one sample from that sample's own data and returns them as
/// an ordinary <see cref="GatingStrategy"/> (so they can be saved as Gating-ML, inspected and reused).
/// </summary>
public abstract class GateTemplate
{
    /// <summary>
    /// The display scale of fluorescence: asinh(x / 150) written in the Gating-ML 2.0 <c>fasinh</c> form
    /// (T = 262,144, A = 0, M = asinh(T / 150) / ln 10, so y = asinh(x / 150) / asinh(T / 150)).
    /// It equals <c>Arcsinh.WithCofactor(150)</c> up to a constant factor, and it can be exported.
    /// </summary>
    public static Arcsinh Scale { get; } = new(262_144, Math.Asinh(262_144 / 150.0) / Math.Log(10), 0);

    /// <summary>Template name.</summary>
    public abstract string Name { get; }

    /// <summary>Markers (panel marker names) the template gates on.</summary>
    public abstract IReadOnlyList<string> RequiredMarkers { get; }

    /// <summary>Populations reported per sample, in report order; each is a population id of the placed strategy.</summary>
    public abstract IReadOnlyList<string> ReportedPopulations { get; }

    /// <summary>Places the gates on one sample.</summary>
    /// <param name="channelValues">The sample's channel values (<see cref="Fcs.FcsFile.ToChannelValues"/>).</param>
    /// <param name="spillover">The sample's own spillover; null = gate uncompensated data (flagged by QC).</param>
    /// <param name="channels">Marker and scatter name → $PnN (<see cref="Panel.ResolveChannels"/>).</param>
    /// <param name="sampleName">Sample name for messages.</param>
    /// <returns>The placed strategy; fluorescence dimensions use compensation <c>FCS</c> (or none) and <see cref="Scale"/>.</returns>
    /// <exception cref="PanelException">A gate cannot be placed.</exception>
    public abstract GatingStrategy Place(EventMatrix channelValues, Spillover? spillover, IReadOnlyDictionary<string, string> channels, string sampleName);

    /// <summary>As <see cref="Place"/>, on a sample whose columns and populations live in <paramref name="context"/>: a built-in
    /// template evaluates each gate there as it places it, so gating the placed strategy in the same context computes
    /// nothing twice.</summary>
    /// <returns>The placed strategy and the placement's QC notes (populations it could not determine, singlets not gated).</returns>
    internal virtual (GatingStrategy Strategy, IReadOnlyList<QcFlag> Notes) PlaceInto(GateContext context, IReadOnlyDictionary<string, string> channels, string sampleName) =>
        (Place(context.Events, context.Store.File.Channels, channels, sampleName), []);
}
