using System.Text;

namespace HiAim.Cytometry.Fcs;

/// <summary>
/// A forward-only, non-allocating tokenizer over the bytes of an FCS TEXT segment, in the manner of
/// <c>Utf8JsonReader</c>. The first byte is the delimiter; a doubled delimiter inside a keyword or
/// value stands for one literal delimiter. Each <see cref="Read"/> advances to the next keyword/value pair.
/// </summary>
/// <remarks>
/// FCS 2.0 writers used a doubled delimiter for an empty value, FCS 3.x for an escaped delimiter;
/// the constructor chooses. Two real-world defects are tolerated and reported through <see cref="Irregularity"/> rather than thrown:
/// a segment whose END offset points one byte past the final delimiter, and a final value with no
/// closing delimiter. A doubled delimiter that ends the segment is read as an empty last value
/// followed by its terminator (FCS 2.0 writers emit that), not as an escape.
/// </remarks>
public ref struct FcsTextReader
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly int _end; // exclusive end of the usable bytes
    private readonly bool _escapes;
    private int _pos;

    /// <summary>Creates a reader over a TEXT segment whose first byte is the delimiter.</summary>
    /// <param name="text">The segment bytes, from the delimiter to the last byte (inclusive).</param>
    /// <param name="doubledDelimiterIsEscape">
    /// <see langword="true"/> (FCS 3.x): a doubled delimiter is a literal delimiter inside a keyword or value.
    /// <see langword="false"/> (FCS 2.0 writers): it closes an empty value.</param>
    /// <exception cref="ArgumentException">The segment is empty.</exception>
    public FcsTextReader(ReadOnlySpan<byte> text, bool doubledDelimiterIsEscape = true)
    {
        _escapes = doubledDelimiterIsEscape;
        if (text.IsEmpty)
        {
            throw new ArgumentException("TEXT segment is empty.", nameof(text));
        }

        _text = text;
        Delimiter = text[0];
        _end = text.Length;
        _pos = 1;
        Irregularity = FcsTextIrregularity.None;

        // Padding (spaces, NULs, line ends) after the final delimiter but inside the segment.
        var padded = _end;
        while (padded > 1 && text[padded - 1] is (byte)' ' or 0 or (byte)'\r' or (byte)'\n' && text[padded - 1] != Delimiter)
        {
            padded--;
        }

        if (padded < _end && text[padded - 1] == Delimiter)
        {
            _end = padded;
            Irregularity |= FcsTextIrregularity.TrailingPadding;
        }

        if (_end >= 3 && text[_end - 1] != Delimiter && text[_end - 2] == Delimiter)
        {
            _end--; // END offset one past the final delimiter
            Irregularity |= FcsTextIrregularity.EndOffsetPastDelimiter;
        }

        KeywordStart = KeywordLength = ValueStart = ValueLength = 0;
        KeywordHasEscapes = ValueHasEscapes = false;
    }

    /// <summary>The delimiter byte (the segment's first byte).</summary>
    public byte Delimiter { get; }

    /// <summary>Defects tolerated so far.</summary>
    public FcsTextIrregularity Irregularity { get; private set; }

    /// <summary>Offset of the current keyword within the segment.</summary>
    public int KeywordStart { get; private set; }

    /// <summary>Length in bytes of the current keyword as stored (escapes not yet collapsed).</summary>
    public int KeywordLength { get; private set; }

    /// <summary>Offset of the current value within the segment.</summary>
    public int ValueStart { get; private set; }

    /// <summary>Length in bytes of the current value as stored (escapes not yet collapsed).</summary>
    public int ValueLength { get; private set; }

    /// <summary>Whether the current keyword contains doubled delimiters.</summary>
    public bool KeywordHasEscapes { get; private set; }

    /// <summary>Whether the current value contains doubled delimiters.</summary>
    public bool ValueHasEscapes { get; private set; }

    /// <summary>The current keyword's bytes as stored.</summary>
    public readonly ReadOnlySpan<byte> RawKeyword => _text.Slice(KeywordStart, KeywordLength);

    /// <summary>The current value's bytes as stored.</summary>
    public readonly ReadOnlySpan<byte> RawValue => _text.Slice(ValueStart, ValueLength);

    /// <summary>Advances to the next keyword/value pair.</summary>
    /// <returns><see langword="true"/> when a pair was read; <see langword="false"/> at the end of the segment.</returns>
    public bool Read()
    {
        if (_pos >= _end)
        {
            return false;
        }

        if (!Token(out var ks, out var kl, out var kEsc, out var kTerminated) || !kTerminated)
        {
            // A keyword with no value: only possible at the very end.
            Irregularity |= FcsTextIrregularity.DanglingKeyword;
            KeywordStart = ks;
            KeywordLength = kl;
            _pos = _end;
            return false;
        }

        Token(out var vs, out var vl, out var vEsc, out var vTerminated);
        if (!vTerminated)
        {
            Irregularity |= FcsTextIrregularity.UnterminatedValue;
        }

        KeywordStart = ks;
        KeywordLength = kl;
        KeywordHasEscapes = kEsc;
        ValueStart = vs;
        ValueLength = vl;
        ValueHasEscapes = vEsc;
        return true;
    }

    private bool Token(out int start, out int length, out bool escapes, out bool terminated)
    {
        start = _pos;
        escapes = false;
        var span = _text[.._end];
        var i = _pos;
        while (true)
        {
            var rel = span[i..].IndexOf(Delimiter);
            if (rel < 0)
            {
                length = _end - start;
                _pos = _end;
                terminated = false;
                return length > 0;
            }

            i += rel;
            // Doubled delimiter = escaped literal, unless the pair ends the segment (empty last value + terminator).
            if (_escapes && i + 1 < _end && span[i + 1] == Delimiter && i + 2 != _end)
            {
                escapes = true;
                i += 2;
                continue;
            }

            length = i - start;
            _pos = i + 1;
            terminated = true;
            return true;
        }
    }

    /// <summary>Copies <paramref name="raw"/> with each doubled <paramref name="delimiter"/> collapsed to one.</summary>
    /// <param name="raw">Keyword or value bytes as stored.</param>
    /// <param name="delimiter">The segment's delimiter.</param>
    /// <returns>The unescaped bytes.</returns>
    public static byte[] Unescape(ReadOnlySpan<byte> raw, byte delimiter)
    {
        var result = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            result[n++] = raw[i];
            if (raw[i] == delimiter && i + 1 < raw.Length && raw[i + 1] == delimiter)
            {
                i++;
            }
        }

        return result.AsSpan(0, n).ToArray();
    }

    /// <summary>Decodes the current keyword, collapsing escapes.</summary>
    /// <param name="encoding">Text encoding of the segment.</param>
    /// <returns>The keyword as written (not trimmed).</returns>
    public readonly string GetKeyword(Encoding encoding) =>
        KeywordHasEscapes ? encoding.GetString(Unescape(RawKeyword, Delimiter)) : encoding.GetString(RawKeyword);

    /// <summary>Decodes the current value verbatim, collapsing escapes.</summary>
    /// <param name="encoding">Text encoding of the segment.</param>
    /// <returns>The value as written.</returns>
    public readonly string GetValue(Encoding encoding) =>
        ValueHasEscapes ? encoding.GetString(Unescape(RawValue, Delimiter)) : encoding.GetString(RawValue);
}

/// <summary>Structural defects in a TEXT segment that the tokenizer tolerates.</summary>
[Flags]
public enum FcsTextIrregularity
{
    /// <summary>No defect.</summary>
    None = 0,
    /// <summary>The segment's END offset points one byte past the final delimiter.</summary>
    EndOffsetPastDelimiter = 1,
    /// <summary>The final value has no closing delimiter.</summary>
    UnterminatedValue = 2,
    /// <summary>The segment ends with a keyword that has no value (odd number of tokens).</summary>
    DanglingKeyword = 4,
    /// <summary>Spaces or NULs follow the final delimiter inside the segment.</summary>
    TrailingPadding = 8,
}
