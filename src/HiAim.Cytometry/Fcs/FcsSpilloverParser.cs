using System.Globalization;
using System.Text.RegularExpressions;
using HiAim.Cytometry.Compensation;

namespace HiAim.Cytometry.Fcs;

/// <summary>Finds and parses the spillover keywords of a dataset, and settles what they mean for its channels.</summary>
internal static partial class FcsSpilloverParser
{
    private static readonly string[] MatrixKeywords = ["$SPILLOVER", "SPILL", "SPILLOVER", "$COMP"];

    /// <summary>
    /// The matrix as written (null when absent or malformed) and what it means for this dataset's channels.
    /// Nothing is inverted here: a singular matrix fails when compensation is asked for.
    /// </summary>
    /// <param name="keywords">The dataset's keywords.</param>
    /// <param name="channels">Its channels.</param>
    /// <param name="major">FCS major version (2 or 3).</param>
    /// <param name="firstDataset">Keywords of dataset 0 when this is a later dataset (Beckman: its <c>$DFCiTOj</c> are this one's spillover).</param>
    /// <param name="options">Read options (<see cref="FcsReadOptions.SpilloverDetectors"/>).</param>
    /// <param name="offsetOf">Byte offset of a keyword, for located messages.</param>
    /// <param name="warnings">Warnings of the read.</param>
    public static (Spillover? Written, FileSpillover Compensation) Parse(FcsKeywords keywords, IReadOnlyList<FcsChannel> channels, int major, FcsKeywords? firstDataset, FcsReadOptions options, Func<string, long> offsetOf, List<FcsWarning> warnings)
    {
        string? problem = null;
        foreach (var key in MatrixKeywords)
        {
            if (keywords.TryGetValue(key, out var raw) && raw.Trim().Length > 0)
            {
                try
                {
                    var matrix = ParseMatrix(key, raw, channels);
                    return (matrix, ToChannels(matrix, channels, options, $"{matrix.Source} at byte {offsetOf(key)}"));
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    warnings.Add(new FcsWarning("bad-spillover", offsetOf(key), $"{key} ignored: {e.Message}"));
                    problem ??= $"{key} at byte {offsetOf(key)} cannot be read: {e.Message}";
                }
            }
        }

        if (problem is not null)
        {
            return (null, new FileSpillover(null, problem, false, [], "spillover keyword"));
        }

        var own = ParseBeckman(keywords, warnings, "$DFCiTOj");
        if (own is not null)
        {
            // FCS 2.0 listmode (Beckman CXP, Kaluza, Navios, System II): the instrument compensated the FL channels with
            // these percentages before it wrote them (see docs/compensation-and-transforms.md for the evidence).
            return major < 3
                ? (own, new FileSpillover(null, null, true, BeckmanChannels(own.Count, channels), own.Source))
                : (own, BeckmanToChannels(own, channels, options));
        }

        // The raw FCS 3.0 dataset Beckman writes after the compensated FCS 2.0 one carries no matrix of its own.
        if (major >= 3 && firstDataset is not null && ParseBeckman(firstDataset, null, "$DFCiTOj of dataset 0") is { } inherited)
        {
            return (inherited, BeckmanToChannels(inherited, channels, options));
        }

        return (null, FileSpillover.None);
    }

    /// <summary>Parses <c>n,name1..namen,v11,v12..vnn</c>; <c>$COMP</c> may omit the names (then they are the first n <c>$PnN</c>).</summary>
    internal static Spillover ParseMatrix(string keyword, string raw, IReadOnlyList<FcsChannel> channels)
    {
        // The count first: a matrix larger than the dataset's channels is refused before its n² fields are split.
        var comma = raw.IndexOf(',', StringComparison.Ordinal);
        var first = (comma < 0 ? raw : raw[..comma]).Trim();
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new FormatException($"first field '{Clip(first)}' is not a positive detector count");
        }

        if (n > channels.Count)
        {
            throw new FormatException($"it declares {n} detectors but the dataset has {channels.Count} channels ($PAR); a spillover matrix covers at most every channel");
        }

