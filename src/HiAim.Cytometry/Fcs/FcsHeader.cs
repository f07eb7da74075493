using System.Text;

namespace HiAim.Cytometry.Fcs;

/// <summary>
/// The fixed 58-byte HEADER of one FCS dataset: the version tag and the byte offsets of the TEXT,
/// DATA and ANALYSIS segments, relative to the dataset's first byte. Offsets past 99,999,999 do
/// not fit the 8-character fields; such files write zeros here and the real offsets in TEXT.
/// </summary>
public readonly record struct FcsHeader
{
    /// <summary>Length of the HEADER in bytes.</summary>
    public const int Length = 58;

    /// <summary>Version tag as written, e.g. <c>FCS3.1</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Offset of the first TEXT byte (the delimiter).</summary>
    public required long TextStart { get; init; }

    /// <summary>Offset of the last TEXT byte (inclusive).</summary>
    public required long TextEnd { get; init; }

    /// <summary>Offset of the first DATA byte, or 0 when given only in TEXT.</summary>
    public required long DataStart { get; init; }

    /// <summary>Offset of the last DATA byte (inclusive), or 0 when given only in TEXT.</summary>
    public required long DataEnd { get; init; }

    /// <summary>Offset of the first ANALYSIS byte, or 0 when absent.</summary>
    public required long AnalysisStart { get; init; }

    /// <summary>Offset of the last ANALYSIS byte (inclusive), or 0 when absent.</summary>
    public required long AnalysisEnd { get; init; }

    /// <summary>Parses a HEADER from the first 58 bytes of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">At least 58 bytes starting at the dataset's first byte.</param>
    /// <param name="baseOffset">Absolute offset of the dataset in the file, used in error messages.</param>
    /// <exception cref="FcsHeaderException">The HEADER is short, the tag is not <c>FCSn.n</c>, or an offset is not a number.</exception>
    public static FcsHeader Parse(ReadOnlySpan<byte> bytes, long baseOffset = 0)
    {
        if (bytes.Length < Length)
        {
            throw new FcsHeaderException(baseOffset + bytes.Length, $"file ends after {bytes.Length} bytes, inside the 58-byte HEADER");
        }

        var tag = bytes[..6];
        if (tag[0] != (byte)'F' || tag[1] != (byte)'C' || tag[2] != (byte)'S' || !IsDigit(tag[3]) || tag[4] != (byte)'.' || !IsDigit(tag[5]))
        {
            throw new FcsHeaderException(baseOffset, $"version tag is '{Printable(tag)}', expected FCSn.n (FCS2.0, FCS3.0, FCS3.1, FCS3.2)");
        }

        return new FcsHeader
        {
            Version = Encoding.ASCII.GetString(tag),
            TextStart = Field(bytes, 10, "TEXT start", baseOffset),
            TextEnd = Field(bytes, 18, "TEXT end", baseOffset),
            DataStart = Field(bytes, 26, "DATA start", baseOffset),
            DataEnd = Field(bytes, 34, "DATA end", baseOffset),
            AnalysisStart = Field(bytes, 42, "ANALYSIS start", baseOffset),
            AnalysisEnd = Field(bytes, 50, "ANALYSIS end", baseOffset),
        };
    }

    // Fields are right-justified with spaces by the standard; real files also left-justify or zero-pad them. Blank = 0.
    private static long Field(ReadOnlySpan<byte> bytes, int at, string name, long baseOffset)
    {
        var field = bytes.Slice(at, 8).Trim((byte)' ');
        long value = 0;
        foreach (var b in field)
        {
            if (!IsDigit(b))
            {
                throw new FcsHeaderException(baseOffset + at, $"{name} offset field is '{Printable(bytes.Slice(at, 8))}', not a number");
            }

            value = (value * 10) + (b - '0');
        }

        return value;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return sb.ToString();
    }
}
