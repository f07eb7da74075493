using HiAim.Cytometry.Batch;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Tests.Cohort;

namespace HiAim.Cytometry.Tests.Batch;

public sealed class FcsBatchTests
{
    private static readonly string[] Names = [.. Enumerable.Range(0, 40).Select(i => $"f{i:00}.fcs")];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(4, 8)]
    public void Results_come_in_input_order_with_at_most_MaxInFlight_files_ahead_of_the_caller(int workers, int inFlight)
    {
        var started = 0;
        var consumed = 0;
        var maxAhead = 0;
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        string Work(string path)
        {
            var ahead = Interlocked.Increment(ref started) - Volatile.Read(ref consumed);
            InterlockedMax(ref maxAhead, ahead);
            Thread.Sleep(random.Value!.Next(0, 3)); // finish out of order
            return path.ToUpperInvariant();
        }

        var seen = new List<string>();
        foreach (var item in FcsBatch.Run(Names, Work, new BatchOptions { MaxDegreeOfParallelism = workers, MaxInFlight = inFlight }, TestContext.Current.CancellationToken))
        {
            Assert.Equal(seen.Count, item.Index);
            Assert.True(item.Succeeded);
            seen.Add(item.Result!);
            Interlocked.Increment(ref consumed);
        }

        Assert.Equal(Names.Select(n => n.ToUpperInvariant()), seen);
        Assert.InRange(maxAhead, 1, inFlight);
    }

    [Fact]
    public void A_file_whose_work_throws_gives_its_exception_and_the_others_their_results()
    {
        var items = FcsBatch.Run(Names, p => p == "f07.fcs" ? throw new InvalidDataException("bad") : p.Length, new BatchOptions { MaxDegreeOfParallelism = 3 }, TestContext.Current.CancellationToken).ToList();
        Assert.Equal(Names.Length, items.Count);
        var bad = Assert.Single(items, i => !i.Succeeded);
        Assert.Equal("f07.fcs", bad.Path);
        Assert.IsType<InvalidDataException>(bad.Error);
        Assert.All(items.Where(i => i.Succeeded), i => Assert.Equal(i.Path.Length, i.Result));
    }

    [Fact]
    public void Progress_is_reported_once_per_file_in_input_order()
    {
        var reports = new List<BatchProgress>();
        var progress = new SynchronousProgress(reports.Add);
        _ = FcsBatch.Run(Names, p => p, new BatchOptions { MaxDegreeOfParallelism = 2, Progress = progress }, TestContext.Current.CancellationToken).ToList();
        Assert.Equal(Enumerable.Range(1, Names.Length), reports.Select(r => r.Completed));
        Assert.All(reports, r => Assert.Equal(Names.Length, r.Total));
        Assert.Equal(Names, reports.Select(r => r.Path));
    }

    [Fact]
    public void Cancelling_stops_the_batch_with_OperationCanceledException_and_starts_no_new_file()
    {
        using var cts = new CancellationTokenSource();
        var started = 0;
        var taken = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var item in FcsBatch.Run(Names, p => Interlocked.Increment(ref started), new BatchOptions { MaxDegreeOfParallelism = 2, MaxInFlight = 2 }, cts.Token))
            {
                if (++taken == 3)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.InRange(taken, 3, 3 + 2);
        Assert.InRange(Volatile.Read(ref started), taken, taken + 2);
    }

    [Fact]
    public void Leaving_the_loop_early_ends_the_workers()
    {
        var started = 0;
        foreach (var item in FcsBatch.Run(Names, p => Interlocked.Increment(ref started), new BatchOptions { MaxDegreeOfParallelism = 2, MaxInFlight = 2 }, TestContext.Current.CancellationToken))
        {
            if (item.Index == 4)
            {
                break;
            }
        }

        var after = Volatile.Read(ref started);
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref started)); // nothing runs on after the enumerator is disposed
        Assert.InRange(after, 5, 5 + 2);
    }

    [Fact]
    public void Bad_options_are_refused_before_any_work()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FcsBatch.Run(Names, p => p, new BatchOptions { MaxDegreeOfParallelism = 0 }, TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentOutOfRangeException>(() => FcsBatch.Run(Names, p => p, new BatchOptions { MaxInFlight = 0 }, TestContext.Current.CancellationToken));
        Assert.Empty(FcsBatch.Run([], p => p, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ApplyMany_gives_each_file_the_counts_of_Apply_and_bad_files_their_own_errors()
    {
        var files = CohortFixture.Files(CohortFixture.Small).Take(6).ToList();
        var strategy = TbnkPanel.Default.Analyze(FcsFile.Read(files[0])).Strategy;
        var notFcs = Path.Combine(Path.GetTempPath(), $"hiaim-batch-{Guid.NewGuid():N}.fcs");
        File.WriteAllText(notFcs, "not an FCS file at all");
        try
        {
            List<string> paths = [files[0], notFcs, .. files.Skip(1), Path.GetTempPath()];
            var n = 0;
            foreach (var item in strategy.ApplyMany(paths, new BatchOptions { MaxDegreeOfParallelism = 2, MaxInFlight = 2 }, TestContext.Current.CancellationToken))
            {
                Assert.Equal(paths[n++], item.Path);
                if (item.Path == notFcs)
                {
                    Assert.IsAssignableFrom<FcsFormatException>(item.Error);
                    continue;
                }

                if (item.Path == Path.GetTempPath())
                {
                    Assert.Contains("is a directory", Assert.IsType<IOException>(item.Error).Message, StringComparison.Ordinal);
                    continue;
                }

                // Compared while the item is current: its members live in memory the batch reuses for later files.
                var want = strategy.Apply(FcsFile.Read(item.Path));
                var got = item.Result!.Gating;
                foreach (var id in strategy.PopulationIds)
                {
                    Assert.Equal(want[id].Members, got[id].Members);
                    Assert.True(got[id].Members.IsReadOnly);
                }
            }

            Assert.Equal(paths.Count, n);
        }
        finally
        {
            File.Delete(notFcs);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    private sealed class SynchronousProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
