using System.Globalization;
using System.Text.RegularExpressions;
using HiAim.Cytometry.Compensation;

namespace HiAim.Cytometry.Fcs;

/// <summary>Finds and parses the spillover keywords of a dataset.</summary>
internal static partial class FcsSpilloverParser
{
    private static readonly string[] MatrixKeywords = ["$SPILLOVER", "SPILL", "SPILLOVER", "$COMP"];

    public static Spillover? Parse(FcsKeywords keywords, IReadOnlyList<FcsChannel> channels, List<FcsWarning> warnings)
    {
        foreach (var key in MatrixKeywords)
        {
            if (keywords.TryGetValue(key, out var raw) && raw.Trim().Length > 0)
            {
                try
                {
                    return ParseMatrix(key, raw, channels);
                }
                catch (FormatException e)
                {
                    warnings.Add(new FcsWarning("bad-spillover", -1, $"{key} ignored: {e.Message}"));
                }
                catch (ArgumentException e)
                {
                    warnings.Add(new FcsWarning("bad-spillover", -1, $"{key} ignored: {e.Message}"));
                }
            }
        }

        return ParseBeckman(keywords, warnings);
    }

    /// <summary>Parses <c>n,name1..namen,v11,v12..vnn</c>; <c>$COMP</c> may omit the names (then they are the first n <c>$PnN</c>).</summary>
    internal static Spillover ParseMatrix(string keyword, string raw, IReadOnlyList<FcsChannel> channels)
    {
        var parts = raw.Split(',');
        if (!int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new FormatException($"first field '{parts[0].Trim()}' is not a positive detector count");
        }

        if (n > 4096 || (long)n * n > parts.Length)
        {
            throw new FormatException($"{n} detectors need {(long)n * n} values but the keyword has {parts.Length - 1} fields");
        }

        string[] names;
        int at;
        if (parts.Length == 1 + n + (n * n))
        {
            names = [.. parts.Skip(1).Take(n).Select(s => s.Trim())];
            at = 1 + n;
        }
        else if (parts.Length == 1 + (n * n) && n <= channels.Count)
        {
            names = [.. channels.Take(n).Select(c => c.Name)];
            at = 1;
        }
        else
        {
            throw new FormatException($"value count {parts.Length - 1 - n} != {n}×{n}");
        }

        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = parts[at + (i * n) + j].Trim();
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    throw new FormatException($"value [{i + 1},{j + 1}] '{s}' is not a number");
                }

                m[i, j] = v;
            }
        }

        return new Spillover(names, m, keyword);
    }

    /// <summary>Beckman Coulter <c>$DFCiTOj</c>: percent of detector FLi's signal seen in FLj.</summary>
    private static Spillover? ParseBeckman(FcsKeywords keywords, List<FcsWarning> warnings)
    {
        var entries = new List<(int From, int To, double Value)>();
        foreach (var (key, value) in keywords)
        {
            var match = DfcRegex().Match(key);
            if (!match.Success)
            {
                continue;
            }

            // TryParse: the digits may overflow an int ($DFC99999999999TO1); such detectors are out of range anyway.
            if (!int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                | !int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || !double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)
                || from < 1 || to < 1 || from > 64 || to > 64)
            {
                warnings.Add(new FcsWarning("bad-spillover", -1, $"{key}/{value} ignored: not a percentage for detectors 1..64"));
                continue;
            }

            entries.Add((from, to, v));
        }

        if (entries.Count == 0)
        {
            return null;
        }

        var n = entries.Max(e => Math.Max(e.From, e.To));
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            m[i, i] = 1;
        }

        foreach (var (from, to, v) in entries)
        {
            if (from != to)
            {
                m[from - 1, to - 1] = v / 100.0;
            }
        }

        return new Spillover([.. Enumerable.Range(1, n).Select(i => $"FL{i}")], m, "$DFCiTOj");
    }

    [GeneratedRegex(@"^\$DFC([0-9]+)TO([0-9]+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DfcRegex();
}
