namespace HiAim.Cytometry.Cohort;

/// <summary>A cohort run that cannot start or finish: an unusable output folder or database, or inputs that clash.</summary>
public sealed class CohortException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CohortException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public CohortException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CohortException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
