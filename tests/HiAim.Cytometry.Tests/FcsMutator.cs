using System.Globalization;
using System.Text;

namespace HiAim.Cytometry.Tests;

/// <summary>
/// Deterministic FCS-aware mutations for the fuzz harness: raw bit/byte damage, HEADER offset fields,
/// TEXT digits and delimiters, truncation, keyword duplication/removal, hostile keyword values
/// (with or without the offsets after the TEXT kept consistent) and <c>$NEXTDATA</c> chains.
/// </summary>
internal sealed class FcsMutator(Random rnd)
{
    private static readonly string[] Numbers =
    [
        "0", "1", "2", "3", "4", "7", "8", "9", "10", "15", "16", "17", "23", "24", "31", "32", "33", "57", "58", "59", "63", "64", "65", "255", "256",
        "800", "801", "1000", "10000", "10001", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
        "99999999", "100000000", "9223372036854775807", "9223372036854775808", "18446744073709551616", "99999999999999999999999",
        "-1", "-58", " ", "", "x", "1e3", "1.5", "0x10", "00000000000000000000000000000001", "٣", "+5",
    ];

    private static readonly string[] Targets =
    [
        "$TOT", "$PAR", "$BEGINDATA", "$ENDDATA", "$NEXTDATA", "$BYTEORD", "$DATATYPE", "$MODE", "$BEGINSTEXT", "$ENDSTEXT",
        "$BEGINANALYSIS", "$ENDANALYSIS", "$P1B", "$P2B", "$P1R", "$P2R", "$P1E", "$P1DATATYPE", "$SPILLOVER", "SPILL", "$COMP", "$DFC1TO2",
        "$P1N", "$TIMESTEP", "$P1G",
    ];

    private static readonly Dictionary<string, string[]> Special = new()
    {
        ["$BYTEORD"] = ["1,2,3,4", "4,3,2,1", "1,2", "2,1", "3,4,1,2", "2,1,4,3", "1", "1,1", "0,1", "1,2,3,4,5,6,7,8", "8,7,6,5,4,3,2,1", "1,2,3,4,5,6,7,8,9", "1,2,3", "4,3,2,1,", ",", "1,,2"],
        ["$DATATYPE"] = ["I", "F", "D", "A", "X", "i", "", "FF"],
        ["$P1DATATYPE"] = ["I", "F", "D", "A", "X"],
        ["$MODE"] = ["L", "C", "U", "l", ""],
        ["$P1B"] = ["*", "0", "1", "3", "7", "8", "10", "12", "16", "24", "31", "32", "33", "63", "64", "65", "800", "801", "-8", ""],
        ["$P2B"] = ["*", "0", "1", "3", "16", "24", "32", "64", "65"],
        ["$P1E"] = ["0,0", "4,1", "4,0", "-1,0", "1", "1,2,3", "NaN,1", "1e308,1e308", "Infinity,0"],
        ["$SPILLOVER"] = ["1,A,1", "2,Ch1,Ch2,1,0,0,1", "2,Ch1,Ch1,1,0,0,1", "4096", "4097,a", "2,1,0,0,1", "2,a,b,1,0,0", "2,a,b,1,0,0,NaN", "0", "-1", "65536,a"],
        ["SPILL"] = ["1,A,1", "2,1,0,0,1", "3,a,b,c", "99999999999,a"],
        ["$COMP"] = ["2,1,0,0,1", "1,x"],
        ["$DFC1TO2"] = ["12.5", "x", "1e400"],
        ["$P1N"] = ["", "Time", "Ch2", "a,b"],
        ["$TIMESTEP"] = ["0.01", "0", "-1", "NaN"],
        ["$P1G"] = ["0", "-1", "1e-300", "Infinity"],
    };

    private static readonly string[] ExtraKeywords =
    [
        "$DFC1TO2", "$DFC99999999999TO1", "$DFC1TO99999999999", "$DFC٣TO1", "$DFC65TO1", "$DFC0TO1", "$P1DATATYPE", "$P99999B", "$PAR", "$TOT", "$NEXTDATA",
        "$BEGINSTEXT", "$ENDSTEXT", "$BEGINANALYSIS", "$ENDANALYSIS", "SPILL", "$SPILLOVER", "$COMP", "$MODE", "$BYTEORD", "$P0B", "$P1B ",
    ];

