using BenchmarkDotNet.Attributes;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>Reading every MANIFEST file of ../shared/data/fcs that reads with <see cref="FcsReadOptions.Lenient"/>.</summary>
[MemoryDiagnoser]
public class CorpusBenchmarks
{
    private string[] _paths = [];

    [GlobalSetup]
    public void Setup()
    {
        var dir = SharedCorpus.FcsDirectory() ?? throw new InvalidOperationException("../shared/data/fcs not found beside the repository (or set HIAIM_SHARED).");
        var lines = File.ReadAllLines(Path.Combine(dir, "MANIFEST.tsv")).Skip(1).Where(l => l.Length > 0);
        var ok = new List<string>();
        foreach (var rel in lines.Select(l => l.Split('\t')[0]))
        {
            var path = Path.Combine(dir, rel);
            try
            {
                FcsFile.Read(path, FcsReadOptions.Lenient);
                ok.Add(path);
            }
#pragma warning disable CA1031 // a file the lenient reader refuses is skipped, as the brief says
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        _paths = [.. ok];
        Console.WriteLine($"// corpus: {_paths.Length} files read with FcsReadOptions.Lenient");
    }

    [Benchmark]
    public long ReadCorpus()
    {
        long events = 0;
        foreach (var p in _paths)
        {
            events += FcsFile.Read(p, FcsReadOptions.Lenient).EventCount;
        }

        return events;
    }
}

internal static class SharedCorpus
{
    public static string? FcsDirectory()
    {
        var env = Environment.GetEnvironmentVariable("HIAIM_SHARED");
        if (env is not null)
        {
            return Path.Combine(env, "data", "fcs");
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "HiAim.Cytometry.sln")))
                {
                    var fcs = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "fcs"));
                    return Directory.Exists(fcs) ? fcs : null;
                }
            }
        }

        return null;
    }
}
