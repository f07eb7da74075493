namespace HiAim.Cytometry.Gating;

/// <summary>
/// A gate: a test on one or more <see cref="Dimension"/>s, placed under an optional parent
/// population. A population's members are the events that pass the gate's own test and are members of
/// the parent (the whole parent chain).
/// </summary>
public abstract class Gate
{
    private protected Gate(string id, string? parentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (parentId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(parentId);
        }

        Id = id;
        ParentId = parentId;
    }

    /// <summary>Identifier (Gating-ML <c>gating:id</c>); also the population id, except for <see cref="QuadrantGate"/>.</summary>
    public string Id { get; }

    /// <summary>Population this gate is applied within, or null for all events.</summary>
    public string? ParentId { get; }

    /// <summary>The dimensions the gate reads (empty for <see cref="BooleanGate"/>).</summary>
    public abstract IReadOnlyList<Dimension> Dimensions { get; }

    /// <summary>The populations this gate defines: its own id, or one per quadrant.</summary>
    public virtual IReadOnlyList<string> PopulationIds => [Id];

    /// <summary>Populations this gate's test reads besides its parent (boolean operands).</summary>
    internal virtual IEnumerable<string> References => [];

    /// <summary>The gate's own test, one bitset per <see cref="PopulationIds"/> entry (not yet AND-ed with the parent).</summary>
    internal abstract EventBitset[] Test(GateContext context);

    /// <inheritdoc/>
    public override string ToString() => ParentId is null ? $"{GetType().Name} {Id}" : $"{GetType().Name} {Id} (in {ParentId})";
}
