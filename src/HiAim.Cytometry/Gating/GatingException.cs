namespace HiAim.Cytometry.Gating;

/// <summary>
/// A gating strategy that cannot be evaluated: a missing parent or operand, a cycle, a duplicate id,
/// an unknown compensation reference or a channel the sample lacks. The message names the gate.
/// </summary>
public sealed class GatingException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="gateId">The gate concerned (null when the fault is not about one gate).</param>
    /// <param name="message">What is wrong.</param>
    public GatingException(string? gateId, string message)
        : base(gateId is null ? message : $"Gate '{gateId}': {message}")
    {
        GateId = gateId;
    }

    /// <summary>The gate concerned, if any.</summary>
    public string? GateId { get; }
}
