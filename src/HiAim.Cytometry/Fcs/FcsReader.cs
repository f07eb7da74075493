using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Unicode;
using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Fcs;

/// <summary>Reads datasets from an <see cref="FcsSource"/>: HEADER, TEXT, supplemental TEXT, offsets, DATA, ANALYSIS.</summary>
internal static class FcsReader
{
    private const int MaxParameters = 10_000;
    private const int MaxWarningsPerCode = 20;
    private const int ChunkBytes = 1 << 20;

    // Below this much DATA one core decodes faster than the threads start.
    private const long ParallelDecodeBytes = 8L << 20;

    public static FcsFile ReadDataset(FcsSource source, FcsReadOptions options, ColumnPool? pool = null, IFcsDataObserver? observer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Dataset);
        long baseOffset = 0;
        var visited = new HashSet<long>();
        FcsKeywords? first = null; // Beckman listmode: dataset 0's $DFCiTOj compensate the raw FCS 3.0 dataset after it
        for (var index = 0; ; index++)
        {
            var skip = index != options.Dataset || options.SkipData;
            var file = ReadOne(source, baseOffset, index, options, skip, skip ? null : pool, skip ? null : observer, first);
            if (index == options.Dataset)
            {
                return file;
            }

            first ??= file.Keywords;

            if (file.NextDataOffset == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Dataset {options.Dataset} requested but the file has {index + 1} dataset(s) (the one at byte {file.DatasetOffset} has no $NEXTDATA).");
            }

            baseOffset = NextBase(source, file, visited);
        }
    }

    public static IReadOnlyList<FcsDatasetInfo> ListDatasets(FcsSource source, FcsReadOptions options)
    {
        var list = new List<FcsDatasetInfo>();
        long baseOffset = 0;
        var visited = new HashSet<long>();
        for (var index = 0; ; index++)
        {
            var file = ReadOne(source, baseOffset, index, options, skipData: true);
            list.Add(new FcsDatasetInfo(index, baseOffset, file.Version, file.Channels.Count, file.EventCount, file.Keywords.GetValueOrDefault("$DATATYPE")?.Trim() ?? ""));
            if (file.NextDataOffset == 0)
            {
                return list;
            }

            baseOffset = NextBase(source, file, visited);
        }
    }

    private static long NextBase(FcsSource source, FcsFile file, HashSet<long> visited)
    {
        visited.Add(file.DatasetOffset);
        var nd = file.NextDataOffset;
        var at = file.NextDataKeywordOffset;

        // Compare before adding: a huge $NEXTDATA must not wrap around to a negative offset.
        if (nd > source.Length - FcsHeader.Length - file.DatasetOffset)
        {
            throw new FcsOffsetException(FcsSegment.Text, at, $"$NEXTDATA={nd} points to byte {(decimal)file.DatasetOffset + nd}, past the end of the file ({source.Length} bytes, and a dataset starts with a {FcsHeader.Length}-byte HEADER)", "$NEXTDATA");
        }

        var next = file.DatasetOffset + nd;
        if (nd < 0 || !visited.Add(next))
        {
            var what = visited.Contains(next) ? $"back to the dataset at byte {next} (a loop)" : next < 0 ? $"before the start of the file (byte {next})" : $"backwards to byte {next}";
            throw new FcsOffsetException(FcsSegment.Text, at, $"$NEXTDATA={nd} points {what}; datasets must follow each other", "$NEXTDATA");
        }

        // A dataset that starts inside this one's keywords would have them parsed again (and again, down a
        // chain): quadratic time for a crafted file. Real datasets follow each other.
        if (next <= file.KeywordSegmentsEnd)
        {
            throw new FcsOffsetException(FcsSegment.Text, at, $"$NEXTDATA={nd} points to byte {next}, inside this dataset's TEXT (which runs to byte {file.KeywordSegmentsEnd}); datasets must follow each other", "$NEXTDATA");
        }

        return next;
    }

    private static FcsFile ReadOne(FcsSource source, long baseOffset, int index, FcsReadOptions options, bool skipData, ColumnPool? pool = null, IFcsDataObserver? observer = null, FcsKeywords? firstDataset = null)
    {
        var warnings = new List<FcsWarning>();
        var length = source.Length;

        // HEADER
        Span<byte> headerBytes = stackalloc byte[FcsHeader.Length];
        var available = (int)Math.Min(FcsHeader.Length, Math.Max(0, length - baseOffset));
        source.Read(baseOffset, headerBytes[..available]);
        var header = FcsHeader.Parse(headerBytes[..available], baseOffset);
        var major = header.Version[3] - '0';
        if (header.Version is not ("FCS2.0" or "FCS3.0" or "FCS3.1" or "FCS3.2"))
        {
            // Nothing says how an unknown version lays out its segments: reading it is a guess the caller must ask for.
            if (!options.AllowUnknownVersion)
            {
                throw new FcsHeaderException(baseOffset, $"version {header.Version} is not FCS2.0, 3.0, 3.1 or 3.2", nameof(FcsReadOptions.AllowUnknownVersion));
            }

            warnings.Add(new FcsWarning("unknown-version", baseOffset, $"version {header.Version} is not 2.0-3.2; read as the nearest known version") { Segment = FcsSegment.Header, IsRepair = true });
        }

        // TEXT
        var textStart = baseOffset + header.TextStart;
        var textEnd = baseOffset + header.TextEnd;
        if (header.TextStart < FcsHeader.Length || header.TextEnd < header.TextStart)
        {
            throw new FcsOffsetException(FcsSegment.Header, baseOffset + 10, $"TEXT offsets {header.TextStart}-{header.TextEnd} are not a segment after the HEADER");
        }

        if (textEnd >= length)
        {
            throw new FcsOffsetException(FcsSegment.Header, baseOffset + 18, $"TEXT end offset {header.TextEnd} is past the end of the file ({length} bytes)");
        }

        var textBytes = ReadSegment(source, textStart, textEnd - textStart + 1);
        var keywordSegmentsEnd = textEnd; // last byte of every segment parsed as keywords, for the $NEXTDATA check
        var keywords = new FcsKeywords();
        var keyOffsets = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var escapes = options.DoubledDelimiter switch
        {
            FcsDoubledDelimiter.Escape => true,
            FcsDoubledDelimiter.EmptyValue => false,
            _ => major >= 3,
        };
        ParseText(textBytes, textStart, FcsSegment.Text, escapes, options, keywords, keyOffsets, warnings);

        // Supplemental TEXT
        var occupied = new List<(long Start, long End, string Name)> { (0, FcsHeader.Length - 1, "HEADER"), (header.TextStart, header.TextEnd, "TEXT") };
        if (keywords.TryGetInt64("$BEGINSTEXT", out var sBegin) && keywords.TryGetInt64("$ENDSTEXT", out var sEnd) && sBegin > 0 && sEnd > sBegin)
        {
            var abs = baseOffset + sBegin;
            if (sBegin == header.TextStart)
            {
                // Some writers repeat the primary TEXT offsets here.
            }
            else if (sEnd >= length - baseOffset || sBegin < FcsHeader.Length)
            {
                warnings.Add(new FcsWarning("bad-supplemental-text", KeyOffset(keyOffsets, "$BEGINSTEXT", textStart), $"supplemental TEXT {sBegin}-{sEnd} lies outside the file; ignored"));
            }
            else
            {
                var stext = ReadSegment(source, abs, sEnd - sBegin + 1);
                if (!options.RepairDefects)
                {
                    ParseText(stext, abs, FcsSegment.SupplementalText, escapes, options, keywords, keyOffsets, warnings);
                    keywordSegmentsEnd = Math.Max(keywordSegmentsEnd, baseOffset + sEnd);
                    occupied.Add((sBegin, sEnd, "supplemental TEXT"));
                }
                else if (TryParseSupplementalText(stext, abs, textBytes[0], escapes, options, keywords, keyOffsets, warnings, out var notText))
                {
                    keywordSegmentsEnd = Math.Max(keywordSegmentsEnd, baseOffset + sEnd);
                    occupied.Add((sBegin, sEnd, "supplemental TEXT"));
                }
                else
                {
                    // Some writers (Partec/Sysmex CyFlow) point these keywords at bytes that are not keywords at all.
                    warnings.Add(new FcsWarning("bad-supplemental-text", abs, $"$BEGINSTEXT/$ENDSTEXT={sBegin}-{sEnd} point at bytes that are not TEXT ({notText}); the supplemental TEXT is ignored") { Segment = FcsSegment.SupplementalText, IsRepair = true });
                }
            }
        }

        // MODE
        if (keywords.TryGetValue("$MODE", out var mode) && !mode.Trim().Equals("L", StringComparison.OrdinalIgnoreCase))
        {
            throw new FcsUnsupportedException(FcsSegment.Text, KeyOffset(keyOffsets, "$MODE", textStart), $"$MODE is '{mode.Trim()}'; only list mode (L) is supported, correlated (C) and uncorrelated (U) histograms are not", "$MODE");
        }

        var par = RequiredInt(keywords, keyOffsets, "$PAR", textStart);
        if (par < 1 || par > MaxParameters || par > textBytes.Length / 4)
        {
            throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, "$PAR", textStart), $"$PAR={par} is not a plausible parameter count for a {textBytes.Length}-byte TEXT", "$PAR");
        }

        var dataTypeText = Required(keywords, keyOffsets, "$DATATYPE", textStart).Trim().ToUpperInvariant();
        var dataType = ParseDataType(dataTypeText, KeyOffset(keyOffsets, "$DATATYPE", textStart), "$DATATYPE");
        var channels = ReadChannels(keywords, keyOffsets, textStart, par, dataType, major, options, warnings, out var slotsMasks);

        // Byte order
        var (littleEndian, permutation) = ParseByteOrder(keywords, keyOffsets, textStart, dataType, channels);

        // DATA offsets
        if (header.AnalysisStart >= FcsHeader.Length && header.AnalysisEnd >= header.AnalysisStart && header.AnalysisEnd < length - baseOffset)
        {
            occupied.Add((header.AnalysisStart, header.AnalysisEnd, "ANALYSIS"));
        }

        long? ExpectedBytes(long candidateLength)
        {
            if (!keywords.TryGetInt64("$TOT", out var t) || t < 0)
            {
                return null;
            }

            var candidate = BuildLayout(channels, slotsMasks, dataType, littleEndian, permutation, keywords, candidateLength, []);
            return candidate.DelimitedAscii ? null : candidate.DataBytesFor(t);
        }

        var (dataStart, dataEnd) = ResolveDataOffsets(header, keywords, keyOffsets, baseOffset, textStart, major, length, options, ExpectedBytes, occupied, warnings);
        long dataLength = dataEnd >= dataStart ? dataEnd - dataStart + 1 : 0;

        var layout = BuildLayout(channels, slotsMasks, dataType, littleEndian, permutation, keywords, dataLength, warnings);
        var tot = ResolveEventCount(keywords, keyOffsets, textStart, major, layout, dataLength, options, warnings);
        if (!layout.DelimitedAscii)
        {
            CheckDataLength(layout, tot, dataStart, dataLength, options, warnings);
        }

        long nextData = 0;
        if (keywords.TryGetValue("$NEXTDATA", out var nextText) && !long.TryParse(nextText.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out nextData))
        {
            warnings.Add(new FcsWarning("bad-nextdata", KeyOffset(keyOffsets, "$NEXTDATA", textStart), $"$NEXTDATA is '{nextText}', not a byte offset; this dataset is taken as the last"));
            nextData = 0;
        }

        var analysis = ReadAnalysis(source, header, keywords, baseOffset, options, warnings);
        if (analysis?.Keywords is not null)
        {
            keywordSegmentsEnd = Math.Max(keywordSegmentsEnd, analysis.Offset + analysis.Bytes.Length - 1);
        }

        var (spillover, compensation) = FcsSpilloverParser.Parse(keywords, channels, major, firstDataset, options, key => KeyOffset(keyOffsets, key, textStart), warnings);

        var names = channels.Select(c => c.Name).ToArray();
        EventMatrix events;
        float[][] cols = [];
        double[][]? raw = null;
        if (skipData)
        {
            events = new EventMatrix(0, names);
        }
        else
        {
            if (pool is null || tot == 0)
            {
                events = new EventMatrix(tot, names);
                cols = new float[par][];
                for (var c = 0; c < par; c++)
                {
                    cols[c] = events.ColumnArray(c);
                }
            }
            else
            {
                cols = new float[par][];
                for (var c = 0; c < par; c++)
                {
                    cols[c] = pool.Rent(tot);
                }

                events = new EventMatrix(names, cols);
            }

            if (options.DoublePrecision)
            {
                raw = new double[par][];
                for (var c = 0; c < par; c++)
                {
                    raw[c] = new double[tot];
                }
            }
        }

        var file = new FcsFile(header, index, baseOffset, keywords, channels, tot, events, raw, spillover, analysis, nextData, dataStart, dataLength, warnings)
        {
            NextDataKeywordOffset = KeyOffset(keyOffsets, "$NEXTDATA", textStart),
            KeywordSegmentsEnd = keywordSegmentsEnd,
            FileCompensation = compensation,
        };
        if (!skipData)
        {
            // An observer sees float columns only: not the double-precision copy, not delimited ASCII (decoded whole).
            var observe = observer is not null && raw is null && !layout.DelimitedAscii && tot > 0 && observer.Begin(file, ObservedChunkEvents(layout, tot));
            DecodeData(source, layout, dataStart, dataLength, tot, cols, raw, observe ? observer : null);
        }

        return file;
    }

    /// <summary>Parses supplemental TEXT into the keywords only when the whole segment is TEXT in the primary TEXT's
    /// delimiter; otherwise leaves the keywords untouched and says why.</summary>
    private static bool TryParseSupplementalText(byte[] stext, long abs, byte delimiter, bool escapes, FcsReadOptions options, FcsKeywords keywords, Dictionary<string, long> keyOffsets, List<FcsWarning> warnings, out string notText)
    {
        if (stext[0] != delimiter)
        {
            notText = $"its first byte is 0x{stext[0]:X2}, not the TEXT delimiter 0x{delimiter:X2}";
            return false;
        }

        var parsed = new FcsKeywords();
        var offsets = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var parsedWarnings = new List<FcsWarning>();
        try
        {
            ParseText(stext, abs, FcsSegment.SupplementalText, escapes, options, parsed, offsets, parsedWarnings);
        }
        catch (FcsFormatException e)
        {
            notText = e.Fault;
            return false;
        }

        foreach (var (key, value) in parsed)
        {
            if (!keywords.Set(key, value))
            {
                warnings.Add(new FcsWarning("duplicate-keyword", offsets[key], $"keyword '{key}' appears more than once; the later value is kept"));
            }

            keyOffsets[key] = offsets[key];
        }

        warnings.AddRange(parsedWarnings);
        notText = "";
        return true;
    }

    private static byte[] ReadSegment(FcsSource source, long start, long count)
    {
        if (count > int.MaxValue / 2)
        {
            throw new FcsOffsetException(FcsSegment.Text, start, $"segment of {count} bytes is too large to be keywords");
        }

        var bytes = new byte[count];
        source.Read(start, bytes);
        return bytes;
    }

    internal static void ParseText(ReadOnlySpan<byte> text, long absOffset, FcsSegment segment, bool escapes, FcsReadOptions options, FcsKeywords keywords, Dictionary<string, long> keyOffsets, List<FcsWarning> warnings)
    {
        var delimiter = text[0];
        if (delimiter is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z')
        {
            throw new FcsTextException(segment, absOffset, $"first byte '{(char)delimiter}' cannot be the delimiter (it must not be a letter or digit); the TEXT offset is probably wrong");
        }

        var encoding = options.TextEncoding ?? (Utf8.IsValid(text) ? Encoding.UTF8 : Encoding.Latin1);
        var reader = new FcsTextReader(text, escapes);

        // A crafted TEXT can repeat a keyword hundreds of thousands of times: list the first few of each kind.
        var perCode = new Dictionary<string, int>(StringComparer.Ordinal);
        void Warn(FcsWarning w)
        {
            var n = perCode[w.Code] = perCode.GetValueOrDefault(w.Code) + 1;
            if (n <= MaxWarningsPerCode)
            {
                warnings.Add(w);
            }
        }

        while (reader.Read())
        {
            var raw = reader.GetKeyword(encoding);
            var key = raw.Trim();
            var at = absOffset + reader.KeywordStart;
            if (key.Length == 0)
            {
                Warn(new FcsWarning("empty-keyword", at, $"empty keyword with value '{Shorten(reader.GetValue(encoding))}' skipped"));
                continue;
            }

            if (key.Length != raw.Length)
            {
                Warn(new FcsWarning("padded-keyword", at, $"keyword '{Shorten(raw)}' has surrounding spaces; read as '{Shorten(key)}'"));
            }

            if (!keywords.Set(key, reader.GetValue(encoding)))
            {
                Warn(new FcsWarning("duplicate-keyword", at, $"keyword '{Shorten(key)}' appears more than once; the later value is kept"));
            }

            keyOffsets[key] = at;
        }

        foreach (var (code, n) in perCode.Where(p => p.Value > MaxWarningsPerCode).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            warnings.Add(new FcsWarning(code, -1, $"{n - MaxWarningsPerCode} more '{code}' warnings in {segment} not listed ({n} in all)") { Segment = segment });
        }

        var irregular = reader.Irregularity;
        if (irregular.HasFlag(FcsTextIrregularity.EndOffsetPastDelimiter))
        {
            warnings.Add(new FcsWarning("text-end-past-delimiter", absOffset + text.Length - 1, $"{segment} end offset points one byte past the final delimiter"));
        }

        if (irregular.HasFlag(FcsTextIrregularity.UnterminatedValue))
        {
            warnings.Add(new FcsWarning("unterminated-value", absOffset + text.Length - 1, $"{segment} ends without a closing delimiter after the last value"));
        }

        if (irregular.HasFlag(FcsTextIrregularity.DanglingKeyword))
        {
            var dangling = Encoding.Latin1.GetString(reader.RawKeyword);
            dangling = Internals.Echo.Clip(dangling, 40);
            warnings.Add(new FcsWarning("dangling-keyword", absOffset + reader.KeywordStart, $"{segment} ends with keyword '{dangling}' that has no value; ignored"));
        }

        if (irregular.HasFlag(FcsTextIrregularity.TrailingPadding))
        {
            warnings.Add(new FcsWarning("text-padding", absOffset + text.Length - 1, $"{segment} has padding after its final delimiter; ignored"));
        }
    }

    private static string Shorten(string s) => Internals.Echo.Clip(s, 60);

    private static long KeyOffset(Dictionary<string, long> keyOffsets, string key, long fallback) =>
        keyOffsets.TryGetValue(key, out var at) ? at : fallback;

    private static string Required(FcsKeywords keywords, Dictionary<string, long> keyOffsets, string key, long textStart) =>
        keywords.TryGetValue(key, out var v) ? v : throw new FcsTextException(FcsSegment.Text, textStart, $"required keyword {key} is missing", key);

    private static int RequiredInt(FcsKeywords keywords, Dictionary<string, long> keyOffsets, string key, long textStart)
    {
        var v = Required(keywords, keyOffsets, key, textStart);
        if (!int.TryParse(v.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, key, textStart), $"{key} value '{v}' is not a whole number", key);
        }

        return n;
    }

    private static FcsDataType ParseDataType(string text, long at, string key) => text switch
    {
        "I" => FcsDataType.Integer,
        "F" => FcsDataType.Single,
        "D" => FcsDataType.Double,
        "A" => FcsDataType.Ascii,
        _ => throw new FcsTextException(FcsSegment.Text, at, $"{key} is '{text}'; expected I, F, D or A", key),
    };

    private static List<FcsChannel> ReadChannels(FcsKeywords keywords, Dictionary<string, long> keyOffsets, long textStart, int par, FcsDataType dataType, int major, FcsReadOptions options, List<FcsWarning> warnings, out ulong[] masks)
    {
        var channels = new List<FcsChannel>(par);
        masks = new ulong[par];
        for (var n = 1; n <= par; n++)
        {
            string K(string suffix) => string.Create(CultureInfo.InvariantCulture, $"$P{n}{suffix}");
            var type = dataType;
            if (keywords.TryGetValue(K("DATATYPE"), out var pType))
            {
                type = ParseDataType(pType.Trim().ToUpperInvariant(), KeyOffset(keyOffsets, K("DATATYPE"), textStart), K("DATATYPE"));
            }

            var bitsText = Required(keywords, keyOffsets, K("B"), textStart).Trim();
            int bits;
            if (bitsText == "*")
            {
                if (type != FcsDataType.Ascii)
                {
                    throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, K("B"), textStart), $"{K("B")} is '*' (delimited ASCII) but the data type is {type}", K("B"));
                }

                bits = 0;
            }
            else if (!int.TryParse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits < 1 || bits > (type == FcsDataType.Ascii ? 800 : 64))
            {
                throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, K("B"), textStart), $"{K("B")} is '{bitsText}'; expected a bit width from 1 to 64", K("B"));
            }

            if ((type == FcsDataType.Single && bits != 32) || (type == FcsDataType.Double && bits != 64))
            {
                throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, K("B"), textStart), $"{K("B")} is {bits} but {type} values are {(type == FcsDataType.Single ? 32 : 64)} bits", K("B"));
            }

            double range = 0;
            if (keywords.TryGetValue(K("R"), out var rangeText))
            {
                if (!double.TryParse(rangeText.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out range) || !double.IsFinite(range) || range < 0)
                {
                    throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, K("R"), textStart), $"{K("R")} is '{rangeText}', not a non-negative number", K("R"));
                }
            }
            else if (major >= 3)
            {
                warnings.Add(new FcsWarning("missing-range", textStart, $"{K("R")} is missing (required from FCS 3.0); no range mask applied"));
            }

            double f1 = 0, f2 = 0;
            if (keywords.TryGetValue(K("E"), out var ampText))
            {
                var parts = ampText.Split(',');
                if (parts.Length != 2 || !double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out f1) || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out f2) || f1 < 0 || !double.IsFinite(f1) || !double.IsFinite(f2))
                {
                    throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, K("E"), textStart), $"{K("E")} is '{ampText}'; expected 'f1,f2' (decades,offset)", K("E"));
                }

                if (f1 > 0 && f2 == 0)
                {
                    f2 = 1; // as FlowIO: a zero offset with log decades means offset 1
                }

                if (f1 > 0 && type is FcsDataType.Single or FcsDataType.Double)
                {
                    warnings.Add(new FcsWarning("log-on-float", KeyOffset(keyOffsets, K("E"), textStart), $"{K("E")}={ampText.Trim()} declares log amplification on a floating-point channel; channel values leave it as stored"));
                }
            }

            var gain = keywords.TryGetDouble(K("G"), out var g) && g > 0 ? g : 1.0;
            var name = keywords.GetValueOrDefault(K("N"));
            if (name is null)
            {
                if (major >= 3)
                {
                    warnings.Add(new FcsWarning("missing-name", textStart, $"{K("N")} is missing (required from FCS 3.0); named 'P{n}'"));
                }

                name = string.Create(CultureInfo.InvariantCulture, $"P{n}");
            }

            masks[n - 1] = type == FcsDataType.Integer ? RangeMask(bits, range, options.BitMask) : ulong.MaxValue;
            channels.Add(new FcsChannel(
                n, name, keywords.GetValueOrDefault(K("S")) ?? "", bits, range, type, f1, f2, gain,
                keywords.GetValueOrDefault(K("TYPE")) ?? "", keywords.GetValueOrDefault(K("DET")) ?? "",
                keywords.GetValueOrDefault(K("D")) ?? "", keywords.GetValueOrDefault(K("L")) ?? ""));
        }

        return channels;
    }

    internal static ulong RangeMask(int bits, double range, FcsBitMask mode)
    {
        var full = bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;
        if (mode == FcsBitMask.None || range <= 1 || range > full)
        {
            return full;
        }

        var r = (ulong)Math.Ceiling(range);
        return mode == FcsBitMask.RangeMinusOne
            ? (r - 1) & full
            : (BitOperations.RoundUpToPowerOf2(r) - 1) & full;
    }

    private static (bool LittleEndian, int[]? Permutation) ParseByteOrder(FcsKeywords keywords, Dictionary<string, long> keyOffsets, long textStart, FcsDataType dataType, List<FcsChannel> channels)
    {
        if (!keywords.TryGetValue("$BYTEORD", out var text))
        {
            if (channels.All(c => c.DataType == FcsDataType.Ascii || c.Bits <= 8))
            {
                return (true, null);
            }

            throw new FcsTextException(FcsSegment.Text, textStart, "required keyword $BYTEORD is missing", "$BYTEORD");
        }

        var at = KeyOffset(keyOffsets, "$BYTEORD", textStart);
        var parts = text.Split(',');
        var ranks = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var r) || r < 1 || r > parts.Length)
            {
                throw new FcsTextException(FcsSegment.Text, at, $"$BYTEORD is '{text}'; expected a permutation such as 1,2,3,4 or 4,3,2,1", "$BYTEORD");
            }

            ranks[i] = r - 1;
        }

        if (ranks.Distinct().Count() != ranks.Length || ranks.Length > 8)
        {
            throw new FcsTextException(FcsSegment.Text, at, $"$BYTEORD is '{text}', not a permutation of 1..n", "$BYTEORD");
        }

        var ascending = ranks.Select((r, i) => r == i).All(x => x);
        var descending = ranks.Select((r, i) => r == ranks.Length - 1 - i).All(x => x);
        if (ascending || descending)
        {
            return (ascending, null);
        }

        // Odd FCS 2.0 orders (e.g. 3,4,1,2) apply to fields of exactly that many bytes.
        foreach (var ch in channels)
        {
            var width = ch.DataType switch { FcsDataType.Single => 4, FcsDataType.Double => 8, FcsDataType.Integer => (ch.Bits + 7) / 8, _ => 0 };
            if (width > 1 && width != ranks.Length)
            {
                throw new FcsUnsupportedException(FcsSegment.Text, at, $"$BYTEORD '{text}' is a mixed byte order for {ranks.Length}-byte words but parameter {ch.Number} is {width} bytes wide", "$BYTEORD");
            }
        }

        return (ranks[0] < ranks[^1], ranks);
    }

    /// <summary>
    /// The DATA segment [start, end] (absolute; (0, -1) when there is none), from the HEADER or from
    /// <c>$BEGINDATA</c>/<c>$ENDDATA</c>, checked against the file's length before any arithmetic can overflow.
    /// Faults are reported where the offending offset is written (HEADER field or TEXT keyword). With
    /// <see cref="FcsReadOptions.RepairDefects"/>, inconsistent offsets are resolved only when exactly one reading
    /// holds exactly <c>$TOT</c> events inside the file without overlapping another segment.
    /// <c>expectedBytes</c> gives the DATA bytes <c>$TOT</c> events need in a segment of a given length (the length
    /// decides how odd bit widths are stored), or null when <c>$TOT</c> is not usable; <c>occupied</c> lists the
    /// segments DATA cannot share (HEADER, TEXT, supplemental TEXT, ANALYSIS), relative to the dataset.
    /// </summary>
    private static (long Start, long End) ResolveDataOffsets(FcsHeader header, FcsKeywords keywords, Dictionary<string, long> keyOffsets, long baseOffset, long textStart, int major, long length, FcsReadOptions options, Func<long, long?> expectedBytes, IReadOnlyList<(long Start, long End, string Name)> occupied, List<FcsWarning> warnings)
    {
        var repair = options.RepairDefects;
        var hasText = keywords.TryGetInt64("$BEGINDATA", out var tb) & keywords.TryGetInt64("$ENDDATA", out var te);
        var headerZero = header.DataStart == 0 && header.DataEnd == 0;
        var textZero = !hasText || (tb == 0 && te == 0);
        var available = length - baseOffset;

        // Why a candidate segment is not the DATA (null when it can be): inside the file, clear of every other
        // segment, and exactly $TOT events long.
        string? Unfit(long s, long e)
        {
            if (s < FcsHeader.Length || e < s)
            {
                return "is not a segment after the HEADER";
            }

            if (e >= available)
            {
                return $"ends past the end of the file ({length} bytes)";
            }

            foreach (var (os, oe, name) in occupied)
            {
                if (s <= oe && os <= e)
                {
                    return $"overlaps the {name} ({os}-{oe})";
                }
            }

            var need = expectedBytes(e - s + 1);
            return need is null ? "cannot be checked against $TOT" : need != e - s + 1 ? $"is {e - s + 1} bytes where $TOT events need {need}" : null;
        }

        if (keywords.Contains("$BEGINDATA") && !hasText)
        {
            var at = KeyOffset(keyOffsets, "$BEGINDATA", textStart);
            var fault = $"$BEGINDATA/$ENDDATA ('{keywords.GetValueOrDefault("$BEGINDATA")}'/'{keywords.GetValueOrDefault("$ENDDATA")}') are not whole numbers";
            if (repair && !headerZero)
            {
                // FlowJo 2.0 wrote '768I': the HEADER's own offsets decide, when they describe exactly the events.
                var why = Unfit(header.DataStart, header.DataEnd);
                if (why is null)
                {
                    warnings.Add(new FcsWarning("bad-data-offset-keyword", at, fault + $"; the HEADER DATA offsets {header.DataStart}-{header.DataEnd}, which hold exactly $TOT events, are used") { Segment = FcsSegment.Text, IsRepair = true });
                    return Located(header.DataStart, header.DataEnd, fromText: false);
                }

                fault += $", and the HEADER DATA offsets {header.DataStart}-{header.DataEnd} cannot replace them (that segment {why})";
            }

            throw new FcsTextException(FcsSegment.Text, at, fault, "$BEGINDATA");
        }

        long start, end;
        var fromText = false;
        if (headerZero && textZero)
        {
            if (!hasText && major >= 3)
            {
                throw new FcsTextException(FcsSegment.Text, textStart, "HEADER DATA offsets are zero and $BEGINDATA/$ENDDATA are missing: the DATA segment cannot be located", "$BEGINDATA");
            }

            return (0, -1); // no data
        }
        else if (headerZero)
        {
            (start, end, fromText) = (tb, te, true);
        }
        else if (textZero)
        {
            if (!hasText && major >= 3)
            {
                if (!options.TolerateMissingBeginData)
                {
                    throw new FcsTextException(FcsSegment.Text, textStart, $"{header.Version} requires $BEGINDATA and $ENDDATA, which are missing (HEADER says {header.DataStart}-{header.DataEnd})", "$BEGINDATA", nameof(FcsReadOptions.TolerateMissingBeginData));
                }

                warnings.Add(new FcsWarning("missing-begindata", textStart, "$BEGINDATA/$ENDDATA missing; HEADER DATA offsets used") { Segment = FcsSegment.Text, IsRepair = true });
            }

            (start, end) = (header.DataStart, header.DataEnd);
        }
        else if (tb != header.DataStart || te != header.DataEnd)
        {
            var fault = $"DATA offsets disagree: HEADER says {header.DataStart}-{header.DataEnd}, $BEGINDATA/$ENDDATA say {tb}-{te}";
            if (options.PreferTextDataOffsets)
            {
                warnings.Add(new FcsWarning("data-offset-discrepancy", baseOffset + 26, fault + "; TEXT offsets used (PreferTextDataOffsets)") { Segment = FcsSegment.Header, IsRepair = true });
                (start, end, fromText) = (tb, te, true);
            }
            else if (options.PreferHeaderDataOffsets)
            {
                warnings.Add(new FcsWarning("data-offset-discrepancy", baseOffset + 26, fault + "; HEADER offsets used (PreferHeaderDataOffsets)") { Segment = FcsSegment.Header, IsRepair = true });
                (start, end) = (header.DataStart, header.DataEnd);
            }
            else if (!repair)
            {
                throw new FcsOffsetException(FcsSegment.Header, baseOffset + 26, fault + " (PreferHeaderDataOffsets reads the HEADER's instead)", "$BEGINDATA", nameof(FcsReadOptions.PreferTextDataOffsets));
            }
            else
            {
                var headerWhy = Unfit(header.DataStart, header.DataEnd);
                var textWhy = Unfit(tb, te);
                if ((headerWhy is null) == (textWhy is null))
                {
                    var both = headerWhy is null
                        ? "both segments hold exactly $TOT events inside the file and overlap no other segment, so either reading is possible"
                        : $"neither segment holds the events: the HEADER's {headerWhy} and the TEXT's {textWhy}";
                    throw new FcsOffsetException(FcsSegment.Header, baseOffset + 26, $"{fault}; {both}. PreferHeaderDataOffsets reads the HEADER's", "$BEGINDATA", nameof(FcsReadOptions.PreferTextDataOffsets));
                }

                fromText = textWhy is null;
                (start, end) = fromText ? (tb, te) : (header.DataStart, header.DataEnd);
                var chosen = fromText ? "$BEGINDATA/$ENDDATA" : "HEADER";
                var other = fromText ? $"the HEADER's {headerWhy}" : $"the TEXT's {textWhy}";
                warnings.Add(new FcsWarning("data-offset-discrepancy", baseOffset + 26, $"{fault}; the {chosen} offsets are used: that segment holds exactly $TOT events and overlaps no other segment, while {other}") { Segment = FcsSegment.Header, IsRepair = true });
            }
        }
        else
        {
            (start, end, fromText) = (tb, te, true);
        }

        return Located(start, end, fromText);

        (long Start, long End) Located(long start, long end, bool fromText)
        {
            var segment = fromText ? FcsSegment.Text : FcsSegment.Header;
            var startAt = fromText ? KeyOffset(keyOffsets, "$BEGINDATA", textStart) : baseOffset + 26;
            var endAt = fromText ? KeyOffset(keyOffsets, "$ENDDATA", textStart) : baseOffset + 34;
            var keyword = fromText ? "$BEGINDATA" : null;
            var relative = baseOffset > 0 ? $" (relative to the dataset at byte {baseOffset})" : "";
            if (end < start || (start < FcsHeader.Length && !(start == 0 && end == 0)))
            {
                throw new FcsOffsetException(segment, startAt, $"DATA offsets {start}-{end}{relative} do not describe a segment after the HEADER", keyword);
            }

            // Offsets come from the file as any 64-bit number: compare with what is left of it, never add first.
            if (end >= available)
            {
                var fault = $"DATA segment {start}-{end}{relative} ends past the end of the file ({length} bytes)";
                if (end == available && (options.TolerateEndDataOffByOne || repair))
                {
                    // Accuri C6 and Partec files: $ENDDATA counts one byte too many. Whether $TOT events fit is checked next.
                    warnings.Add(new FcsWarning("end-data-past-eof", endAt, fault + "; read up to the last byte of the file") { Segment = segment, IsRepair = true });
                    end--;
                }
                else if (options.TolerateTruncatedData && start < available)
                {
                    warnings.Add(new FcsWarning("data-past-eof", endAt, fault + $"; read up to the last byte of the file (TolerateTruncatedData)") { Segment = segment, IsRepair = true });
                    end = available - 1;
                }
                else
                {
                    var option = end == available ? nameof(FcsReadOptions.TolerateEndDataOffByOne) : start < available ? nameof(FcsReadOptions.TolerateTruncatedData) : null;
                    throw new FcsOffsetException(segment, endAt, end == available || start >= available ? fault : fault + " (a truncated copy?)", fromText ? "$ENDDATA" : null, option);
                }
            }

            return end < start ? (0, -1) : (baseOffset + start, baseOffset + end);
        }
    }

    private static FcsDataLayout BuildLayout(List<FcsChannel> channels, ulong[] masks, FcsDataType dataType, bool littleEndian, int[]? permutation, FcsKeywords keywords, long dataLength, List<FcsWarning> warnings)
    {
        var slots = new ChannelSlot[channels.Count];
        if (channels.Any(c => c.DataType == FcsDataType.Ascii && c.Bits == 0))
        {
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = new ChannelSlot(FcsDataType.Ascii, 0, 0, 0, ulong.MaxValue);
            }

            return new FcsDataLayout { Slots = slots, Packed = false, BitsPerEvent = 0, DelimitedAscii = true, LittleEndian = littleEndian, Permutation = permutation };
        }

        var oddWidths = channels.Any(c => c.DataType == FcsDataType.Integer && c.Bits % 8 != 0);
        long containerBits = channels.Sum(c => c.DataType switch
        {
            FcsDataType.Integer => (long)((c.Bits + 7) / 8) * 8,
            FcsDataType.Ascii => (long)c.Bits * 8,
            _ => c.Bits,
        });
        var packed = false;
        if (oddWidths)
        {
            keywords.TryGetInt64("$TOT", out var tot);
            long packedBits = channels.Sum(c => (long)c.Bits);
            // Odd widths sit either in whole-byte containers (most instruments) or packed bit after bit.
            packed = tot > 0 ? dataLength < tot * containerBits / 8 && dataLength >= ((tot * packedBits) + 7) / 8 : false;
            warnings.Add(new FcsWarning("odd-bit-width", -1, packed
                ? "integer widths not a multiple of 8 are packed bit after bit"
                : "integer widths not a multiple of 8 are stored in whole-byte containers"));
        }

        long offset = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            var c = channels[i];
            var container = c.DataType switch { FcsDataType.Ascii => c.Bits, FcsDataType.Integer => (c.Bits + 7) / 8, _ => c.Bits / 8 };
            slots[i] = new ChannelSlot(c.DataType, c.Bits, container, offset, masks[i]);
            offset += packed ? c.Bits : c.DataType == FcsDataType.Ascii ? c.Bits * 8L : container * 8L;
        }

        return new FcsDataLayout { Slots = slots, Packed = packed, BitsPerEvent = offset, DelimitedAscii = false, LittleEndian = littleEndian, Permutation = permutation };
    }

    private static int ResolveEventCount(FcsKeywords keywords, Dictionary<string, long> keyOffsets, long textStart, int major, FcsDataLayout layout, long dataLength, FcsReadOptions options, List<FcsWarning> warnings)
    {
        if (keywords.TryGetValue("$TOT", out var totText))
        {
            if (!long.TryParse(totText.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var tot) || tot > int.MaxValue)
            {
                throw new FcsTextException(FcsSegment.Text, KeyOffset(keyOffsets, "$TOT", textStart), $"$TOT is '{totText}', not an event count", "$TOT");
            }

            // Validate against the bytes that exist before anything is allocated.
            var need = layout.DelimitedAscii ? tot * layout.Slots.Length : layout.DataBytesFor(tot);
            if (need > dataLength)
            {
                // A truncated copy: the events that are whole can be read, but only when asked (events are lost).
                var present = layout.DelimitedAscii || layout.BitsPerEvent == 0 ? -1 : dataLength * 8 / layout.BitsPerEvent;
                var fault = $"$TOT={tot} events need {need} DATA bytes but the DATA segment has {dataLength}"
                    + (present >= 0 ? $" ({present} whole events): the DATA ends before the last event" : "");
                if (options.TolerateTruncatedData && present >= 0)
                {
                    warnings.Add(new FcsWarning("truncated-data", KeyOffset(keyOffsets, "$TOT", textStart), fault + $"; the {present} whole events are read and {tot - present} are lost (TolerateTruncatedData)") { Segment = FcsSegment.Data, IsRepair = true });
                    return (int)present;
                }

                throw new FcsDataException(FcsSegment.Text, KeyOffset(keyOffsets, "$TOT", textStart), fault, "$TOT", present >= 0 ? nameof(FcsReadOptions.TolerateTruncatedData) : null);
            }

            return (int)tot;
        }

        if (major >= 3)
        {
            throw new FcsTextException(FcsSegment.Text, textStart, "required keyword $TOT is missing", "$TOT");
        }

        if (layout.DelimitedAscii || layout.BitsPerEvent == 0)
        {
            throw new FcsTextException(FcsSegment.Text, textStart, "$TOT is missing and cannot be derived for delimited ASCII DATA", "$TOT");
        }

        var derived = dataLength * 8 / layout.BitsPerEvent;
        warnings.Add(new FcsWarning("derived-tot", textStart, $"$TOT missing (optional in FCS 2.0); {derived} events derived from the DATA length"));
        return (int)Math.Min(derived, int.MaxValue);
    }

    private static void CheckDataLength(FcsDataLayout layout, int tot, long dataStart, long dataLength, FcsReadOptions options, List<FcsWarning> warnings)
    {
        var expected = layout.DataBytesFor(tot);
        var surplus = dataLength - expected;
        if (surplus == 0)
        {
            return;
        }

        var fault = $"DATA segment is {dataLength} bytes but $TOT={tot} events of {layout.BitsPerEvent / 8.0:0.###} bytes are {expected}";
        // $TOT is the count the instrument wrote; bytes after its events (MACSQuant, LSRII, Partec, Accuri and
        // CytoPy write one or more) cannot change which events are read, so they are repaired by default.
        if (surplus == 1)
        {
            if (!options.TolerateEndDataOffByOne && !options.TolerateExtraDataBytes && !options.RepairDefects)
            {
                throw new FcsOffsetException(FcsSegment.Data, dataStart + dataLength - 1, fault + " ($ENDDATA points one byte past the last event)", "$ENDDATA", nameof(FcsReadOptions.TolerateEndDataOffByOne));
            }

            warnings.Add(new FcsWarning("end-data-off-by-one", dataStart + dataLength - 1, fault + $"; $TOT={tot} events are read and the last byte is ignored") { Segment = FcsSegment.Data, IsRepair = true });
            return;
        }

        if (!options.TolerateExtraDataBytes && !options.RepairDefects)
        {
            throw new FcsOffsetException(FcsSegment.Data, dataStart + expected, fault + $" ({surplus} bytes unaccounted for)", "$ENDDATA", nameof(FcsReadOptions.TolerateExtraDataBytes));
        }

        warnings.Add(new FcsWarning("extra-data-bytes", dataStart + expected, fault + $"; $TOT={tot} events are read and the {surplus} surplus bytes ignored") { Segment = FcsSegment.Data, IsRepair = true });
    }

    private static FcsAnalysis? ReadAnalysis(FcsSource source, FcsHeader header, FcsKeywords keywords, long baseOffset, FcsReadOptions options, List<FcsWarning> warnings)
    {
        long start = header.AnalysisStart, end = header.AnalysisEnd;
        if ((start == 0 || end == 0) && keywords.TryGetInt64("$BEGINANALYSIS", out var ab) && keywords.TryGetInt64("$ENDANALYSIS", out var ae))
        {
            (start, end) = (ab, ae);
        }

        if (start <= 0 || end < start)
        {
            return null;
        }

        if (end >= source.Length - baseOffset || start < FcsHeader.Length)
        {
            warnings.Add(new FcsWarning("bad-analysis", baseOffset + 42, $"ANALYSIS segment {start}-{end} lies outside the file; ignored"));
            return null;
        }

        var bytes = ReadSegment(source, baseOffset + start, end - start + 1);
        FcsKeywords? analysisKeywords = null;
        var first = bytes[0];
        if (bytes.Length > 2 && !char.IsAsciiLetterOrDigit((char)first) && first != (byte)' ')
        {
            analysisKeywords = new FcsKeywords();
            ParseText(bytes, baseOffset + start, FcsSegment.Analysis, options.DoubledDelimiter != FcsDoubledDelimiter.EmptyValue && (header.Version[3] >= '3' || options.DoubledDelimiter == FcsDoubledDelimiter.Escape), options, analysisKeywords, new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase), []);
        }

        return new FcsAnalysis(baseOffset + start, bytes, analysisKeywords);
    }

    private static void DecodeData(FcsSource source, FcsDataLayout layout, long dataStart, long dataLength, int tot, float[][] cols, double[][]? raw, IFcsDataObserver? observer)
    {
        if (tot == 0)
        {
            return;
        }

        if (layout.DelimitedAscii)
        {
            var all = ReadAll(source, dataStart, dataLength);
            FcsDataDecoder.DecodeDelimitedAscii(all.Span, dataStart, cols.Length, tot, cols);
            if (raw is not null)
            {
                FcsDataDecoder.DecodeDelimitedAscii(all.Span, dataStart, cols.Length, tot, raw);
            }

            return;
        }

        var needed = layout.DataBytesFor(tot);
        var align = layout.EventAlignment;
        var bytesPerEventCeil = Math.Max(1, (layout.BitsPerEvent + 7) / 8);
        // Chunks of whole events that fit one 1 MiB pool bucket (and no larger than the DATA itself); observed
        // chunks are smaller, so what the observer reads back is still cached, and start on whole vectors.
        var chunkEvents = observer is null
            ? (int)Math.Min(tot, Math.Max(align, (ChunkBytes - 64) / bytesPerEventCeil / align * align))
            : ObservedChunkEvents(layout, tot);
        var chunks = (tot + chunkEvents - 1) / chunkEvents;
        var hasMemory = source.TryGetMemory(dataStart, needed, out var memory);

        // Large DATA is decoded by every core, chunk by chunk: each chunk fills its own rows, so the result
        // does not depend on the thread count; page faults on the fresh matrix are shared out too. Observed
        // chunks are decoded in order on this thread (an observer keeps per-chunk scratch; its callers run
        // files in parallel instead).
        var workers = observer is null && needed >= ParallelDecodeBytes && (hasMemory || source.SupportsConcurrentReads) ? Math.Min(Environment.ProcessorCount, chunks) : 1;
        if (workers > 1)
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers },
                () => hasMemory ? [] : ArrayPool<byte>.Shared.Rent((int)layout.DataBytesFor(chunkEvents) + 16),
                (chunk, _, buffer) =>
                {
                    DecodeChunk(source, memory, hasMemory, buffer, layout, dataStart, chunk * chunkEvents, Math.Min(chunkEvents, tot - (chunk * chunkEvents)), cols, raw, observer);
                    return buffer;
                },
                buffer =>
                {
                    if (buffer.Length > 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                });
            return;
        }

        if (hasMemory && observer is null)
        {
            DecodeAt(memory.Span, dataStart, layout, tot, cols, 0);
            if (raw is not null)
            {
                DecodeAt(memory.Span, dataStart, layout, tot, raw, 0);
            }

            return;
        }

        // Stream the DATA through one pooled buffer so peak memory stays near the event matrix.
        var pooled = ArrayPool<byte>.Shared.Rent((int)layout.DataBytesFor(chunkEvents) + 16);
        try
        {
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                DecodeChunk(source, memory, hasMemory, pooled, layout, dataStart, chunk * chunkEvents, Math.Min(chunkEvents, tot - (chunk * chunkEvents)), cols, raw, observer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>Events per observed chunk: about <see cref="FcsDataChunks.ObservedBytes"/> of DATA, a multiple of
    /// <see cref="FcsDataChunks.ObservedRowMultiple"/> (whole bytes too: packed layouts align within 8 events).</summary>
    private static int ObservedChunkEvents(FcsDataLayout layout, int tot)
    {
        var bytesPerEventCeil = Math.Max(1, (layout.BitsPerEvent + 7) / 8);
        const int multiple = FcsDataChunks.ObservedRowMultiple;
        return (int)Math.Min(tot, Math.Max(multiple, FcsDataChunks.ObservedBytes / bytesPerEventCeil / multiple * multiple));
    }

    private static void DecodeChunk(FcsSource source, ReadOnlyMemory<byte> memory, bool hasMemory, byte[] buffer, FcsDataLayout layout, long dataStart, int row, int n, float[][] cols, double[][]? raw, IFcsDataObserver? observer)
    {
        var relative = row * layout.BitsPerEvent / 8;
        var bytes = (int)layout.DataBytesFor(n);
        ReadOnlySpan<byte> span;
        if (hasMemory)
        {
            span = memory.Span.Slice((int)relative, bytes);
        }
        else
        {
            source.Read(dataStart + relative, buffer.AsSpan(0, bytes));
            span = buffer.AsSpan(0, bytes);
        }

        DecodeAt(span, dataStart + relative, layout, n, cols, row);
        if (raw is not null)
        {
            DecodeAt(span, dataStart + relative, layout, n, raw, row);
        }

        observer?.Decoded(row, n);
    }

    /// <summary>Decodes a span that starts at byte <paramref name="absOffset"/> of the file. The decoders locate
    /// a bad fixed-width ASCII value relative to their span; the error is re-raised at its place in the file.</summary>
    private static void DecodeAt<T>(ReadOnlySpan<byte> data, long absOffset, FcsDataLayout layout, int events, T[][] columns, int firstRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            FcsDataDecoder.Decode(data, layout, events, columns, firstRow);
        }
        catch (FcsDataException e) when (e.Segment == FcsSegment.Data)
        {
            throw new FcsDataException(absOffset + e.Offset, e.Fault, e.Keyword, e.LenienceOption);
        }
    }

    private static ReadOnlyMemory<byte> ReadAll(FcsSource source, long start, long length)
    {
        if (source.TryGetMemory(start, length, out var m))
        {
            return m;
        }

        var bytes = new byte[length];
        source.Read(start, bytes);
        return bytes;
    }
}
