namespace HiAim.Cytometry.Compensation;

/// <summary>
/// A compensation that was asked for cannot be applied: the sample's own spillover keyword is malformed, names a
/// detector that is not a channel, maps a detector to several channels, was already applied by the instrument, or the
/// matrix is singular. The message names the keyword (or matrix) and the fault; the sample fails, not the batch.
/// </summary>
public sealed class CompensationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be applied, and why.</param>
    public CompensationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What cannot be applied, and why.</param>
    /// <param name="innerException">The cause.</param>
    public CompensationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
