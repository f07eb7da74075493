using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Tests;

/// <summary>write → read returns what was written: every layout, every keyword, large offsets.</summary>
public sealed class FcsRoundTripTests
{
    private static readonly FcsReadOptions Exact = new() { DoublePrecision = true };

    private static EventMatrix RandomMatrix(Random rng, int par, int tot, Func<Random, int, float> value)
    {
        var m = new EventMatrix(tot, [.. Enumerable.Range(1, par).Select(i => $"Ch{i}-A")]);
        for (var c = 0; c < par; c++)
        {
            var col = m.Column(c);
            for (var e = 0; e < tot; e++)
            {
                col[e] = value(rng, c);
            }
        }

        return m;
    }

    private static float AnyFloat(Random rng) => rng.Next(12) switch
    {
        0 => float.NaN,
        1 => float.PositiveInfinity,
        2 => float.NegativeInfinity,
        3 => -0f,
        4 => float.Epsilon * rng.Next(1, 100), // denormal
        5 => float.MaxValue,
        6 => BitConverter.Int32BitsToSingle(rng.Next()), // any bit pattern, NaN payloads included
        _ => (float)((rng.NextDouble() - 0.2) * Math.Pow(10, rng.Next(-3, 7))),
    };

    [Property(MaxTest = 300)]
    public void Float32_and_float64_round_trip_bit_for_bit(int seed, bool littleEndian, bool asDouble, bool v32)
    {
        var rng = new Random(seed);
        var par = rng.Next(1, 9);
        var tot = rng.Next(0, 300);
        var m = RandomMatrix(rng, par, tot, (r, _) => AnyFloat(r));
        var options = new FcsWriteOptions { DataType = asDouble ? FcsDataType.Double : FcsDataType.Single, LittleEndian = littleEndian, Version = v32 ? "3.2" : "3.1" };
        var bytes = FcsWriter.ToArray(m, null, options);
        var back = FcsFile.Read(bytes.AsMemory());
        Assert.Equal(tot, back.EventCount);
        Assert.Equal(m.ChannelNames, back.Events.ChannelNames);
        for (var c = 0; c < par; c++)
        {
            var a = m.Column(c);
            var b = back.Events.Column(c);
            for (var e = 0; e < tot; e++)
            {
                // float → double → float keeps every bit except NaN payload quieting; compare NaN as NaN there.
                if (asDouble && float.IsNaN(a[e]))
                {
                    Assert.True(float.IsNaN(b[e]));
                }
                else
                {
                    Assert.Equal(BitConverter.SingleToUInt32Bits(a[e]), BitConverter.SingleToUInt32Bits(b[e]));
                }
            }
        }
    }

