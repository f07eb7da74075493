using System.Globalization;

namespace HiAim.Cytometry.Internals;

/// <summary>
/// Reads whole input files (sample sheets, panels, Gating-ML) with a size cap: the length a file reports is not trusted
/// (<c>/dev/zero</c> and pipes report 0 and never end), so reading stops at the cap instead of running out of memory.
/// </summary>
internal static class BoundedFile
{
    /// <summary>Cap for text inputs: sample sheets, panel definitions, Gating-ML strategies (64 MiB).</summary>
    public const int TextInputLimit = 64 << 20;

    /// <summary>The file's bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="what">What the file is, for the message (e.g. "sample sheet").</param>
    /// <exception cref="IOException">The file is larger than <paramref name="maxBytes"/> or keeps growing; or it cannot be read.</exception>
    public static byte[] ReadAllBytes(string path, int maxBytes, string what)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"is a directory, not a {what}");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                // No path in the message: every caller names the file it was reading.
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"larger than the {maxBytes >> 20} MiB limit for a {what} (or not a regular file)"));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>A file's text (UTF-8 unless a byte order mark says otherwise), read with <see cref="ReadAllBytes"/>.</summary>
    public static string ReadAllText(string path, int maxBytes, string what)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAllBytes(path, maxBytes, what)), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
