using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Fcs;

/// <summary>
/// Writes FCS 3.1/3.2 files: HEADER, TEXT (every keyword kept, structural ones rewritten) and DATA
/// as float32, float64 or integers of any width. Offsets past 99,999,999 go into TEXT only, with zeros
/// in the HEADER, as the standard requires.
/// </summary>
public static class FcsWriter
{
    // HEADER offset fields hold 8 digits; tests lower this to exercise the large-file path on small files.
    internal static long HeaderOffsetLimit { get; set; } = 99_999_999;

    private static readonly char[] DelimiterCandidates = ['/', '|', '\\', '\f', '!', '~', '^', '\t', '#', '%', '&', '*', ';', '@'];

    private static readonly HashSet<string> FileStructural = new(StringComparer.OrdinalIgnoreCase)
    {
        "$BEGINANALYSIS", "$ENDANALYSIS", "$BEGINDATA", "$ENDDATA", "$BEGINSTEXT", "$ENDSTEXT", "$NEXTDATA",
        "$BYTEORD", "$DATATYPE", "$MODE", "$PAR", "$TOT",
    };

    /// <summary>Writes a dataset read earlier, keeping its keywords; its double-precision raw values are used when present.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="file">The dataset.</param>
    /// <param name="options">Layout; <see langword="null"/> = <see cref="FcsWriteOptions.Default"/>.</param>
    public static void Write(string path, FcsFile file, FcsWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        Write(path, file.Events, file.Keywords, options, file.RawValues);
    }

    /// <summary>Writes events and keywords to a file.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="events">Events; column names become <c>$PnN</c>.</param>
    /// <param name="keywords">Keywords to keep (structural ones such as <c>$BEGINDATA</c>, <c>$PnB</c> are rewritten).</param>
    /// <param name="options">Layout; <see langword="null"/> = <see cref="FcsWriteOptions.Default"/>.</param>
    /// <param name="exactValues">Optional double-precision values per channel, used instead of <paramref name="events"/> for integer and double output.</param>
    public static void Write(string path, EventMatrix events, IEnumerable<KeyValuePair<string, string>>? keywords = null, FcsWriteOptions? options = null, IReadOnlyList<double[]>? exactValues = null)
    {
        Internals.AtomicFile.Write(path, stream => Write(stream, events, keywords, options, exactValues));
    }

    /// <summary>Writes events and keywords to a stream.</summary>
    /// <param name="stream">Destination, written from its current position.</param>
    /// <param name="events">Events; column names become <c>$PnN</c>.</param>
    /// <param name="keywords">Keywords to keep (structural ones are rewritten).</param>
    /// <param name="options">Layout; <see langword="null"/> = <see cref="FcsWriteOptions.Default"/>.</param>
    /// <param name="exactValues">Optional double-precision values per channel.</param>
    /// <exception cref="ArgumentException">Options are inconsistent, or a keyword cannot be represented.</exception>
    public static void Write(Stream stream, EventMatrix events, IEnumerable<KeyValuePair<string, string>>? keywords = null, FcsWriteOptions? options = null, IReadOnlyList<double[]>? exactValues = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        options ??= FcsWriteOptions.Default;
        if (options.Version is not ("3.1" or "3.2"))
        {
            throw new ArgumentException($"Version '{options.Version}' is not writable; use 3.1 or 3.2.", nameof(options));
        }

        var par = events.ChannelCount;
        if (par == 0)
        {
            throw new ArgumentException("An FCS file needs at least one channel.", nameof(events));
        }

        if (exactValues is not null && (exactValues.Count != par || exactValues.Any(c => c.Length != events.EventCount)))
        {
            throw new ArgumentException("exactValues must have one array of EventCount values per channel.", nameof(exactValues));
        }

        var bits = ChannelBits(options, par);
        var layout = Layout(options, bits);
        var dataLength = layout.DataBytesFor(events.EventCount);
        var pairs = BuildKeywords(events, keywords, options, bits);
        var delimiter = options.Delimiter ?? ChooseDelimiter(pairs);
        var text = EncodeText(pairs, delimiter, dataLength, out var dataStart);
        var dataEnd = dataLength == 0 ? 0 : dataStart + dataLength - 1;

        Span<byte> header = stackalloc byte[FcsHeader.Length];
        header.Fill((byte)' ');
        Encoding.ASCII.GetBytes("FCS" + options.Version, header);
        WriteField(header, 10, FcsHeader.Length);
        WriteField(header, 18, FcsHeader.Length + text.Length - 1);
        var fits = dataEnd <= HeaderOffsetLimit;
        WriteField(header, 26, fits && dataLength > 0 ? dataStart : 0);
        WriteField(header, 34, fits ? dataEnd : 0);
        WriteField(header, 42, 0);
        WriteField(header, 50, 0);
        stream.Write(header);
        stream.Write(text);
        WriteData(stream, events, exactValues, layout);
    }

