namespace HiAim.Cytometry.Gating;

/// <summary>The operator of a <see cref="BooleanGate"/>.</summary>
public enum BooleanOperator
{
    /// <summary>Events in every operand.</summary>
    And,

    /// <summary>Events in any operand.</summary>
    Or,

    /// <summary>Events not in the (single) operand.</summary>
    Not,
}

/// <summary>An operand of a <see cref="BooleanGate"/>: a population, or its complement (all events not in it).</summary>
/// <param name="PopulationId">The referenced population (a gate id or a quadrant id).</param>
/// <param name="Complement">Use the events outside the population (Gating-ML <c>use-as-complement</c>).</param>
public sealed record GateReference(string PopulationId, bool Complement = false);

/// <summary>
/// A boolean gate: AND / OR of two or more populations, or NOT of one, computed word-wise on their
/// membership bitsets. Operands are whole populations (their own parent chains included); complements
/// are taken within the whole sample. The result is then AND-ed with this gate's own parent.
/// </summary>
public sealed class BooleanGate : Gate
{
    private readonly GateReference[] _operands;

    /// <summary>Creates a boolean gate.</summary>
    /// <param name="id">Gate (and population) id.</param>
    /// <param name="parentId">Parent population, or null.</param>
    /// <param name="op">The operator.</param>
    /// <param name="operands">Two or more operands for And/Or, exactly one for Not.</param>
    public BooleanGate(string id, string? parentId, BooleanOperator op, params IEnumerable<GateReference> operands)
        : base(id, parentId)
    {
        ArgumentNullException.ThrowIfNull(operands);
        _operands = [.. operands];
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown boolean operator.");
        }

        var ok = op == BooleanOperator.Not ? _operands.Length == 1 : _operands.Length >= 2;
        if (!ok)
        {
            throw new ArgumentException($"Boolean gate '{id}': {op} takes {(op == BooleanOperator.Not ? "exactly one operand" : "two or more operands")}, not {_operands.Length}.", nameof(operands));
        }

        foreach (var o in _operands)
        {
            ArgumentNullException.ThrowIfNull(o);
            ArgumentException.ThrowIfNullOrWhiteSpace(o.PopulationId, nameof(operands));
        }

        Operator = op;
    }

    /// <summary>The operator.</summary>
    public BooleanOperator Operator { get; }

    /// <summary>The operands.</summary>
    public IReadOnlyList<GateReference> Operands => _operands;

    /// <inheritdoc/>
    public override IReadOnlyList<Dimension> Dimensions => [];

    internal override IEnumerable<string> References => _operands.Select(o => o.PopulationId);

    internal override EventBitset[] Test(GateContext context)
    {
        EventBitset Operand(GateReference r)
        {
            var set = context.Population(r.PopulationId);
            return r.Complement ? set.Not(context.Pool) : set;
        }

        var result = Operand(_operands[0]);
        if (Operator == BooleanOperator.Not)
        {
            return [result.Not(context.Pool)];
        }

        for (var i = 1; i < _operands.Length; i++)
        {
            var next = Operand(_operands[i]);
            result = Operator == BooleanOperator.And ? result.And(next, context.Pool) : result.Or(next, context.Pool);
        }

        return [result];
    }
}