    [Property(MaxTest = 400)]
    public void Integers_of_every_width_round_trip_exactly(int seed, bool littleEndian, bool packed)
    {
        var rng = new Random(seed);
        var par = rng.Next(1, 7);
        var tot = rng.Next(0, 200);
        var bits = Enumerable.Range(0, par).Select(_ => rng.Next(1, 65)).ToArray();
        var exact = new double[par][];
        for (var c = 0; c < par; c++)
        {
            // Doubles hold integers exactly up to 2^53: wider channels use values below that.
            var usable = Math.Min(bits[c], 53);
            exact[c] = [.. Enumerable.Range(0, tot).Select(_ => (double)(rng.NextInt64() & (long)((1UL << usable) - 1)))];
        }

        var m = new EventMatrix([.. Enumerable.Range(1, par).Select(i => $"P{i}")], [.. exact.Select(col => col.Select(v => (float)v).ToArray())]);
        var options = new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = bits, LittleEndian = littleEndian, PackOddWidths = packed };
        var bytes = FcsWriter.ToArray(m, null, options, exact);
        var back = FcsFile.Read(bytes.AsMemory(), Exact);
        Assert.Equal(tot, back.EventCount);
        for (var c = 0; c < par; c++)
        {
            Assert.Equal(bits[c], back.Channels[c].Bits);
            Assert.Equal(exact[c], back.RawValues![c]);
            Assert.Equal(m.Column(c).ToArray(), back.Events.Column(c).ToArray());
        }
    }

    private static readonly char[] Alphabet = "abcXYZ019 -_.,:;#@&$/|\\!~^%*()[]{}=+'\"éµ™\t".ToCharArray();

    private static string RandomText(Random rng, int min, int max) =>
        new([.. Enumerable.Range(0, rng.Next(min, max)).Select(_ => Alphabet[rng.Next(Alphabet.Length)])]);

    [Property(MaxTest = 300)]
    public void Keywords_with_delimiters_inside_round_trip(int seed, bool forceSlash)
    {
        var rng = new Random(seed);
        var keywords = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < rng.Next(0, 25); i++)
        {
            var key = "K" + RandomText(rng, 0, 12).Trim();
            var value = "v" + RandomText(rng, 0, 40); // values are non-empty and may not start with the delimiter
            if (key.StartsWith("$P", StringComparison.OrdinalIgnoreCase) || !seen.Add(key))
            {
                continue;
            }

            keywords.Add(new(key, value));
        }

        var m = new EventMatrix(3, ["A", "B/C|D"]);
        var options = new FcsWriteOptions { Delimiter = forceSlash ? '/' : null };
        var back = FcsFile.Read(FcsWriter.ToArray(m, keywords, options).AsMemory());
        foreach (var (k, v) in keywords)
        {
            Assert.True(back.Keywords.TryGetValue(k, out var got), $"keyword '{k}' lost");
            Assert.Equal(v, got);
        }

        Assert.Equal("B/C|D", back.Channels[1].Name);
        Assert.Empty(back.Warnings);
    }

    [Fact]
    public void Value_starting_with_the_forced_delimiter_is_refused_not_corrupted()
    {
        var m = new EventMatrix(1, ["A"]);
        var e = Assert.Throws<ArgumentException>(() => FcsWriter.ToArray(m, [new("NOTE", "/starts")], new FcsWriteOptions { Delimiter = '/' }));
        Assert.Contains("starts with the delimiter", e.Message, StringComparison.Ordinal);

        // With the delimiter left to the writer, it picks one the value does not contain.
        var back = FcsFile.Read(FcsWriter.ToArray(m, [new("NOTE", "/starts")]).AsMemory());
        Assert.Equal("/starts", back.Keywords["NOTE"]);
    }

    public static TheoryData<string> CorpusFiles()
    {
        var rows = SharedData.Manifest().Where(r => r["notes"].Contains("expected values:", StringComparison.Ordinal)).Select(r => r["path"]).ToList();
        return rows.Count == 0 ? new TheoryData<string>("(../shared missing)") : new TheoryData<string>(rows);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_read_write_read_keeps_keywords_and_data(string path)
    {
        if (path.StartsWith('('))
        {
            SharedData.RequirePath();
        }

        var original = FcsFile.Read(SharedData.Fcs(path), FcsReadOptions.Lenient);
        using var ms = new MemoryStream();
        FcsWriter.Write(ms, original.Events, original.Keywords);
        var copy = FcsFile.Read(ms.ToArray().AsMemory());

        Assert.Equal(original.EventCount, copy.EventCount);
        for (var c = 0; c < original.Channels.Count; c++)
        {
            Assert.True(original.Events.Column(c).SequenceEqual(copy.Events.Column(c)) || BitsEqual(original.Events.Column(c), copy.Events.Column(c)), $"channel {c} data differs");
        }

        Assert.Equal(original.Channels.Count, copy.Channels.Count);

        // Every keyword survives verbatim, except the structural ones the writer owns ($TOT/$PAR are rewritten without padding) and empty values (FCS 3.x has none: written as one space).
        foreach (var (k, v) in original.Keywords)
        {
            if (IsWriterOwned(k))
            {
                continue;
            }

            Assert.True(copy.Keywords.TryGetValue(k, out var got), $"keyword '{k}' lost");
            Assert.Equal(v.Length == 0 ? " " : v, got);
        }

        Assert.Equal(original.Spillover?.Detectors, copy.Spillover?.Detectors);
    }

    private static bool BitsEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(a[i]) != BitConverter.SingleToUInt32Bits(b[i]))
            {
                return false;
            }
        }

        return a.Length == b.Length;
    }

    private static bool IsWriterOwned(string key)
    {
        var k = key.ToUpperInvariant();
        if (k is "$BEGINANALYSIS" or "$ENDANALYSIS" or "$BEGINDATA" or "$ENDDATA" or "$BEGINSTEXT" or "$ENDSTEXT" or "$NEXTDATA" or "$BYTEORD" or "$DATATYPE" or "$MODE" or "$TOT" or "$PAR")
        {
            return true;
        }

        // $PnB/$PnE describe the old storage; $PnR is kept.
        return System.Text.RegularExpressions.Regex.IsMatch(k, @"^\$P\d+(B|E|DATATYPE)$");
    }

    [Fact]
    public void Offsets_past_99999999_go_to_text_with_zeros_in_the_header()
    {
        // 2 float channels × 12.6 M events = 100.8 MB of DATA: the real large-file path, no knob.
        const int tot = 12_600_000;
        var m = new EventMatrix(tot, ["FSC-A", "SSC-A"]);
        for (var e = 0; e < tot; e += 1000)
        {
            m[e, 0] = e;
            m[e, 1] = -e;
        }

        m[tot - 1, 0] = 42.5f;
        var path = Path.Combine(Path.GetTempPath(), $"hiaim-large-{Environment.ProcessId}.fcs");
        try
        {
            FcsWriter.Write(path, m);
            var header = new byte[58];
            using (var f = File.OpenRead(path))
            {
                f.ReadExactly(header);
            }

            var parsed = FcsHeader.Parse(header);
            Assert.Equal(0, parsed.DataStart);
            Assert.Equal(0, parsed.DataEnd);
            var back = FcsFile.Read(path);
            Assert.True(back.Keywords.TryGetInt64("$ENDDATA", out var end) && end > 99_999_999);
            Assert.Equal(new FileInfo(path).Length - 1, end);
            Assert.Equal(tot, back.EventCount);
            Assert.Equal(42.5f, back.Events[tot - 1, 0]);
            Assert.Equal(-12_000f, back.Events[12_000, 1]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public sealed class FcsParallelDecodeTests
{
    [Theory]
    [InlineData(FcsDataType.Single, 32, false)]
    [InlineData(FcsDataType.Integer, 16, false)]
    [InlineData(FcsDataType.Integer, 20, true)]
    public void Large_data_decoded_on_all_cores_equals_the_sequential_stream_decode(FcsDataType type, int bits, bool packed)
    {
        // ≥ 8 MiB of DATA: path and memory reads decode chunks in parallel, a seekable stream decodes sequentially.
        const int tot = 1_000_003;
        var rng = new Random(11);
        var m = new HiAim.Cytometry.Events.EventMatrix(tot, ["A", "B", "C", "D", "E"]);
        for (var c = 0; c < 5; c++)
        {
            var col = m.Column(c);
            for (var e = 0; e < tot; e++)
            {
                col[e] = type == FcsDataType.Single ? (float)(rng.NextDouble() * 1e5 - 100) : rng.Next(1 << bits);
            }
        }

        var bytes = FcsWriter.ToArray(m, null, new FcsWriteOptions { DataType = type, IntegerBits = bits, PackOddWidths = packed, LittleEndian = false });
        Assert.True(bytes.Length > 8 << 20, "the file must be large enough to take the parallel path");
        var path = Path.Combine(Path.GetTempPath(), $"hiaim-par-{Guid.NewGuid():N}.fcs");
        try
        {
            File.WriteAllBytes(path, bytes);
            var fromPath = FcsFile.Read(path);
            var fromMemory = FcsFile.Read(bytes.AsMemory());
            using var stream = new MemoryStream(bytes);
            var fromStream = FcsFile.Read(new BufferedStream(stream)); // seekable, not a MemorySource: sequential
            for (var c = 0; c < 5; c++)
            {
                Assert.True(m.Column(c).SequenceEqual(fromStream.Events.Column(c)), $"stream column {c}");
                Assert.True(fromStream.Events.Column(c).SequenceEqual(fromPath.Events.Column(c)), $"path column {c}");
                Assert.True(fromStream.Events.Column(c).SequenceEqual(fromMemory.Events.Column(c)), $"memory column {c}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