    /// <summary>Writes to a new byte array.</summary>
    /// <param name="events">Events.</param>
    /// <param name="keywords">Keywords to keep.</param>
    /// <param name="options">Layout.</param>
    /// <param name="exactValues">Optional double-precision values per channel.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] ToArray(EventMatrix events, IEnumerable<KeyValuePair<string, string>>? keywords = null, FcsWriteOptions? options = null, IReadOnlyList<double[]>? exactValues = null)
    {
        using var ms = new MemoryStream();
        Write(ms, events, keywords, options, exactValues);
        return ms.ToArray();
    }

    private static int[] ChannelBits(FcsWriteOptions options, int par)
    {
        if (options.DataType == FcsDataType.Single)
        {
            return [.. Enumerable.Repeat(32, par)];
        }

        if (options.DataType == FcsDataType.Double)
        {
            return [.. Enumerable.Repeat(64, par)];
        }

        if (options.DataType != FcsDataType.Integer)
        {
            throw new ArgumentException("Only integer, float32 and float64 DATA can be written.", nameof(options));
        }

        var bits = options.ChannelBits?.ToArray() ?? [.. Enumerable.Repeat(options.IntegerBits, par)];
        if (bits.Length != par || bits.Any(b => b is < 1 or > 64))
        {
            throw new ArgumentException($"Integer widths must be 1..64 bits, one per channel ({par}).", nameof(options));
        }

        return bits;
    }

    private static FcsDataLayout Layout(FcsWriteOptions options, int[] bits)
    {
        var packed = options.DataType == FcsDataType.Integer && options.PackOddWidths && bits.Any(b => b % 8 != 0);
        var slots = new ChannelSlot[bits.Length];
        long offset = 0;
        for (var i = 0; i < bits.Length; i++)
        {
            var container = (bits[i] + 7) / 8;
            slots[i] = new ChannelSlot(options.DataType, bits[i], container, offset, bits[i] >= 64 ? ulong.MaxValue : (1UL << bits[i]) - 1);
            offset += packed ? bits[i] : container * 8L;
        }

        return new FcsDataLayout { Slots = slots, Packed = packed, BitsPerEvent = offset, DelimitedAscii = false, LittleEndian = options.LittleEndian, Permutation = null };
    }

    private static List<KeyValuePair<string, string>> BuildKeywords(EventMatrix events, IEnumerable<KeyValuePair<string, string>>? keywords, FcsWriteOptions options, int[] bits)
    {
        var inv = CultureInfo.InvariantCulture;
        var par = events.ChannelCount;
        var list = new List<KeyValuePair<string, string>>
        {
            new("$BEGINANALYSIS", "0"),
            new("$ENDANALYSIS", "0"),
            new("$BEGINSTEXT", "0"),
            new("$ENDSTEXT", "0"),
            new("$BYTEORD", options.LittleEndian ? "1,2,3,4" : "4,3,2,1"),
            new("$DATATYPE", options.DataType switch { FcsDataType.Single => "F", FcsDataType.Double => "D", _ => "I" }),
            new("$NEXTDATA", "0"),
            new("$PAR", par.ToString(inv)),
            new("$TOT", events.EventCount.ToString(inv)),
        };
        if (options.Version == "3.1")
        {
            list.Add(new("$MODE", "L"));
        }

        var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var (k, v) in keywords ?? [])
        {
            var key = k.Trim();
            if (!given.ContainsKey(key))
            {
                order.Add(key);
            }

            given[key] = v;
        }

