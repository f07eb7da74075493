using System.Globalization;

namespace HiAim.Cytometry.Internals;

/// <summary>Values from an input echoed in error messages, clipped: a 10 MB attribute must not become a 10 MB message.</summary>
internal static class Echo
{
    /// <summary>At most <paramref name="max"/> characters of <paramref name="value"/>, saying how long it was when clipped.</summary>
    public static string Clip(string value, int max = 64) =>
        value.Length <= max ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..max]}… ({value.Length} characters)");
}
