namespace HiAim.Cytometry.Tests;

/// <summary>Locates <c>../shared</c> beside the repository (the folder holding the .sln).</summary>
internal static class SharedData
{
    private static readonly Lazy<string?> Root = new(Find);

    public static string? Path => Root.Value;

    public static string Fcs(string relative) => System.IO.Path.Combine(RequirePath(), "data", "fcs", relative);

    public static string RequirePath()
    {
        var root = Root.Value;
        if (root is null)
        {
            Assert.Skip("../shared (the FCS corpus and reference data) is not beside the repository; corpus tests need it.");
        }

        return root!;
    }

    public static string? RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "HiAim.Cytometry.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }

    private static string? Find()
    {
        var repo = RepositoryRoot();
        if (repo is null)
        {
            return null;
        }

        var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(repo, "..", "shared"));
        return Directory.Exists(System.IO.Path.Combine(shared, "data")) ? shared : null;
    }

    /// <summary>MANIFEST.tsv rows as dictionaries keyed by column name.</summary>
    public static IReadOnlyList<Dictionary<string, string>> Manifest()
    {
        var root = Root.Value;
        if (root is null)
        {
            return [];
        }

        var lines = File.ReadAllLines(System.IO.Path.Combine(root, "data", "fcs", "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split('\t');
            return header.Select((h, i) => (h, v: i < cells.Length ? cells[i] : "")).ToDictionary(x => x.h, x => x.v);
        })];
    }
}
