using System.Globalization;
using System.Text;
using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using SharpFuzz;

namespace HiAim.Cytometry.Fuzz;

/// <summary>
/// SharpFuzz harness for afl-fuzz (see README.md and tools/fuzz.sh). Each target reads one input and lets
/// through only the library's documented exceptions; anything else escapes and afl-fuzz records a crash.
/// <list type="bullet">
/// <item><c>fcs</c>: <see cref="FcsFile.Read(ReadOnlyMemory{byte}, FcsReadOptions?)"/> with default, strict and lenient
/// options (then channel values and the spillover to apply), dataset 1 and
/// <see cref="FcsFile.ListDatasets(ReadOnlyMemory{byte}, FcsReadOptions?)"/>.</item>
/// <item><c>gatingml</c>: <see cref="GatingML.Read"/>; what loads is written back and must load again.</item>
/// </list>
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "seeds")
        {
            WriteFcsSeeds(args[1]);
            return 0;
        }

        if (args.Length >= 1 && Target(args[0]) is { } target)
        {
            if (args.Length == 1)
            {
                // Under afl-fuzz: SharpFuzz's persistent fork server (one process, thousands of inputs a second). An
                // input that kills the process (stack overflow, fail-fast) or runs past afl-fuzz's -t takes the
                // server down and afl-fuzz stops ("Unable to communicate with fork server"; the input is in
                // default/.cur_input). HIAIM_FUZZ_OUT_OF_PROCESS=1 runs the inputs in a child process that is
                // restarted instead, so such inputs are saved as crashes, ten times slower.
                if (Environment.GetEnvironmentVariable("HIAIM_FUZZ_OUT_OF_PROCESS") == "1")
                {
                    Fuzzer.OutOfProcess.Run(target);
                }
                else
                {
                    Fuzzer.Run(target);
                }
                return 0;
            }

            // Replay: run the target on files, outside afl-fuzz, printing what each does (for triage and minimising).
            var failed = 0;
            foreach (var file in args.Skip(1))
            {
                try
                {
                    using var stream = File.OpenRead(file);
                    target(stream);
                    Console.WriteLine($"ok    {file}");
                }
#pragma warning disable CA1031 // Replay reports whatever escapes the target, which is exactly a fuzz finding.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failed++;
                    Console.WriteLine($"CRASH {file}: {e}");
                }
            }

            return failed == 0 ? 0 : 1;
        }

        Console.Error.WriteLine("usage: HiAim.Cytometry.Fuzz fcs|gatingml [replay-files...] | seeds DIR");
        return 2;
    }

    private static Action<Stream>? Target(string name) => name switch
    {
        "fcs" => FuzzFcs,
        "gatingml" => FuzzGatingML,
        _ => null,
    };

    private static readonly FcsReadOptions[] Configs =
    [
        FcsReadOptions.Default,
        FcsReadOptions.Strict,
        FcsReadOptions.Lenient,
    ];

    private static void FuzzFcs(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray().AsMemory();
        foreach (var options in Configs)
        {
            try
            {
                var file = FcsFile.Read(bytes, options);
                _ = file.ToChannelValues();
                _ = file.SpilloverToApply();
            }
            catch (FcsFormatException e)
            {
                CheckLocated(e, bytes.Length);
            }
            catch (CompensationException)
            {
                // Documented: a spillover that cannot be applied (SpilloverProblem, applied at acquisition, singular).
            }
        }

        try
        {
            _ = FcsFile.Read(bytes, FcsReadOptions.Lenient with { Dataset = 1 });
        }
        catch (FcsFormatException e)
        {
            CheckLocated(e, bytes.Length);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "options")
        {
            // Documented: the file has no second dataset.
        }

        try
        {
            _ = FcsFile.ListDatasets(bytes, FcsReadOptions.Lenient);
        }
        catch (FcsFormatException e)
        {
            CheckLocated(e, bytes.Length);
        }
    }

    /// <summary>An FcsFormatException must name a byte inside the file (as FcsFuzzTests.Judge asks).</summary>
    private static void CheckLocated(FcsFormatException e, int length)
    {
        if (e.Offset < 0 || e.Offset > length)
        {
            throw new InvalidOperationException($"FcsFormatException offset {e.Offset} is outside the {length}-byte input.", e);
        }
    }

    private static void FuzzGatingML(Stream stream)
    {
        using var text = new StreamReader(stream, Encoding.UTF8);
        GatingStrategy strategy;
        try
        {
            strategy = GatingML.Read(text);
        }
        catch (GatingMLException)
        {
            return;
        }

        // What loads must write back (Gating-ML transforms only, so no NotSupportedException) and load again.
        var again = GatingML.Parse(GatingML.ToXml(strategy));
        if (again.Gates.Count != strategy.Gates.Count || !again.PopulationIds.SequenceEqual(strategy.PopulationIds))
        {
            throw new InvalidOperationException("Gating-ML round trip changed the strategy's gates.");
        }

        // Apply to a few events on the channels it names: only GatingException (missing channel etc.) is documented.
        var channels = strategy.Gates.SelectMany(g => g.Dimensions).SelectMany(ChannelNames).Distinct(StringComparer.Ordinal).ToList();
        var events = new EventMatrix(4, channels);
        for (var c = 0; c < channels.Count; c++)
        {
            var column = events.Column(c);
            for (var e = 0; e < column.Length; e++)
            {
                column[e] = (e * 37 + c * 11) % 100 - 10;
            }
        }

        try
        {
            _ = strategy.Apply(events);
        }
        catch (GatingException)
        {
        }
        catch (CompensationException)
        {
            // Documented: a spectrum matrix of the strategy that cannot be applied (singular).
        }
    }

    private static IEnumerable<string> ChannelNames(Dimension d) =>
        d.Ratio is { } r ? [r.Numerator, r.Denominator] : [d.Channel!];

    /// <summary>Small FCS files made by FcsWriter, to seed the fcs target beside the corpus (ours, written under artifacts/).</summary>
    private static void WriteFcsSeeds(string directory)
    {
        Directory.CreateDirectory(directory);
        var layouts = new (string Name, FcsWriteOptions Options)[]
        {
            ("f32-le", new FcsWriteOptions { DataType = FcsDataType.Single }),
            ("d-be", new FcsWriteOptions { DataType = FcsDataType.Double, LittleEndian = false }),
            ("i16-be", new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16, LittleEndian = false }),
            ("i-packed", new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = [10, 3, 12], PackOddWidths = true, Version = "3.2" }),
            ("i-mixed", new FcsWriteOptions { DataType = FcsDataType.Integer, ChannelBits = [8, 16, 32] }),
            ("i16-slash", new FcsWriteOptions { DataType = FcsDataType.Integer, IntegerBits = 16, Delimiter = '/' }),
        };
        foreach (var (name, options) in layouts)
        {
            var m = new EventMatrix(6, ["FSC-A", "SSC-A", "CD3"]);
            for (var c = 0; c < 3; c++)
            {
                var column = m.Column(c);
                for (var e = 0; e < column.Length; e++)
                {
                    column[e] = (e * 97 + c * 31) % 900;
                }
            }

            var keywords = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["$SPILLOVER"] = "2,FSC-A,CD3,1,0.1,0.05,1",
            };
            File.WriteAllBytes(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"written-{name}.fcs")), FcsWriter.ToArray(m, keywords, options));
        }
    }
}
