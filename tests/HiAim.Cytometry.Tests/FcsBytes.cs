using System.Globalization;
using System.Text;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// Byte-level surgery on FCS files for bad-input tests and the fuzzer: read HEADER fields, edit TEXT
/// keywords and (optionally) keep every offset that points past the TEXT consistent with the edit.
/// TEXT is split naively on the delimiter (no escape handling), which is lossless for a split/join.
/// </summary>
internal static class FcsBytes
{
    public const int TextStartField = 10;
    public const int TextEndField = 18;
    public const int DataStartField = 26;
    public const int DataEndField = 34;
    public const int AnalysisStartField = 42;
    public const int AnalysisEndField = 50;

    private static readonly string[] ShiftedKeywords = ["$BEGINDATA", "$ENDDATA", "$BEGINANALYSIS", "$ENDANALYSIS", "$BEGINSTEXT", "$ENDSTEXT"];

    /// <summary>A small FCS 3.1 file from <see cref="FcsWriter"/>.</summary>
    public static byte[] Write(int channels, int events, FcsWriteOptions? options = null, IEnumerable<KeyValuePair<string, string>>? keywords = null, int seed = 1)
    {
        var names = Enumerable.Range(1, channels).Select(i => $"Ch{i}").ToArray();
        var m = new EventMatrix(events, names);
        var rnd = new Random(seed);
        for (var c = 0; c < channels; c++)
        {
            var col = m.Column(c);
            for (var e = 0; e < col.Length; e++)
            {
                col[e] = rnd.Next(0, 1000);
            }
        }

        return FcsWriter.ToArray(m, keywords, options);
    }

