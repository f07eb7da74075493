using HiAim.Cytometry.Events;

namespace HiAim.Cytometry.Batch;

/// <summary>
/// Runs work over many FCS files in parallel and hands the results back one by one in input order, holding at most
/// <see cref="BatchOptions.MaxInFlight"/> files' results at a time. A file whose work throws gives its exception as
/// that file's result (<see cref="BatchItem{TResult}.Error"/>): one bad file never costs another file its result.
/// </summary>
public static class FcsBatch
{
    /// <summary>Runs <paramref name="work"/> on every path and yields the results in input order as they are ready.</summary>
    /// <typeparam name="TResult">What the work returns per file.</typeparam>
    /// <param name="paths">The files (read once, when the enumeration starts).</param>
    /// <param name="work">The work on one file, given its path; it may run on any thread, several at once.</param>
    /// <param name="options">Parallelism, bound, progress; null = defaults.</param>
    /// <param name="cancellationToken">Stops the batch: no new file is started, and the enumeration throws
    /// <see cref="OperationCanceledException"/> once the files in progress are done.</param>
    /// <returns>One item per path, in input order.</returns>
    public static IEnumerable<BatchItem<TResult>> Run<TResult>(IEnumerable<string> paths, Func<string, TResult> work, BatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(work);
        return Run(paths, (path, _) => work(path), options, cancellationToken);
    }

    /// <summary>As <see cref="Run{TResult}(IEnumerable{string}, Func{string, TResult}, BatchOptions?, CancellationToken)"/>,
    /// the work also given a column pool that it may fill (its columns stay valid until the caller moves past the item).</summary>
    internal static IEnumerable<BatchItem<TResult>> Run<TResult>(IEnumerable<string> paths, Func<string, ColumnPool, TResult> work, BatchOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(work);
        options ??= new BatchOptions();
        var workers = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1, nameof(options.MaxDegreeOfParallelism));
        var inFlight = options.MaxInFlight ?? workers; // see BatchOptions.MaxInFlight: more costs page faults, not speed
        ArgumentOutOfRangeException.ThrowIfLessThan(inFlight, 1, nameof(options.MaxInFlight));
        return Iterate([.. paths], work, Math.Min(workers, inFlight), inFlight, options.Progress, cancellationToken);
    }

    private static IEnumerable<BatchItem<TResult>> Iterate<TResult>(string[] paths, Func<string, ColumnPool, TResult> work, int workers, int inFlight, IProgress<BatchProgress>? progress, CancellationToken cancellationToken)
    {
        if (paths.Length == 0)
        {
            yield break;
        }

        using var state = new State<TResult>(paths, work, inFlight, cancellationToken);
        state.Start(Math.Min(workers, paths.Length));
        for (var i = 0; i < paths.Length; i++)
        {
            var (item, pool) = state.Take(i);
            progress?.Report(new BatchProgress(i + 1, paths.Length, paths[i]));
            yield return item;

            // The caller has moved on: this file's columns go back to the pools and a worker may start another file.
            state.Release(pool);
        }
    }

    /// <summary>The shared state of one enumeration: workers claim indices in order, park their results in a slot,
    /// and the caller takes the slots in order.</summary>
    private sealed class State<TResult>(string[] paths, Func<string, ColumnPool, TResult> work, int inFlight, CancellationToken cancellationToken) : IDisposable
    {
        private readonly (BatchItem<TResult> Item, ColumnPool Pool)?[] _slots = new (BatchItem<TResult>, ColumnPool)?[paths.Length];
        private readonly Stack<ColumnPool> _pools = new();
        private readonly object _lock = new(); // Monitor.Wait/PulseAll need a Monitor lock, not a System.Threading.Lock
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        private readonly List<Thread> _threads = [];
        private int _next;
        private int _released;
        private int _running;

        public void Start(int workers)
        {
            _running = workers;
            for (var w = 0; w < workers; w++)
            {
                // Dedicated threads: a batch is long work, and a thread-pool thread blocked on the in-flight bound
                // could starve the caller's own tasks.
                var thread = new Thread(Work) { IsBackground = true, Name = $"hiaim batch {w}" };
                _threads.Add(thread);
                thread.Start();
            }
        }

        public (BatchItem<TResult> Item, ColumnPool Pool) Take(int index)
        {
            lock (_lock)
            {
                while (_slots[index] is null)
                {
                    if (_stop.IsCancellationRequested && _running == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        throw new OperationCanceledException("The batch was stopped.");
                    }

                    Monitor.Wait(_lock, 100);
                }

                var taken = _slots[index]!.Value;
                _slots[index] = null;
                return taken;
            }
        }

        public void Release(ColumnPool pool)
        {
            pool.Reset();
            lock (_lock)
            {
                _pools.Push(pool);
                _released++;
                Monitor.PulseAll(_lock);
            }
        }

        public void Dispose()
        {
            // The caller stopped early (or finished): let the workers end, so no pool is written after this.
            _stop.Cancel();
            lock (_lock)
            {
                Monitor.PulseAll(_lock);
            }

            foreach (var thread in _threads)
            {
                thread.Join();
            }

            _stop.Dispose();
        }

        private void Work()
        {
            try
            {
                while (true)
                {
                    int index;
                    ColumnPool pool;
                    lock (_lock)
                    {
                        // At most inFlight files between the caller's position and the newest file claimed.
                        while (!_stop.IsCancellationRequested && _next < paths.Length && _next - _released >= inFlight)
                        {
                            Monitor.Wait(_lock, 100);
                        }

                        if (_stop.IsCancellationRequested || _next >= paths.Length)
                        {
                            return;
                        }

                        index = _next++;
                        pool = _pools.Count > 0 ? _pools.Pop() : new ColumnPool();
                    }

                    BatchItem<TResult> item;
                    try
                    {
                        item = new BatchItem<TResult>(index, paths[index], work(paths[index], pool), null);
                    }
                    catch (Exception e)
                    {
                        // Whatever one file throws is that file's result; the batch goes on.
                        item = new BatchItem<TResult>(index, paths[index], default, e);
                    }

                    lock (_lock)
                    {
                        _slots[index] = (item, pool);
                        Monitor.PulseAll(_lock);
                    }
                }
            }
            finally
            {
                lock (_lock)
                {
                    _running--;
                    Monitor.PulseAll(_lock);
                }
            }
        }
    }
}

/// <summary>One file's outcome in a batch: its result, or the exception its work threw.</summary>
/// <typeparam name="TResult">What the work returns per file.</typeparam>
/// <param name="Index">Position of the file in the input.</param>
/// <param name="Path">The file.</param>
/// <param name="Result">The work's result; default when <see cref="Error"/> is set.</param>
/// <param name="Error">What the work threw, or null.</param>
public readonly record struct BatchItem<TResult>(int Index, string Path, TResult? Result, Exception? Error)
{
    /// <summary>Whether the work completed.</summary>
    public bool Succeeded => Error is null;
}
