using System.Runtime.InteropServices;
using HiAim.Cytometry.Compensation.Kernels;

namespace HiAim.Cytometry.Compensation;

/// <summary>
/// One compensation between fixed source and destination columns, run a chunk of events at a time: the columns
/// are pinned and the matrix converted once, not per chunk (pinning a dozen columns per call cost about as much
/// as compensating a 2,400-event chunk).
/// </summary>
internal sealed unsafe class CompensationPass : IDisposable
{
    private readonly GCHandle[] _handles;
    private readonly float** _from;
    private readonly float** _to;
    private readonly float* _matrix;
    private readonly int _channels;
    private readonly int _sourceLength;
    private readonly int _destinationLength;
    private readonly CompensateKernel _kernel;
    private bool _disposed;

    /// <param name="sources">Columns in the matrix's detector order.</param>
    /// <param name="destinations">As many columns, at least as long (may be the sources: in place).</param>
    /// <param name="matrix">The inverse spillover, row-major (see <see cref="Spillover.InverseRowMajor"/>).</param>
    /// <param name="kernel">The kernel to run.</param>
    public CompensationPass(float[][] sources, float[][] destinations, double[] matrix, CompensateKernel kernel)
    {
        _channels = sources.Length;
        if (destinations.Length != _channels || matrix.Length != _channels * _channels)
        {
            throw new ArgumentException($"{_channels} source columns need as many destinations and a {_channels}×{_channels} matrix.");
        }

        _kernel = kernel;
        _sourceLength = _destinationLength = int.MaxValue;
        _handles = new GCHandle[2 * _channels];
        _from = (float**)NativeMemory.Alloc((nuint)Math.Max(1, _channels), (nuint)sizeof(float*));
        _to = (float**)NativeMemory.Alloc((nuint)Math.Max(1, _channels), (nuint)sizeof(float*));
        _matrix = (float*)NativeMemory.Alloc((nuint)Math.Max(1, matrix.Length), sizeof(float));
        for (var i = 0; i < matrix.Length; i++)
        {
            _matrix[i] = (float)matrix[i];
        }

        for (var i = 0; i < _channels; i++)
        {
            _sourceLength = Math.Min(_sourceLength, sources[i].Length);
            _destinationLength = Math.Min(_destinationLength, destinations[i].Length);
            _handles[i] = GCHandle.Alloc(sources[i], GCHandleType.Pinned);
            _handles[_channels + i] = GCHandle.Alloc(destinations[i], GCHandleType.Pinned);
            _from[i] = (float*)_handles[i].AddrOfPinnedObject();
            _to[i] = (float*)_handles[_channels + i].AddrOfPinnedObject();
        }
    }

    /// <summary>Compensates events [<paramref name="start"/>, <paramref name="end"/>) into the same rows.</summary>
    public void Run(int start, int end) => Run(start, start, end - start);

    /// <summary>Compensates <paramref name="count"/> events from row <paramref name="sourceStart"/> of the sources
    /// into rows from <paramref name="destinationStart"/> of the destinations (a chunk into chunk-sized scratch).
    /// Each event is compensated on its own, so where its result lands does not change its bits.</summary>
    public void Run(int sourceStart, int destinationStart, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceStart);
        ArgumentOutOfRangeException.ThrowIfNegative(destinationStart);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Math.Min(_sourceLength - sourceStart, _destinationLength - destinationStart));
        if (_channels == 0 || count <= 0)
        {
            return;
        }

        if (sourceStart == destinationStart)
        {
            _kernel(_from, _to, _channels, _matrix, sourceStart, sourceStart + count);
            return;
        }

        var from = stackalloc float*[_channels];
        var to = stackalloc float*[_channels];
        for (var i = 0; i < _channels; i++)
        {
            from[i] = _from[i] + sourceStart;
            to[i] = _to[i] + destinationStart;
        }

        _kernel(from, to, _channels, _matrix, 0, count);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var h in _handles)
        {
            if (h.IsAllocated)
            {
                h.Free();
            }
        }

        NativeMemory.Free(_from);
        NativeMemory.Free(_to);
        NativeMemory.Free(_matrix);
    }
}
