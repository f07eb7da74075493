using Microsoft.Win32.SafeHandles;

namespace HiAim.Cytometry.Fcs;

/// <summary>Random access to the bytes of an FCS file without assuming they are all in memory.</summary>
internal abstract class FcsSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Whether <see cref="Read"/> may be called from several threads at once.</summary>
    public virtual bool SupportsConcurrentReads => false;

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; the caller has checked the range.</summary>
    public abstract void Read(long offset, Span<byte> destination);

    /// <summary>Direct access when the bytes already are in memory (no copy).</summary>
    public virtual bool TryGetMemory(long offset, long length, out ReadOnlyMemory<byte> memory)
    {
        memory = default;
        return false;
    }

    public virtual void Dispose() { }

    public static FcsSource FromStream(Stream stream)
    {
        if (stream.CanSeek)
        {
            return new StreamSource(stream);
        }

        // A forward-only stream must be buffered once: DATA may precede TEXT in multi-dataset files.
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return new MemorySource(ms.GetBuffer().AsMemory(0, (int)ms.Length));
    }
}

internal sealed class MemorySource(ReadOnlyMemory<byte> bytes) : FcsSource
{
    public override long Length => bytes.Length;

    public override bool SupportsConcurrentReads => true;

    public override void Read(long offset, Span<byte> destination) => bytes.Span.Slice((int)offset, destination.Length).CopyTo(destination);

    public override bool TryGetMemory(long offset, long length, out ReadOnlyMemory<byte> memory)
    {
        memory = bytes.Slice((int)offset, (int)length);
        return true;
    }
}

internal sealed class FileSource : FcsSource
{
    private readonly SafeFileHandle _handle;

    public FileSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        Length = RandomAccess.GetLength(_handle);
    }

    public override long Length { get; }

    // RandomAccess.Read is positional (pread): safe from several threads.
    public override bool SupportsConcurrentReads => true;

    public override void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var n = RandomAccess.Read(_handle, destination, offset);
            if (n <= 0)
            {
                throw new FcsOffsetException(FcsSegment.Data, offset, "file ended while reading (it shrank while open?)");
            }

            destination = destination[n..];
            offset += n;
        }
    }

    public override void Dispose()
    {
        _handle.Dispose();
        base.Dispose();
    }
}

internal sealed class StreamSource(Stream stream) : FcsSource
{
    private readonly long _origin = stream.Position;

    public override long Length => stream.Length - _origin;

    public override void Read(long offset, Span<byte> destination)
    {
        stream.Position = _origin + offset;
        stream.ReadExactly(destination);
    }
}
