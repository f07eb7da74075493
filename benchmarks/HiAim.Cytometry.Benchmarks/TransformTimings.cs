using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HiAim.Cytometry.Transforms;
using HiAim.Cytometry.Transforms.Kernels;
using ExpLogV256 = HiAim.Cytometry.Transforms.Kernels.ExpLogSimd<HiAim.Cytometry.Kernels.Simd256, System.Runtime.Intrinsics.Vector256<float>, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<double>>;

namespace HiAim.Cytometry.Benchmarks;

/// <summary>
/// <c>--transforms [values]</c>: a Stopwatch table (30 warm-up calls, then the median of 9 rounds; in each
/// round every kernel runs once, interleaved, so load swings hit all of them alike) of the transform
/// forwards on the <see cref="TransformBenchmarks"/> data (default 20 M floats), beside a same-run copy and
/// MathF.Asinh loop, plus the raw exp/log kernels (ours vs Vector256.Exp/Log) over the same count.
/// </summary>
public static class TransformTimings
{
    public static void Run(int values)
    {
        var random = new Random(42);
        var x = new float[values];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = random.NextDouble() < 0.7 ? (float)Math.Pow(262144, random.NextDouble()) : (float)((random.NextDouble() - 0.5) * 600);
        }

        var expArgs = x.Select(v => v * 1e-4f).ToArray(); // |arg| ≤ 26: no over/underflow
        var logArgs = x.Select(Math.Abs).ToArray();
        var y = new float[values];
        var asinh = new Arcsinh(262144, 4.5, 0);
        var logicle = new Logicle(262144, 0.5, 4.5, 0);
        var hyperlog = new Hyperlog(262144, 0.5, 4.5, 0);
        var k = (float)(Math.Sinh(4.5 * Math.Log(10)) / 262144);
        var gain = (float)(1 / (4.5 * Math.Log(10)));

        var scaleValues = new float[values];
        logicle.Apply(x, scaleValues);
        var cases = new (string Name, Action Run)[]
        {
            ("copy (CopyTo)", () => x.AsSpan().CopyTo(y)),
            ("MathF.Asinh loop", () =>
            {
                for (var i = 0; i < x.Length; i++)
                {
                    y[i] = MathF.Asinh(x[i] * k) * gain;
                }
            }),
            ("Arcsinh.Apply", () => asinh.Apply(x, y)),
            ("Logicle.Apply", () => logicle.Apply(x, y)),
            ("Hyperlog.Apply", () => hyperlog.Apply(x, y)),
            ("Logicle.Inverse", () => logicle.Inverse(scaleValues, y)),
            ("Vector256.Exp(float) loop", () => MapExp(expArgs, y)),
            ("ExpLogV256.Exp", () => ExpLogV256.Exp(expArgs, y)),
            ("ExpLogV256.Expm1", () => ExpLogV256.Expm1(expArgs, y)),
            ("Vector256.Log(float) loop", () => MapLog(logArgs, y)),
            ("ExpLogV256.Log", () => ExpLogV256.Log(logArgs, y)),
        };

        for (var w = 0; w < 30; w++)
        {
            foreach (var c in cases)
            {
                c.Run();
            }
        }

        var times = cases.Select(_ => new double[9]).ToArray();
        for (var round = 0; round < 9; round++)
        {
            for (var j = 0; j < cases.Length; j++)
            {
                var sw = Stopwatch.StartNew();
                cases[j].Run();
                times[j][round] = sw.Elapsed.TotalNanoseconds / values;
            }
        }

        foreach (var (name, table) in new[] { ("logicle", logicle.Coefficients.GuessTable), ("hyperlog", hyperlog.Coefficients.GuessTable) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} guess table: S = {table.Start:G6}, {table.MaxIndex + 1} nodes ({(table.MaxIndex + 1) * 16 / 1024.0:F1} KiB)"));
        }

        var median = times.Select(t => t.Order().ElementAt(t.Length / 2)).ToArray();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{values} floats, median of 9 interleaved rounds after 30 warm-ups; load: {File.ReadAllText("/proc/loadavg").Trim()}"));
        Console.WriteLine(string.Create(inv, $"{"kernel",-28} {"ns/value",9} {"x copy",8} {"MathF loop / this",18}"));
        for (var j = 0; j < cases.Length; j++)
        {
            Console.WriteLine(string.Create(inv, $"{cases[j].Name,-28} {median[j],9:F3} {median[j] / median[0],8:F2} {median[1] / median[j],18:F2}"));
        }
    }

    private static void MapExp(float[] source, float[] destination)
    {
        ref var s = ref MemoryMarshal.GetArrayDataReference(source);
        ref var d = ref MemoryMarshal.GetArrayDataReference(destination);
        for (nuint i = 0; i + 8 <= (nuint)source.Length; i += 8)
        {
            Vector256.Exp(Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        }
    }

    private static void MapLog(float[] source, float[] destination)
    {
        ref var s = ref MemoryMarshal.GetArrayDataReference(source);
        ref var d = ref MemoryMarshal.GetArrayDataReference(destination);
        for (nuint i = 0; i + 8 <= (nuint)source.Length; i += 8)
        {
            Vector256.Log(Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        }
    }
}
