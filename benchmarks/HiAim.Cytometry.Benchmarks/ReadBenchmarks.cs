using BenchmarkDotNet.Attributes;
using HiAim.Cytometry.Fcs;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>Read throughput of a 1,000,000 x 20 file in the page cache, as a ratio to <see cref="Span{T}.CopyTo"/>
/// of the same number of DATA bytes (the baseline).</summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private string _path = "";
    private byte[] _file = [];
    private byte[] _dataCopySource = [];
    private byte[] _dataCopyTarget = [];

    [Params(DataFormat.Float32LE, DataFormat.Int16BE, DataFormat.Packed20)]
    public DataFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = SyntheticFiles.TempPath(Format);
        SyntheticFiles.Write(_path, Format);
        _file = File.ReadAllBytes(_path);
        var dataLength = FcsFile.Read(_path, new FcsReadOptions { SkipData = true }).DataLength;
        _dataCopySource = new byte[dataLength];
        _dataCopyTarget = new byte[dataLength];
        Random.Shared.NextBytes(_dataCopySource);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>Copying the DATA segment's bytes once: the memory-bandwidth floor.</summary>
    [Benchmark(Baseline = true)]
    public void DataCopyTo() => _dataCopySource.AsSpan().CopyTo(_dataCopyTarget);

    /// <summary>The whole read from a path: HEADER, TEXT, DATA streamed through a pooled buffer and decoded.</summary>
    [Benchmark]
    public int ReadPath() => FcsFile.Read(_path).EventCount;

    /// <summary>The same read under <see cref="FcsReadOptions.Strict"/> (no repair checks): what the default policy costs on a clean file.</summary>
    [Benchmark]
    public int ReadPathStrict() => FcsFile.Read(_path, FcsReadOptions.Strict).EventCount;

    /// <summary>Decode only: the file's bytes are already in memory.</summary>
    [Benchmark]
    public int ReadMemory() => FcsFile.Read(_file).EventCount;
}
