using System.Text;
using System.Text.RegularExpressions;

namespace HiAim.Cytometry.Panels;

/// <summary>
/// Matches a panel marker (e.g. <c>CD3</c>, <c>CD16+56</c>) against a channel's <c>$PnS</c> or <c>$PnN</c>.
/// </summary>
/// <remarks>
/// Both sides are reduced to a set of CD antigens: case and spacing are ignored, fluorochrome words are
/// ignored (<c>CD3 FITC</c>, <c>FITC-A :: CD3</c> and <c>cd 3</c> all give {CD3}), and a number joined to a
/// CD antigen by <c>+</c> or <c>/</c> is another CD antigen (<c>CD16+56</c>, <c>CD16/CD56</c>, <c>CD56 + CD16</c>
/// all give {CD16, CD56}; so does <c>CD16CD56</c>, run together as some instruments write it). A label matches when
/// the sets are equal, so <c>CD3</c> does not match a
/// <c>CD3/CD19</c> channel. Markers without a CD antigen (e.g. <c>HLA-DR</c>) match when the label, with
/// everything but letters and digits removed, equals the marker so reduced or contains it as a word.
/// </remarks>
public static partial class MarkerMatching
{
    /// <summary>The CD antigens named in a label, upper case (e.g. <c>CD16+56 PE</c> → CD16, CD56).</summary>
    /// <param name="label">A marker name, <c>$PnS</c> or <c>$PnN</c>.</param>
    /// <returns>The antigens, sorted, without duplicates; empty when the label names none.</returns>
    public static IReadOnlyList<string> CdAntigens(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return [];
        }

        var text = CdRunTogether().Replace(CdSpace().Replace(label.ToUpperInvariant(), "CD$1"), " ");
        var set = new SortedSet<string>(StringComparer.Ordinal);
        var tokens = Token().Matches(text);
        var previousWasCd = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (CdToken().IsMatch(t.Value))
            {
                set.Add(t.Value);
                previousWasCd = true;
                continue;
            }

            if (previousWasCd && i > 0 && NumberToken().IsMatch(t.Value))
            {
                var before = tokens[i - 1];
                var separator = text[(before.Index + before.Length)..t.Index].Trim();
                if (separator is "+" or "/")
                {
                    set.Add("CD" + t.Value);
                    continue;
                }
            }

