using HiAim.Cytometry.Transforms;

namespace HiAim.Cytometry.Gating;

/// <summary>The compensation references Gating-ML 2.0 predefines (any other value names a <see cref="SpectrumMatrix"/>).</summary>
public static class CompensationRef
{
    /// <summary>Channel values as measured (no compensation).</summary>
    public const string Uncompensated = "uncompensated";

    /// <summary>The file's own spillover (<c>$SPILLOVER</c>/<c>SPILL</c>/<c>$COMP</c>/<c>$DFCiTOj</c>): a file without one is
    /// gated uncompensated with a warning (<see cref="GatingResult.Warnings"/>); one whose spillover cannot be applied fails
    /// with <see cref="Compensation.CompensationException"/>.</summary>
    public const string File = "FCS";
}

/// <summary>
/// One axis a gate is drawn on: an FCS channel (or a <see cref="RatioDimension"/>), compensated as
/// <see cref="Compensation"/> says, then scaled by <see cref="Transform"/>. Equal dimensions are
/// computed once per sample and shared by every gate that uses them.
/// </summary>
public sealed class Dimension : IEquatable<Dimension>
{
    /// <summary>A channel dimension.</summary>
    /// <param name="channel">Channel name (<c>$PnN</c>), or a fluorochrome name of a <see cref="SpectrumMatrix"/>.</param>
    /// <param name="compensation"><see cref="CompensationRef.Uncompensated"/>, <see cref="CompensationRef.File"/> or a spectrum-matrix id.</param>
    /// <param name="transform">Scale applied after compensation; null for none.</param>
    public Dimension(string channel, string compensation = CompensationRef.Uncompensated, Transform? transform = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(compensation);
        Channel = channel;
        Compensation = compensation;
        Transform = transform;
        Key = $"{compensation}\u001f{channel}\u001f{transform}";
    }

    /// <summary>A ratio dimension (Gating-ML <c>new-dimension</c> over an <c>fratio</c> transformation).</summary>
    /// <param name="ratio">The ratio of two channels.</param>
    /// <param name="compensation">Compensation applied to both channels before the ratio.</param>
    /// <param name="transform">Scale applied to the ratio; null for none.</param>
    public Dimension(RatioDimension ratio, string compensation = CompensationRef.Uncompensated, Transform? transform = null)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        ArgumentException.ThrowIfNullOrWhiteSpace(compensation);
        Ratio = ratio;
        Compensation = compensation;
        Transform = transform;
        Key = $"{compensation}\u001f{ratio.Key}\u001f{transform}";
    }

    /// <summary>The channel (or fluorochrome) name; null for a ratio dimension.</summary>
    public string? Channel { get; }

    /// <summary>The ratio; null for a channel dimension.</summary>
    public RatioDimension? Ratio { get; }

    /// <summary>The compensation reference.</summary>
    public string Compensation { get; }

    /// <summary>The scale, or null for values as compensated.</summary>
    public Transform? Transform { get; }

    /// <summary>Channel name, or the ratio's id.</summary>
    public string Name => Channel ?? Ratio!.Id;

    internal string Key { get; }

    /// <summary>The same dimension with another scale.</summary>
    /// <param name="transform">The new scale (null for none).</param>
    /// <returns>A new dimension.</returns>
    public Dimension WithTransform(Transform? transform) =>
        Ratio is { } r ? new Dimension(r, Compensation, transform) : new Dimension(Channel!, Compensation, transform);

    /// <summary>The same dimension with another compensation.</summary>
    /// <param name="compensation">The new compensation reference.</param>
    /// <returns>A new dimension.</returns>
    public Dimension WithCompensation(string compensation) =>
        Ratio is { } r ? new Dimension(r, compensation, Transform) : new Dimension(Channel!, compensation, Transform);

    /// <inheritdoc/>
    public bool Equals(Dimension? other) => other is not null && other.Key == Key;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Dimension);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    /// <inheritdoc/>
    public override string ToString() =>
        Transform is null ? $"{Name} [{Compensation}]" : $"{Name} [{Compensation}, {Transform}]";
}

/// <summary>
/// The Gating-ML 2.0 <c>fratio</c> transformation: a new dimension <c>A·(x − B)/(y − C)</c> from two
/// channels x (numerator) and y (denominator).
/// </summary>
public sealed class RatioDimension
{
    /// <summary>Creates a ratio.</summary>
    /// <param name="id">Identifier (Gating-ML <c>transforms:id</c>).</param>
    /// <param name="numerator">Channel x.</param>
    /// <param name="denominator">Channel y.</param>
    /// <param name="a">Scale A.</param>
    /// <param name="b">Offset B subtracted from x.</param>
    /// <param name="c">Offset C subtracted from y.</param>
    public RatioDimension(string id, string numerator, string denominator, double a = 1, double b = 0, double c = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(numerator);
        ArgumentException.ThrowIfNullOrWhiteSpace(denominator);
        if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c))
        {
            throw new ArgumentException($"Ratio '{id}': A, B and C must be finite numbers.");
        }

        Id = id;
        Numerator = numerator;
        Denominator = denominator;
        A = a;
        B = b;
        C = c;
    }

    /// <summary>Identifier.</summary>
    public string Id { get; }

    /// <summary>Channel x.</summary>
    public string Numerator { get; }

    /// <summary>Channel y.</summary>
    public string Denominator { get; }

    /// <summary>Scale A.</summary>
    public double A { get; }

    /// <summary>Offset B.</summary>
    public double B { get; }

    /// <summary>Offset C.</summary>
    public double C { get; }

    internal string Key => FormattableString.Invariant($"fratio({Numerator},{Denominator},{A:R},{B:R},{C:R})");

    /// <summary>The ratio of one event's values.</summary>
    /// <param name="x">Numerator channel value.</param>
    /// <param name="y">Denominator channel value.</param>
    /// <returns><c>A·(x − B)/(y − C)</c>.</returns>
    public double Apply(double x, double y) => A * (x - B) / (y - C);

    /// <inheritdoc/>
    public override string ToString() => $"{Id} = {Key}";
}