    /// <summary>One mutant of <paramref name="seed"/>: one to four stacked mutations.</summary>
    public byte[] Mutate(byte[] seed)
    {
        var bytes = seed;
        var rounds = 1 + (rnd.Next(8) == 0 ? rnd.Next(4) : 0);
        for (var r = 0; r < rounds; r++)
        {
            bytes = MutateOnce(bytes);
        }

        return bytes;
    }

    private byte[] MutateOnce(byte[] b)
    {
        if (b.Length == 0)
        {
            return [(byte)rnd.Next(256)];
        }

        try
        {
            return rnd.Next(16) switch
            {
                0 => BitFlip(b),
                1 => Overwrite(b),
                2 or 3 => HeaderField(b),
                4 => TextDigits(b),
                5 => Delimiter(b),
                6 => Truncate(b),
                7 => DuplicateOrRemovePair(b),
                8 or 9 or 10 => SetValue(b),
                11 => NextData(b),
                12 => Splice(b),
                13 => InsertOrDelete(b),
                14 => AddKeyword(b),
                _ => SetValue(b),
            };
        }
        catch (InvalidOperationException)
        {
            // The TEXT of this mutant is already unreadable for structural edits: fall back to raw damage.
            return Overwrite(b);
        }
    }

    private int Position(byte[] b)
    {
        // Most of the parsing happens in the first few kilobytes (HEADER, TEXT).
        var hot = Math.Min(b.Length, 8192);
        return rnd.Next(3) != 0 ? rnd.Next(hot) : rnd.Next(b.Length);
    }

    private int TextPosition(byte[] b)
    {
        var t = FcsBytes.Text(b);
        return t is null ? Position(b) : rnd.Next(t.Value.Start, t.Value.End + 1);
    }

    private string Number(byte[] b)
    {
        var t = FcsBytes.Text(b);
        return rnd.Next(5) switch
        {
            0 => (b.Length + rnd.Next(-2, 3)).ToString(CultureInfo.InvariantCulture),
            1 when t is not null => (t.Value.End + rnd.Next(-1, 3)).ToString(CultureInfo.InvariantCulture),
            2 => rnd.Next(b.Length + 1).ToString(CultureInfo.InvariantCulture),
            _ => Numbers[rnd.Next(Numbers.Length)],
        };
    }

    private byte[] BitFlip(byte[] b)
    {
        var c = (byte[])b.Clone();
        var n = 1 + rnd.Next(4);
        for (var i = 0; i < n; i++)
        {
            c[Position(c)] ^= (byte)(1 << rnd.Next(8));
        }

        return c;
    }

    private byte[] Overwrite(byte[] b)
    {
        var c = (byte[])b.Clone();
        var at = rnd.Next(3) == 0 ? TextPosition(c) : Position(c);
        byte[] interesting = [0, 0xFF, (byte)' ', (byte)'0', (byte)'9', (byte)',', (byte)'*', (byte)'$', (byte)'A', 0x7F, 0x80, 0xC3];
        c[at] = rnd.Next(2) == 0 ? interesting[rnd.Next(interesting.Length)] : (byte)rnd.Next(256);
        return c;
    }

    private byte[] HeaderField(byte[] b)
    {
        if (b.Length < 58)
        {
            return Overwrite(b);
        }

        int[] fields = [FcsBytes.TextStartField, FcsBytes.TextEndField, FcsBytes.DataStartField, FcsBytes.DataEndField, FcsBytes.AnalysisStartField, FcsBytes.AnalysisEndField];
        var at = fields[rnd.Next(fields.Length)];
        if (rnd.Next(4) == 0)
        {
            // Nudge the current value by a little.
            var v = FcsBytes.HeaderField(b, at);
            return v < 0 ? Overwrite(b) : FcsBytes.SetHeaderField(b, at, Math.Max(0, v + rnd.Next(-3, 4)));
        }

        if (rnd.Next(8) == 0)
        {
            return FcsBytes.SetHeaderField(b, rnd.Next(3, 6), "FCS9.9"[..3]); // damage the version tag region
        }

        return FcsBytes.SetHeaderField(b, at, Number(b));
    }

