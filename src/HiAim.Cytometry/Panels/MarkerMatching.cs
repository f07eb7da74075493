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
/// all give {CD16, CD56}). A label matches when the sets are equal, so <c>CD3</c> does not match a
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

        var text = CdSpace().Replace(label.ToUpperInvariant(), "CD$1");
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
