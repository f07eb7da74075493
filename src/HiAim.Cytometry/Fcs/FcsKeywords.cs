using System.Collections;
using System.Globalization;

namespace HiAim.Cytometry.Fcs;

/// <summary>
/// The keywords of an FCS dataset in file order. Look-ups ignore case and surrounding spaces
/// (<c>$p1n</c>, <c>$P1N</c> and <c> $P1N</c> are one keyword); keywords and values are kept verbatim.
/// When a keyword appears twice, the later value wins (as FlowIO and flowCore read it) and the
/// reader records a warning.
/// </summary>
public sealed class FcsKeywords : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _items = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Number of distinct keywords.</summary>
    public int Count => _items.Count;

    /// <summary>The keyword/value pair at <paramref name="index"/> in file order.</summary>
    /// <param name="index">Zero-based position.</param>
    public KeyValuePair<string, string> this[int index] => _items[index];

    /// <summary>The value of <paramref name="keyword"/>.</summary>
    /// <param name="keyword">Keyword, any case.</param>
    /// <exception cref="KeyNotFoundException">The keyword is absent.</exception>
    public string this[string keyword] =>
        TryGetValue(keyword, out var value) ? value : throw new KeyNotFoundException($"FCS keyword '{keyword}' is not present.");

    /// <summary>Whether <paramref name="keyword"/> is present.</summary>
    /// <param name="keyword">Keyword, any case.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string keyword) => _index.ContainsKey(keyword.Trim());

    /// <summary>Gets the value of <paramref name="keyword"/> when present.</summary>
    /// <param name="keyword">Keyword, any case.</param>
    /// <param name="value">The value as written.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetValue(string keyword, out string value)
    {
        if (_index.TryGetValue(keyword.Trim(), out var i))
        {
            value = _items[i].Value;
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>The value of <paramref name="keyword"/>, or <see langword="null"/> when absent.</summary>
    /// <param name="keyword">Keyword, any case.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public string? GetValueOrDefault(string keyword) => TryGetValue(keyword, out var v) ? v : null;

    /// <summary>Parses the value of <paramref name="keyword"/> as an integer, ignoring surrounding spaces and leading zeros.</summary>
    /// <param name="keyword">Keyword, any case.</param>
    /// <param name="value">The parsed value.</param>
    /// <returns><see langword="true"/> when present and numeric.</returns>
    public bool TryGetInt64(string keyword, out long value)
    {
        value = 0;
        return TryGetValue(keyword, out var s) && long.TryParse(s.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses the value of <paramref name="keyword"/> as a floating-point number (invariant culture).</summary>
    /// <param name="keyword">Keyword, any case.</param>
    /// <param name="value">The parsed value.</param>
    /// <returns><see langword="true"/> when present and numeric.</returns>
    public bool TryGetDouble(string keyword, out double value)
    {
        value = 0;
        return TryGetValue(keyword, out var s) && double.TryParse(s.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Adds or replaces a keyword. Returns <see langword="false"/> when it replaced an earlier value.</summary>
    internal bool Set(string keyword, string value)
    {
        var key = keyword.Trim();
        if (_index.TryGetValue(key, out var i))
        {
            _items[i] = new(_items[i].Key, value);
            return false;
        }

        _index.Add(key, _items.Count);
        _items.Add(new(key, value));
        return true;
    }

    /// <summary>Creates a keyword set from pairs in order; later duplicates replace earlier values.</summary>
    /// <param name="pairs">Keyword/value pairs.</param>
    /// <returns>The keyword set.</returns>
    public static FcsKeywords From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var k = new FcsKeywords();
        foreach (var (key, value) in pairs)
        {
            k.Set(key, value);
        }

        return k;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