    private byte[] TextDigits(byte[] b)
    {
        var t = FcsBytes.Text(b) ?? throw new InvalidOperationException();
        var runs = new List<(int Start, int Length)>();
        for (var i = t.Start; i <= t.End; i++)
        {
            if (b[i] is >= (byte)'0' and <= (byte)'9')
            {
                var s = i;
                while (i <= t.End && b[i] is >= (byte)'0' and <= (byte)'9')
                {
                    i++;
                }

                runs.Add((s, i - s));
            }
        }

        if (runs.Count == 0)
        {
            return Overwrite(b);
        }

        var (start, length) = runs[rnd.Next(runs.Count)];
        if (rnd.Next(2) == 0)
        {
            // Same length: offsets elsewhere stay valid.
            var c = (byte[])b.Clone();
            for (var i = 0; i < length; i++)
            {
                c[start + i] = rnd.Next(3) == 0 ? (byte)'9' : (byte)('0' + rnd.Next(10));
            }

            return c;
        }

        var n = Encoding.UTF8.GetBytes(Number(b));
        return [.. b.AsSpan(0, start), .. n, .. b.AsSpan(start + length)];
    }

    private byte[] Delimiter(byte[] b)
    {
        var t = FcsBytes.Text(b) ?? throw new InvalidOperationException();
        var d = b[t.Start];
        var at = rnd.Next(t.Start, t.End + 1);
        switch (rnd.Next(4))
        {
            case 0:
                return [.. b.AsSpan(0, at), d, .. b.AsSpan(at)]; // inject (shifts everything after)
            case 1:
            {
                var c = (byte[])b.Clone();
                c[at] = d; // overwrite
                return c;
            }

            case 2:
            {
                // remove one delimiter
                var span = b.AsSpan(t.Start + 1, t.End - t.Start);
                var idx = new List<int>();
                for (var i = 0; i < span.Length; i++)
                {
                    if (span[i] == d)
                    {
                        idx.Add(t.Start + 1 + i);
                    }
                }

                if (idx.Count == 0)
                {
                    return Overwrite(b);
                }

                var r = idx[rnd.Next(idx.Count)];
                return [.. b.AsSpan(0, r), .. b.AsSpan(r + 1)];
            }

            default:
            {
                // change the delimiter byte itself (a letter, a digit, a space...)
                var c = (byte[])b.Clone();
                byte[] choices = [(byte)'A', (byte)'1', (byte)' ', (byte)'/', (byte)'|', 0, (byte)'\\'];
                c[t.Start] = choices[rnd.Next(choices.Length)];
                return c;
            }
        }
    }

    private byte[] Truncate(byte[] b)
    {
        var t = FcsBytes.Text(b);
        var at = rnd.Next(4) switch
        {
            0 => rnd.Next(Math.Min(b.Length, 70)),
            1 when t is not null => Math.Min(b.Length, t.Value.End + rnd.Next(-2, 3)),
            2 => b.Length - 1 - rnd.Next(Math.Min(b.Length, 16)),
            _ => rnd.Next(b.Length),
        };
        return b[..Math.Clamp(at, 0, b.Length)];
    }

    private byte[] DuplicateOrRemovePair(byte[] b)
    {
        var fix = rnd.Next(4) != 0;
        return FcsBytes.EditText(b, tokens =>
        {
            if (tokens.Count < 3)
            {
                return;
            }

            var i = rnd.Next(tokens.Count - 1);
            if (rnd.Next(3) == 0 && tokens.Count > 3)
            {
                tokens.RemoveRange(i, rnd.Next(2) == 0 ? 1 : 2); // pair, or a single token (shifts keyword/value parity)
            }
            else
            {
                var j = rnd.Next(tokens.Count);
                var copy = rnd.Next(2) == 0 ? new[] { tokens[i], tokens[i + 1] } : [tokens[i]];
                tokens.InsertRange(j, copy);
            }
        }, fix);
    }

