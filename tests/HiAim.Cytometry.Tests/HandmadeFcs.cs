using System.Globalization;
using System.Text;

namespace HiAim.Cytometry.Tests;

/// <summary>Builds FCS bytes by hand (HEADER + TEXT + DATA) for layouts our writer never produces.</summary>
internal static class HandmadeFcs
{
    public static byte[] Build(string version, IEnumerable<(string Key, string Value)> keywords, byte[] data, char delimiter = '/', bool dataOffsetsInText = true)
    {
        var body = new StringBuilder();
        foreach (var (k, v) in keywords)
        {
            body.Append(delimiter).Append(k).Append(delimiter).Append(v);
        }

        string Text(long start, long end) =>
            (dataOffsetsInText ? string.Create(CultureInfo.InvariantCulture, $"{delimiter}$BEGINDATA{delimiter}{start}{delimiter}$ENDDATA{delimiter}{end}") : "") + body + delimiter;

        long dataStart = 0;
        var text = Text(0, 0);
        for (var i = 0; i < 4; i++)
        {
            dataStart = 58 + Encoding.UTF8.GetByteCount(text);
            text = Text(dataStart, dataStart + data.Length - 1);
        }

        var textBytes = Encoding.UTF8.GetBytes(text);
        var header = $"{version,-6}    {58,8}{58 + textBytes.Length - 1,8}{dataStart,8}{dataStart + data.Length - 1,8}{0,8}{0,8}";
        return [.. Encoding.ASCII.GetBytes(header), .. textBytes, .. data];
    }
}
