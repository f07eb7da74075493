namespace HiAim.Cytometry.Simulation;

/// <summary>What a simulated event is: the ground-truth label of every event in a simulated TBNK file.</summary>
public enum TbnkPopulation
{
    /// <summary>Debris and unlysed red cells: low scatter, CD45 negative.</summary>
    Debris = 0,

    /// <summary>Two particles passing together: FSC-A about twice FSC-H (off the singlet diagonal).</summary>
    Doublet = 1,

    /// <summary>Granulocytes: high SSC, CD45 dim, CD16 bright.</summary>
    Granulocyte = 2,

    /// <summary>Monocytes: intermediate SSC, CD45 bright, CD4 dim.</summary>
    Monocyte = 3,

    /// <summary>Helper T cells: CD3+CD4+CD8−.</summary>
    TCd4 = 4,

    /// <summary>Cytotoxic T cells: CD3+CD4−CD8+.</summary>
    TCd8 = 5,

    /// <summary>Double-negative T cells: CD3+CD4−CD8−.</summary>
    TDoubleNegative = 6,

    /// <summary>Double-positive T cells: CD3+CD4+CD8+.</summary>
    TDoublePositive = 7,

    /// <summary>B cells: CD3−CD19+.</summary>
    B = 8,

    /// <summary>CD56bright CD16−/dim NK cells: CD3−, the top of the CD16+56 channel, slightly brighter CD45.</summary>
    NkBright = 9,

    /// <summary>CD56dim CD16+ NK cells: CD3−, CD16+56 positive.</summary>
    NkDim = 10,

    /// <summary>Trucount counting beads: very bright in every fluorescence channel, tight low scatter.</summary>
    Bead = 11,
}

/// <summary>Study arm of a simulated patient.</summary>
public enum TrialArm
{
    /// <summary>Supervised high-intensity interval training.</summary>
    Exercise = 0,

    /// <summary>Usual care.</summary>
    Control = 1,
}