    private byte[] SetValue(byte[] b)
    {
        var key = Targets[rnd.Next(Targets.Length)];
        if (key.StartsWith("$P1", StringComparison.Ordinal) && rnd.Next(2) == 0)
        {
            key = "$P" + (1 + rnd.Next(30)).ToString(CultureInfo.InvariantCulture) + key[3..];
        }

        var value = Special.TryGetValue(key, out var special) && rnd.Next(3) != 0 ? special[rnd.Next(special.Length)] : Number(b);
        var fix = rnd.Next(5) != 0;
        return FcsBytes.EditText(b, tokens =>
        {
            var i = FcsBytes.Find(tokens, key);
            var v = Encoding.UTF8.GetBytes(value);
            if (i >= 0)
            {
                tokens[i + 1] = v;
            }
            else
            {
                var at = rnd.Next(tokens.Count / 2) * 2;
                tokens.InsertRange(at, [Encoding.ASCII.GetBytes(key), v]);
            }
        }, fix);
    }

    private byte[] AddKeyword(byte[] b)
    {
        var key = ExtraKeywords[rnd.Next(ExtraKeywords.Length)];
        var value = Special.TryGetValue(key.Trim(), out var special) ? special[rnd.Next(special.Length)] : Number(b);
        return FcsBytes.EditText(b, tokens =>
        {
            var at = rnd.Next(tokens.Count / 2) * 2;
            tokens.InsertRange(at, [Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)]);
        }, rnd.Next(4) != 0);
    }

    private byte[] NextData(byte[] b)
    {
        switch (rnd.Next(4))
        {
            case 0:
                // Append a copy and link to it: a two-dataset file.
                return FcsBytes.Chain(b, b);
            case 1:
            {
                // Link to an existing HEADER-like place: the start, the TEXT, the end, a little inside.
                var t = FcsBytes.Text(b);
                long[] targets = [0, 1, 10, 58, t?.Start ?? 58, b.Length, b.Length - 58, b.Length - 57, b.Length + 1, long.MaxValue, long.MaxValue - 10, int.MaxValue];
                return FcsBytes.SetKeyword(b, "$NEXTDATA", targets[rnd.Next(targets.Length)].ToString(CultureInfo.InvariantCulture), rnd.Next(2) == 0);
            }

            case 2:
            {
                // A chain of three whose last link points back.
                var two = FcsBytes.Chain(b, b);
                var back = rnd.Next(2) == 0 ? "-" + two.Length.ToString(CultureInfo.InvariantCulture) : "0";
                var tail = FcsBytes.SetKeyword(b, "$NEXTDATA", back, fixOffsets: true);
                return [.. FcsBytes.Chain(b, tail)];
            }

            default:
                return FcsBytes.SetKeyword(b, "$NEXTDATA", Number(b), rnd.Next(2) == 0);
        }
    }

    private byte[] Splice(byte[] b)
    {
        var c = (byte[])b.Clone();
        var len = 1 + rnd.Next(Math.Min(64, b.Length));
        var from = rnd.Next(b.Length - len + 1);
        var to = Position(c);
        len = Math.Min(len, c.Length - to);
        b.AsSpan(from, len).CopyTo(c.AsSpan(to));
        return c;
    }

    private byte[] InsertOrDelete(byte[] b)
    {
        var at = rnd.Next(2) == 0 ? Position(b) : rnd.Next(b.Length);
        if (rnd.Next(2) == 0)
        {
            var n = 1 + rnd.Next(16);
            var ins = new byte[n];
            rnd.NextBytes(ins);
            return [.. b.AsSpan(0, at), .. ins, .. b.AsSpan(at)];
        }

        var del = Math.Min(1 + rnd.Next(16), b.Length - at);
        return [.. b.AsSpan(0, at), .. b.AsSpan(at + del)];
    }
}