        var parts = raw.Split(',');
        if ((long)n * n > parts.Length)
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
        else if (parts.Length == 1 + (n * n))
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
                    throw new FormatException($"value [{i + 1},{j + 1}] '{Clip(s)}' is not a number");
                }

                m[i, j] = v;
            }
        }

        return new Spillover(names, m, keyword);
    }

    /// <summary>A written matrix over channel names: each detector renamed by <see cref="FcsReadOptions.SpilloverDetectors"/>,
    /// then required to be a channel.</summary>
    private static FileSpillover ToChannels(Spillover matrix, IReadOnlyList<FcsChannel> channels, FcsReadOptions options, string where)
    {
        var names = new string[matrix.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var detector = matrix.Detectors[i];
            names[i] = options.SpilloverDetectors?.GetValueOrDefault(detector) ?? detector;
            if (!channels.Any(c => c.Name == names[i]))
            {
                var renamed = names[i] == detector ? string.Empty : $" (mapped to '{names[i]}')";
                return new FileSpillover(null, $"{where} names detector '{detector}'{renamed}, which is not a channel of this dataset (channels: {ChannelList(channels)}); map it with FcsReadOptions.SpilloverDetectors (hiaim: --spillover-detector {detector}=CHANNEL).", false, [], matrix.Source);
            }
        }

        var usable = names.SequenceEqual(matrix.Detectors) ? matrix : new Spillover(names, matrix.ToArray(), matrix.Source);
        return new FileSpillover(usable, null, false, names, matrix.Source);
    }

    /// <summary>
    /// Beckman detectors FL1..FLn onto channels, to be applied: <see cref="FcsReadOptions.SpilloverDetectors"/> first, then
    /// a channel named exactly <c>FLi</c>, then the one channel <c>FLi …</c> (<c>FLi Log</c>, <c>FLi INT LOG</c>); several
    /// candidates are refused, naming them. A detector with no channel is dropped when it spills into no kept detector
    /// (Beckman lists every PMT, recorded or not), and refused otherwise.
    /// </summary>
    private static FileSpillover BeckmanToChannels(Spillover matrix, IReadOnlyList<FcsChannel> channels, FcsReadOptions options)
    {
        var n = matrix.Count;
        var mapped = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var detector = matrix.Detectors[i];
            if (options.SpilloverDetectors?.GetValueOrDefault(detector) is { } chosen)
            {
                if (!channels.Any(c => c.Name == chosen))
                {
                    return Refused(matrix, $"FcsReadOptions.SpilloverDetectors maps {detector} to '{chosen}', which is not a channel (channels: {ChannelList(channels)}).");
                }

                mapped[i] = chosen;
                continue;
            }

            var exact = channels.FirstOrDefault(c => c.Name.Equals(detector, StringComparison.OrdinalIgnoreCase));
            var candidates = exact is not null ? [exact.Name] : channels.Where(c => BeckmanDetector(c.Name) == i + 1).Select(c => c.Name).ToList();
            if (candidates.Count > 1)
            {
                return Refused(matrix, $"detector {detector} matches several channels ({string.Join(", ", candidates)}); choose one with FcsReadOptions.SpilloverDetectors (hiaim: --spillover-detector \"{detector}={candidates[0]}\").");
            }

            mapped[i] = candidates.Count == 1 ? candidates[0] : null;
        }

        var kept = Enumerable.Range(0, n).Where(i => mapped[i] is not null).ToArray();
        foreach (var i in Enumerable.Range(0, n).Where(i => mapped[i] is null))
        {
            if (kept.FirstOrDefault(j => matrix[i, j] != 0, -1) is var into and >= 0)
            {
                return Refused(matrix, $"detector {matrix.Detectors[i]} spills {matrix[i, into] * 100:G4} % into {matrix.Detectors[into]} but the dataset has no {matrix.Detectors[i]} channel (channels: {ChannelList(channels)}), so {mapped[into]} cannot be compensated.");
            }
        }

        var m = new double[kept.Length, kept.Length];
        for (var a = 0; a < kept.Length; a++)
        {
            for (var b = 0; b < kept.Length; b++)
            {
                m[a, b] = matrix[kept[a], kept[b]];
            }
        }

        var names = kept.Select(i => mapped[i]!).ToArray();
        return new FileSpillover(new Spillover(names, m, matrix.Source), null, false, names, matrix.Source);

        static FileSpillover Refused(Spillover matrix, string why) => new(null, $"{matrix.Source}: {why}", false, [], matrix.Source);
    }

    /// <summary>Every channel of detectors FL1..FLn (<c>FLi</c>, <c>FLi Log</c>, <c>FLi Lin</c>, <c>FLi INT LOG</c>, ...).</summary>
    private static string[] BeckmanChannels(int n, IReadOnlyList<FcsChannel> channels) =>
        [.. channels.Where(c => BeckmanDetector(c.Name) is var d && d >= 1 && d <= n).Select(c => c.Name)];

    /// <summary>The detector number of a Beckman channel name (<c>FL3 Log</c> → 3), or 0.</summary>
    private static int BeckmanDetector(string channel)
    {
        var match = BeckmanChannelRegex().Match(channel);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
    }

    /// <summary>Beckman Coulter <c>$DFCiTOj</c>: percent of detector FLi's signal seen in FLj.</summary>
    private static Spillover? ParseBeckman(FcsKeywords keywords, List<FcsWarning>? warnings, string source)
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
                warnings?.Add(new FcsWarning("bad-spillover", -1, $"{key}/{Clip(value)} ignored: not a percentage for detectors 1..64"));
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

        return new Spillover([.. Enumerable.Range(1, n).Select(i => $"FL{i}")], m, source);
    }

    private static string ChannelList(IReadOnlyList<FcsChannel> channels) =>
        channels.Count <= 24 ? string.Join(", ", channels.Select(c => c.Name)) : string.Join(", ", channels.Take(24).Select(c => c.Name)) + $", … ({channels.Count} in all)";

    /// <summary>A value quoted in a message, cut short (a fuzzed keyword may be megabytes).</summary>
    private static string Clip(string value) => Internals.Echo.Clip(value, 40);

    [GeneratedRegex(@"^\$DFC([0-9]+)TO([0-9]+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DfcRegex();

    [GeneratedRegex(@"^FL([0-9]{1,2})(?:\s+\S.*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BeckmanChannelRegex();
}