        for (var n = 1; n <= par; n++)
        {
            var b = string.Create(inv, $"$P{n}B");
            var e = string.Create(inv, $"$P{n}E");
            var r = string.Create(inv, $"$P{n}R");
            var name = string.Create(inv, $"$P{n}N");
            list.Add(new(name, events.ChannelNames[n - 1]));
            list.Add(new(b, bits[n - 1].ToString(inv)));
            list.Add(new(e, options.DataType == FcsDataType.Integer && given.TryGetValue(e, out var amp) ? amp : "0,0"));
            list.Add(new(r, given.TryGetValue(r, out var range) ? range : DefaultRange(events, n - 1, bits[n - 1], options.DataType)));
        }

        foreach (var key in order)
        {
            if (!IsStructural(key, par))
            {
                list.Add(new(key, given[key]));
            }
        }

        return list;
    }

    private static bool IsStructural(string key, int par)
    {
        if (FileStructural.Contains(key))
        {
            return true;
        }

        // $PnB/$PnE/$PnR/$PnN/$PnDATATYPE of this file's channels are rewritten; other channels' never existed.
        if (key.Length > 3 && key[0] == '$' && (key[1] is 'P' or 'p') && char.IsAsciiDigit(key[2]))
        {
            var i = 2;
            while (i < key.Length && char.IsAsciiDigit(key[i]))
            {
                i++;
            }

            var suffix = key[i..].ToUpperInvariant();
            if (suffix is "B" or "E" or "R" or "N" or "DATATYPE")
            {
                return int.TryParse(key.AsSpan(2, i - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= par;
            }
        }

        return false;
    }

    private static string DefaultRange(EventMatrix events, int channel, int bits, FcsDataType type)
    {
        if (type == FcsDataType.Integer)
        {
            return bits >= 63 ? "9223372036854775807" : (1L << bits).ToString(CultureInfo.InvariantCulture);
        }

        var max = 0f;
        foreach (var v in events.Column(channel))
        {
            if (float.IsFinite(v) && v > max)
            {
                max = v;
            }
        }

        return Math.Max(1, Math.Ceiling((double)max)).ToString("R", CultureInfo.InvariantCulture);
    }

    private static char ChooseDelimiter(List<KeyValuePair<string, string>> pairs)
    {
        foreach (var d in DelimiterCandidates)
        {
            if (!pairs.Any(p => p.Key.Contains(d, StringComparison.Ordinal) || p.Value.Contains(d, StringComparison.Ordinal)))
            {
                return d;
            }
        }

        return '/';
    }

    private static byte[] EncodeText(List<KeyValuePair<string, string>> pairs, char delimiter, long dataLength, out long dataStart)
    {
        var d = delimiter.ToString();
        var dd = d + d;
        var body = new StringBuilder();
        foreach (var (k, v) in pairs)
        {
            if (k.Length == 0 || k.StartsWith(delimiter))
            {
                throw new ArgumentException($"Keyword '{k}' is empty or starts with the delimiter '{delimiter}'; FCS cannot represent it.");
            }

            // FCS 3.x values are never empty and never start with the delimiter (a doubled delimiter there would be ambiguous).
            var value = v.Length == 0 ? " " : v;
            if (value.StartsWith(delimiter))
            {
                throw new ArgumentException($"Value of '{k}' starts with the delimiter '{delimiter}'; choose another FcsWriteOptions.Delimiter.");
            }

            body.Append(k.Replace(d, dd, StringComparison.Ordinal)).Append(delimiter).Append(value.Replace(d, dd, StringComparison.Ordinal)).Append(delimiter);
        }

        var fixedPart = Encoding.UTF8.GetBytes(body.ToString());
        // $BEGINDATA/$ENDDATA depend on the TEXT length, which depends on their digits: iterate to a fixed point.
        long start = 0, end = 0;
        byte[] text = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var offsets = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{d}$BEGINDATA{d}{start}{d}$ENDDATA{d}{end}{d}"));
            text = [.. offsets, .. fixedPart];
            var newStart = dataLength == 0 ? 0 : FcsHeader.Length + text.Length;
            var newEnd = dataLength == 0 ? 0 : newStart + dataLength - 1;
            if (newStart == start && newEnd == end)
            {
                break;
            }

            (start, end) = (newStart, newEnd);
        }

        dataStart = start;
        return text;
    }

    private static void WriteField(Span<byte> header, int at, long value)
    {
        var s = value.ToString(CultureInfo.InvariantCulture).PadLeft(8);
        Encoding.ASCII.GetBytes(s, header.Slice(at, 8));
    }

    private static void WriteData(Stream stream, EventMatrix events, IReadOnlyList<double[]>? exact, FcsDataLayout layout)
    {
        var tot = events.EventCount;
        if (tot == 0)
        {
            return;
        }

        var align = layout.EventAlignment;
        var chunkEvents = (int)Math.Max(align, (1 << 20) / Math.Max(1, layout.BytesPerEvent + 1) / align * align);
        var buffer = ArrayPool<byte>.Shared.Rent((int)layout.DataBytesFor(chunkEvents) + 16);
        try
        {
            for (var row = 0; row < tot; row += chunkEvents)
            {
                var n = Math.Min(chunkEvents, tot - row);
                var span = buffer.AsSpan(0, (int)layout.DataBytesFor(n));
                span.Clear();
                Encode(span, events, exact, layout, row, n);
                stream.Write(span);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Encode(Span<byte> data, EventMatrix events, IReadOnlyList<double[]>? exact, FcsDataLayout layout, int firstRow, int count)
    {
        var slots = layout.Slots;
        var le = layout.LittleEndian;
        for (var c = 0; c < slots.Length; c++)
        {
            var slot = slots[c];
            var col = events.Column(c);
            var ex = exact?[c];
            for (var e = 0; e < count; e++)
            {
                var row = firstRow + e;
                var bit = (e * layout.BitsPerEvent) + slot.BitOffset;
                switch (slot.Type)
                {
                    case FcsDataType.Single:
                    {
                        var bitsValue = BitConverter.SingleToUInt32Bits(ex is null ? col[row] : (float)ex[row]);
                        var dst = data.Slice((int)(bit / 8), 4);
                        if (le) { BinaryPrimitives.WriteUInt32LittleEndian(dst, bitsValue); } else { BinaryPrimitives.WriteUInt32BigEndian(dst, bitsValue); }
                        break;
                    }

                    case FcsDataType.Double:
                    {
                        var bitsValue = BitConverter.DoubleToUInt64Bits(ex is null ? col[row] : ex[row]);
                        var dst = data.Slice((int)(bit / 8), 8);
                        if (le) { BinaryPrimitives.WriteUInt64LittleEndian(dst, bitsValue); } else { BinaryPrimitives.WriteUInt64BigEndian(dst, bitsValue); }
                        break;
                    }

                    default:
                    {
                        var v = ex is null ? col[row] : ex[row];
                        var u = v <= 0 || double.IsNaN(v) ? 0UL : v >= 18446744073709551615.0 ? ulong.MaxValue : (ulong)v;
                        u &= slot.Mask;
                        if (layout.Packed)
                        {
                            PutBits(data, bit, slot.Bits, u, le);
                        }
                        else
                        {
                            PutBytes(data.Slice((int)(bit / 8), slot.ContainerBytes), u, le);
                        }

                        break;
                    }
                }
            }
        }
    }

    private static void PutBytes(Span<byte> dst, ulong value, bool littleEndian)
    {
        for (var i = 0; i < dst.Length; i++)
        {
            var b = (byte)(value >> (8 * i));
            dst[littleEndian ? i : dst.Length - 1 - i] = b;
        }
    }

    // Mirror of FcsDataDecoder.DecodePacked: little-endian fills bytes from the least significant bit, big-endian from the most.
    private static void PutBits(Span<byte> data, long bit, int width, ulong value, bool littleEndian)
    {
        for (var i = 0; i < width; i++)
        {
            var src = littleEndian ? (value >> i) & 1 : (value >> (width - 1 - i)) & 1;
            if (src == 0)
            {
                continue;
            }

            var at = bit + i;
            var shift = littleEndian ? (int)(at & 7) : 7 - (int)(at & 7);
            data[(int)(at >> 3)] |= (byte)(1 << shift);
        }
    }
}