    /// <summary>
    /// A 2-channel × 5-event <c>$DATATYPE/A</c> file: delimited (<c>$PnB/*</c>, "123 456\n" and the like) or fixed
    /// width (<c>$PnB/4</c>, "01230456" per event). Made from a 32-bit integer file, whose 8 bytes per event it reuses.
    /// </summary>
    public static byte[] Ascii(bool delimited, string? events = null)
    {
        var width = delimited ? "*" : "4";
        var file = SetKeyword(SetKeyword(SetKeyword(Write(2, 5, new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 32 }), "$DATATYPE", "A"), "$P1B", width), "$P2B", width);
        events ??= delimited ? "123 456\n120\t  4\n1.5,-2\n\n1e3 0000\n9 10   " : "0123045601200004 1.5 -2001e3000000090010";
        Encoding.ASCII.GetBytes(events, file.AsSpan(file.Length - 40));
        return file;
    }

    /// <summary>HEADER offset field at <paramref name="at"/>, or -1 when unreadable.</summary>
    public static long HeaderField(ReadOnlySpan<byte> file, int at, long baseOffset = 0)
    {
        if (baseOffset + at + 8 > file.Length)
        {
            return -1;
        }

        var s = Encoding.ASCII.GetString(file.Slice((int)baseOffset + at, 8)).Trim();
        return s.Length == 0 ? 0 : long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
    }

    /// <summary>Copy with HEADER field <paramref name="at"/> set to <paramref name="value"/> (right-justified, cut to 8 characters).</summary>
    public static byte[] SetHeaderField(byte[] file, int at, string value, long baseOffset = 0)
    {
        var copy = (byte[])file.Clone();
        var v = value.Length > 8 ? value[..8] : value.PadLeft(8);
        Encoding.Latin1.GetBytes(v, copy.AsSpan((int)baseOffset + at, 8));
        return copy;
    }

    public static byte[] SetHeaderField(byte[] file, int at, long value, long baseOffset = 0) =>
        SetHeaderField(file, at, value.ToString(CultureInfo.InvariantCulture), baseOffset);

    /// <summary>The TEXT segment bounds [start, end] (inclusive, absolute) of the dataset at <paramref name="baseOffset"/>, or null.</summary>
    public static (int Start, int End)? Text(ReadOnlySpan<byte> file, long baseOffset = 0)
    {
        var s = HeaderField(file, TextStartField, baseOffset);
        var e = HeaderField(file, TextEndField, baseOffset);
        if (s < FcsHeader.Length || e <= s || baseOffset + e >= file.Length)
        {
            return null;
        }

        return ((int)(baseOffset + s), (int)(baseOffset + e));
    }

    /// <summary>TEXT tokens (keywords and values alternate), split naively on the delimiter.</summary>
    public static List<byte[]> Tokens(ReadOnlySpan<byte> text)
    {
        var list = new List<byte[]>();
        var d = text[0];
        var start = 1;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == d)
            {
                list.Add(text[start..i].ToArray());
                start = i + 1;
            }
        }

        list.Add(text[start..].ToArray()); // after the final delimiter: usually empty
        return list;
    }

    public static byte[] Join(byte delimiter, List<byte[]> tokens)
    {
        var ms = new MemoryStream();
        ms.WriteByte(delimiter);
        for (var i = 0; i < tokens.Count; i++)
        {
            ms.Write(tokens[i]);
            if (i != tokens.Count - 1)
            {
                ms.WriteByte(delimiter);
            }
        }

        return ms.ToArray();
    }

    /// <summary>Index of the token equal to <paramref name="keyword"/> (ignoring case and spaces), or -1.</summary>
    public static int Find(List<byte[]> tokens, string keyword)
    {
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            if (Encoding.Latin1.GetString(tokens[i]).Trim().Equals(keyword, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sets (or, with <see langword="null"/>, removes) a keyword's value in the first dataset.</summary>
    public static byte[] SetKeyword(byte[] file, string keyword, string? value, bool fixOffsets = true) =>
        EditText(file, tokens =>
        {
            var i = Find(tokens, keyword);
            if (value is null)
            {
                if (i >= 0)
                {
                    tokens.RemoveRange(i, 2);
                }
            }
            else if (i >= 0)
            {
                tokens[i + 1] = Encoding.Latin1.GetBytes(value);
            }
            else
            {
                tokens.InsertRange(0, [Encoding.Latin1.GetBytes(keyword), Encoding.Latin1.GetBytes(value)]);
            }
        }, fixOffsets);

    /// <summary>
    /// Rewrites the first dataset's TEXT through <paramref name="edit"/>. With <paramref name="fixOffsets"/>,
    /// the HEADER TEXT end follows the new length and every offset beyond the old TEXT (HEADER DATA and
    /// ANALYSIS fields, <c>$BEGINDATA</c>... and <c>$NEXTDATA</c>) moves with the bytes after it.
    /// </summary>
    public static byte[] EditText(byte[] file, Action<List<byte[]>> edit, bool fixOffsets = true)
    {
        var text = Text(file) ?? throw new InvalidOperationException("no readable TEXT");
        var delimiter = file[text.Start];
        var tokens = Tokens(file.AsSpan(text.Start, text.End - text.Start + 1));
        string? Value(string k)
        {
            var i = Find(tokens, k);
            return i >= 0 ? Encoding.Latin1.GetString(tokens[i + 1]) : null;
        }

        // Offsets the edit leaves alone move with the bytes after the TEXT; those it sets are kept as set.
        var before = ShiftedKeywords.Append("$NEXTDATA").Select(k => (k, raw: Value(k))).ToList();
        edit(tokens);
        var oldLength = text.End - text.Start + 1;
        var shifted = before
            .Where(x => x.raw is not null && x.raw == Value(x.k))
            .Select(x => (x.k, v: long.TryParse(x.raw!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(x => x.v > text.End && x.v <= file.Length)
            .ToList();
        byte[] newText = Join(delimiter, tokens);
        long delta = 0;
        for (var attempt = 0; fixOffsets && attempt < 5; attempt++)
        {
            delta = newText.Length - oldLength;
            foreach (var (k, v) in shifted)
            {
                tokens[Find(tokens, k) + 1] = Encoding.ASCII.GetBytes((v + delta).ToString(CultureInfo.InvariantCulture));
            }

            var again = Join(delimiter, tokens);
            if (again.Length == newText.Length)
            {
                newText = again;
                break;
            }

            newText = again;
        }

        delta = newText.Length - oldLength;
        var result = new byte[file.Length + delta];
        file.AsSpan(0, text.Start).CopyTo(result);
        newText.CopyTo(result.AsSpan(text.Start));
        file.AsSpan(text.End + 1).CopyTo(result.AsSpan(text.Start + newText.Length));
        if (fixOffsets)
        {
            result = SetHeaderField(result, TextEndField, text.Start + newText.Length - 1);
            foreach (var at in new[] { DataStartField, DataEndField, AnalysisStartField, AnalysisEndField })
            {
                var v = HeaderField(file, at);
                if (v > text.End && v + delta <= 99_999_999)
                {
                    result = SetHeaderField(result, at, v + delta);
                }
            }
        }

        return result;
    }

    /// <summary>Two datasets: <paramref name="first"/> with <c>$NEXTDATA</c> pointing at <paramref name="second"/> appended after it.</summary>
    public static byte[] Chain(byte[] first, byte[] second)
    {
        var linked = first;
        var next = (long)first.Length;
        for (var i = 0; i < 5; i++)
        {
            linked = SetKeyword(first, "$NEXTDATA", next.ToString(CultureInfo.InvariantCulture));
            if (linked.Length == next)
            {
                break;
            }

            next = linked.Length;
        }

        return [.. linked, .. second];
    }

    /// <summary>
    /// A copy of a single-dataset file cut to its first <paramref name="events"/> events (a multiple of 8, so packed
    /// widths end on a byte): <c>$TOT</c>, the DATA end in HEADER and TEXT, and the file end follow. Null when the
    /// file does not allow it simply (DATA not last, several datasets, ANALYSIS or supplemental TEXT after DATA) or
    /// when the cut file no longer reads as the original did.
    /// </summary>
    public static byte[]? Shrink(byte[] file, int events)
    {
        FcsFile f;
        try
        {
            f = FcsFile.Read(file, FcsReadOptions.Lenient with { SkipData = true });
        }
        catch (FcsFormatException)
        {
            return null;
        }

        var dataEnd = f.DataStart + f.DataLength - 1;
        if (f.EventCount <= events || f.NextDataOffset != 0 || f.Analysis is not null || f.DataStart <= Text(file)!.Value.End
            || f.Keywords.TryGetInt64("$ENDSTEXT", out var se) && se > f.DataStart || f.Channels.Any(c => c.DataType == FcsDataType.Ascii))
        {
            return null;
        }

        long containers = f.Channels.Sum(c => c.DataType == FcsDataType.Integer ? (c.Bits + 7) / 8 : c.Bits / 8);
        long packedBits = f.Channels.Sum(c => (long)c.Bits);
        var bytes = f.DataLength >= f.EventCount * containers ? events * containers : events * packedBits / 8;
        var newEnd = f.DataStart + bytes - 1;
        var cut = file[..(int)(newEnd + 1)];
        if (HeaderField(cut, DataEndField) > 0)
        {
            cut = SetHeaderField(cut, DataEndField, newEnd);
        }

        // New values zero-padded to the old widths (readers accept that): the TEXT keeps its length, nothing moves.
        static byte[] Padded(long value, byte[] old) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture).PadLeft(old.Length, '0'));
        var result = EditText(cut, tokens =>
        {
            var t = Find(tokens, "$TOT");
            if (t >= 0)
            {
                tokens[t + 1] = Padded(events, tokens[t + 1]);
            }

            var e = Find(tokens, "$ENDDATA");
            if (e >= 0 && long.TryParse(Encoding.Latin1.GetString(tokens[e + 1]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var old) && old == dataEnd)
            {
                tokens[e + 1] = Padded(newEnd, tokens[e + 1]);
            }
        });
        try
        {
            var g = FcsFile.Read(result, FcsReadOptions.Lenient);
            return g.EventCount == events && g.Channels.Count == f.Channels.Count ? result : null;
        }
        catch (FcsFormatException)
        {
            return null;
        }
    }

    /// <summary>Absolute offset of the first occurrence of <paramref name="ascii"/> in <paramref name="file"/>.</summary>
    public static int IndexOf(byte[] file, string ascii, int from = 0)
    {
        var i = file.AsSpan(from).IndexOf(Encoding.Latin1.GetBytes(ascii));
        return i < 0 ? -1 : i + from;
    }

    /// <summary>Absolute offset of keyword <paramref name="keyword"/> (its first byte) in the first TEXT.</summary>
    public static int KeywordOffset(byte[] file, string keyword)
    {
        var text = Text(file)!.Value;
        var d = (char)file[text.Start];
        return IndexOf(file, d + keyword + d, text.Start) + 1;
    }
}
