using System.Globalization;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>The three files of the read-throughput targets: 1,000,000 events x 20 channels.</summary>
public enum DataFormat
{
    /// <summary>(a) float32, little-endian.</summary>
    Float32LE,

    /// <summary>(b) 16-bit integers, big-endian, half the channels masked by $PnR=4096.</summary>
    Int16BE,

    /// <summary>(c) 20-bit integers packed bit after bit.</summary>
    Packed20,
}

public static class SyntheticFiles
{
    public const int Events = 1_000_000;
    public const int Channels = 20;

    /// <summary>Writes the file for <paramref name="format"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, DataFormat format, int events = Events)
    {
        var names = Enumerable.Range(1, Channels).Select(c => string.Create(CultureInfo.InvariantCulture, $"CH{c}")).ToArray();
        var matrix = new EventMatrix(events, names);
        var rng = new Random(42);
        var max = format switch { DataFormat.Int16BE => 65535, DataFormat.Packed20 => (1 << 20) - 1, _ => 0 };
        for (var c = 0; c < Channels; c++)
        {
            var col = matrix.Column(c);
            for (var e = 0; e < col.Length; e++)
            {
                col[e] = format == DataFormat.Float32LE ? (float)((rng.NextDouble() * 2e5) - 1e3) : rng.Next(max + 1);
            }
        }

        var options = format switch
        {
            DataFormat.Float32LE => new FcsWriteOptions { DataType = FcsDataType.Single, LittleEndian = true },
            DataFormat.Int16BE => new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16, LittleEndian = false },
            _ => new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 20, PackOddWidths = true, LittleEndian = true },
        };
        var keywords = new List<KeyValuePair<string, string>>();
        if (format == DataFormat.Int16BE)
        {
            for (var c = 1; c <= Channels; c++)
            {
                keywords.Add(new(string.Create(CultureInfo.InvariantCulture, $"$P{c}R"), c % 2 == 0 ? "4096" : "65536"));
            }
        }

        FcsWriter.Write(path, matrix, keywords, options);
    }

    public static string TempPath(DataFormat format) => Path.Combine(Path.GetTempPath(), $"hiaim-bench-{format}-{Events}x{Channels}.fcs");
}
