using System.Text;

namespace HiAim.Cytometry.Internals;

/// <summary>
/// Writes a file through a temporary file in the same folder that is renamed over the target when complete: a write that
/// fails (disk full, killed process) leaves the previous file or none, never a 0-byte or truncated one under the final name.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Writes <paramref name="path"/> by <paramref name="write"/> into a temporary file, then renames it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);

                // On disk before the rename, so that a crash cannot leave the new name on empty blocks.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The original error is the one to report; a leftover temporary file is named so that it is recognisable.
            }

            throw;
        }
    }

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Writes UTF-8 text (no BOM) atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        using var writer = new StreamWriter(s, Utf8, 1 << 16, leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Writes text through a <see cref="TextWriter"/> (UTF-8, no BOM) atomically.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, s =>
    {
        using var writer = new StreamWriter(s, Utf8, 1 << 16, leaveOpen: true);
        write(writer);
    });
}
