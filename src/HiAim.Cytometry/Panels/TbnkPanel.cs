namespace HiAim.Cytometry.Panels;

/// <summary>The built-in panels.</summary>
public static class TbnkPanel
{
    /// <summary>
    /// BD Multitest 6-colour TBNK with Trucount beads (domain.md §2.1): CD45, CD3, CD4, CD8, CD19, CD16+56 and
    /// counting beads, gated by the built-in data-placed TBNK template (see remarks of <see cref="GateTemplate"/>).
    /// Reports Beads, Lymphocytes, T, CD4, CD8, T_DP, T_DN, B, NK, NK_bright, NK_dim.
    /// </summary>
    public static Panel Default { get; } = new(
        "TBNK",
        [
            new PanelMarker("CD45"),
            new PanelMarker("CD3"),
            new PanelMarker("CD4"),
            new PanelMarker("CD8"),
            new PanelMarker("CD19"),
            new PanelMarker("CD16+56", ["CD16/CD56", "CD56+CD16", "CD16 CD56"]),
        ],
        new TbnkTemplate(),
        usesCountingBeads: true);

    /// <summary>
    /// NK subsets (domain.md §2.5): CD45, CD3, CD56, CD16; CD3− CD56+ NK split into CD56bright and CD56dim.
    /// No counting beads. Reports Lymphocytes, T, NK, NK_bright, NK_dim.
    /// </summary>
    public static Panel NkSubsets { get; } = new(
        "NK subsets",
        [new PanelMarker("CD45"), new PanelMarker("CD3"), new PanelMarker("CD56"), new PanelMarker("CD16")],
        new NkSubsetTemplate(),
        usesCountingBeads: false);
}