            previousWasCd = false;
        }

        return [.. set];
    }

    /// <summary>Whether a channel label names the marker.</summary>
    /// <param name="marker">Marker name or alias, e.g. <c>CD16+56</c>.</param>
    /// <param name="label">The channel's <c>$PnS</c> or <c>$PnN</c>.</param>
    /// <returns><see langword="true"/> when they name the same antigen(s).</returns>
    public static bool Matches(string marker, string? label)
    {
        ArgumentNullException.ThrowIfNull(marker);
        if (string.IsNullOrWhiteSpace(label))
        {
            return false;
        }

        var wanted = CdAntigens(marker);
        if (wanted.Count > 0)
        {
            var found = CdAntigens(label);
            return found.Count == wanted.Count && found.SequenceEqual(wanted, StringComparer.Ordinal);
        }

        var m = Squeeze(marker);
        if (m.Length == 0)
        {
            return false;
        }

        if (Squeeze(label) == m)
        {
            return true;
        }

        // As a word: "HLA-DR BV421" contains HLA-DR.
        var words = Word().Matches(label.ToUpperInvariant()).Select(w => Squeeze(w.Value));
        return words.Contains(m, StringComparer.Ordinal);
    }

    /// <summary>Letters and digits only, upper case: the form in which names are compared (so <c>FSC-A</c>,
    /// <c>fsc a</c> and <c>FSC_A</c> are one name).</summary>
    /// <param name="text">A channel, marker or column name.</param>
    /// <returns>The squeezed name.</returns>
    public static string Squeeze(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToUpperInvariant(c));
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Splits a <c>$PnN</c> into detector, pulse measure and amplification, as cytometers write them: BD/Attune/CytoFLEX
    /// <c>FITC-A</c>, <c>BL1-H</c>, <c>FSC-Width</c>; Beckman <c>FS INT LIN</c>, <c>FS PEAK</c>, <c>FS TOF</c>,
    /// <c>FL1 INT LOG</c>, <c>FL1 Log</c>, <c>SS Lin</c>. <c>A</c>/<c>Area</c>/<c>INT</c> is the area, <c>H</c>/<c>Height</c>/<c>PEAK</c>
    /// the height, <c>W</c>/<c>Width</c>/<c>TOF</c> the width; a name without one (<c>FS Lin</c>) leaves it unstated.
    /// </summary>
    internal static ChannelNameParts ParseChannelName(string name)
    {
        var tokens = NameToken().Matches(name.ToUpperInvariant()).Select(t => t.Value).ToList();
        var scale = ChannelScale.Unstated;
        if (tokens.Count > 1 && tokens[^1] is "LIN" or "LOG")
        {
            scale = tokens[^1] == "LOG" ? ChannelScale.Log : ChannelScale.Lin;
            tokens.RemoveAt(tokens.Count - 1);
        }

        var measure = PulseMeasure.Unstated;
        if (tokens.Count > 1)
        {
            measure = tokens[^1] switch
            {
                "A" or "AREA" or "INT" or "INTEGRAL" => PulseMeasure.Area,
                "H" or "HEIGHT" or "PEAK" => PulseMeasure.Height,
                "W" or "WIDTH" or "TOF" => PulseMeasure.Width,
                _ => PulseMeasure.Unstated,
            };
            if (measure != PulseMeasure.Unstated)
            {
                tokens.RemoveAt(tokens.Count - 1);
            }
        }

        return new ChannelNameParts(Squeeze(string.Concat(tokens)), measure, scale);
    }

    [GeneratedRegex(@"[^\s\-_]+")]
    private static partial Regex NameToken();

    [GeneratedRegex(@"(?<=\d)(?=CD\d)")]
    private static partial Regex CdRunTogether();

    [GeneratedRegex(@"(?<![A-Z0-9])CD\s+(\d)")]
    private static partial Regex CdSpace();

    [GeneratedRegex("[A-Z0-9]+")]
    private static partial Regex Token();

    [GeneratedRegex(@"^CD\d+[A-Z]*$")]
    private static partial Regex CdToken();

    [GeneratedRegex(@"^\d+[A-Z]*$")]
    private static partial Regex NumberToken();

    [GeneratedRegex(@"[^\s:;,]+")]
    private static partial Regex Word();
}

/// <summary>The pulse measure a channel name states.</summary>
internal enum PulseMeasure
{
    /// <summary>None written (<c>FS Lin</c>, <c>FL1 Log</c>): the instrument's one measure of that detector, taken as the area.</summary>
    Unstated,

    /// <summary><c>-A</c>, <c>Area</c>, Beckman <c>INT</c>.</summary>
    Area,

    /// <summary><c>-H</c>, <c>Height</c>, Beckman <c>PEAK</c>.</summary>
    Height,

    /// <summary><c>-W</c>, <c>Width</c>, Beckman <c>TOF</c> (time of flight).</summary>
    Width,
}

/// <summary>The amplification a channel name states (Beckman <c>LIN</c>/<c>LOG</c>).</summary>
internal enum ChannelScale
{
    /// <summary>None written.</summary>
    Unstated,

    /// <summary><c>LIN</c>.</summary>
    Lin,

    /// <summary><c>LOG</c>.</summary>
    Log,
}

/// <summary>A <c>$PnN</c> split by <see cref="MarkerMatching.ParseChannelName"/>.</summary>
/// <param name="Detector">The detector, squeezed (<c>FITC-A</c> → <c>FITC</c>, <c>FL1 INT LOG</c> → <c>FL1</c>, <c>PerCP-Cy5.5-A</c> → <c>PERCPCY55</c>).</param>
/// <param name="Measure">Area, height, width or unstated.</param>
/// <param name="Scale">Lin, log or unstated.</param>
internal readonly record struct ChannelNameParts(string Detector, PulseMeasure Measure, ChannelScale Scale)
{
    /// <summary>Whether this is the area (or the only, unstated, measure) of the detector.</summary>
    public bool IsArea => Measure is PulseMeasure.Area or PulseMeasure.Unstated;
}
