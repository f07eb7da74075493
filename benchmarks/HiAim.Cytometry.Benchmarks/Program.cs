using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using HiAim.Cytometry.Benchmarks;
using HiAim.Cytometry.Fcs;

if (args.Length > 0 && args[0] == "--peak-memory")
{
    // Parent: write the (a) file, then read it in a fresh process so the peak belongs to the read alone.
    var path = SyntheticFiles.TempPath(DataFormat.Float32LE);
    SyntheticFiles.Write(path, DataFormat.Float32LE);
    try
    {
        using var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["--peak-memory-child", path]) { UseShellExecute = false })!;
        child.WaitForExit();
        return child.ExitCode;
    }
    finally
    {
        File.Delete(path);
    }
}

if (args.Length > 1 && args[0] == "--peak-memory-child")
{
    var path = args[1];
    var inv = CultureInfo.InvariantCulture;

    // Warm the reader (JIT, type loading) on a tiny file so the measured read is the DATA path.
    var small = Path.Combine(Path.GetTempPath(), $"hiaim-peak-warm-{Environment.ProcessId}.fcs");
    SyntheticFiles.Write(small, DataFormat.Float32LE, 1000);
    FcsFile.Read(small);
    File.Delete(small);
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();

    using var self = Process.GetCurrentProcess();
    self.Refresh();
    var before = self.WorkingSet64;
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var file = FcsFile.Read(path);
    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    self.Refresh();
    var peak = self.PeakWorkingSet64;
    var matrix = (long)file.EventCount * file.Channels.Count * sizeof(float);
    Console.WriteLine(string.Create(inv, $"events x channels      : {file.EventCount} x {file.Channels.Count}"));
    Console.WriteLine(string.Create(inv, $"event matrix           : {matrix / 1e6:F1} MB"));
    Console.WriteLine(string.Create(inv, $"managed allocated      : {allocated / 1e6:F1} MB  ({(double)allocated / matrix:F3} x matrix)"));
    Console.WriteLine(string.Create(inv, $"working set before read: {before / 1e6:F1} MB"));
    Console.WriteLine(string.Create(inv, $"peak working set       : {peak / 1e6:F1} MB  (process total, runtime included)"));
    Console.WriteLine(string.Create(inv, $"peak - before          : {(peak - before) / 1e6:F1} MB  ({(double)(peak - before) / matrix:F3} x matrix)"));
    GC.KeepAlive(file);
    return 0;
}

if (args.Length > 0 && args[0] == "--transforms")
{
    TransformTimings.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000_000);
    return 0;
}

if (args.Length > 0 && args[0] == "--kernels")
{
    KernelTimings.Run();
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ReadBenchmarks).Assembly).Run(args);
return 0;
