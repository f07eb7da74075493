namespace HiAim.Cytometry.Cli;

/// <summary>A request the input cannot satisfy (e.g. --compensate on a file without spillover): exit code 2 with this message.</summary>
/// <param name="message">What is wrong.</param>
/// <param name="inputError">
/// True when an input file (sample sheet, panel, strategy) is at fault rather than the arguments: no pointer to the
/// command's help is printed then.
/// </param>
internal sealed class CliException(string message, bool inputError = false) : Exception(message)
{
    /// <summary>An input file is at fault, not the arguments.</summary>
    public bool InputError { get; } = inputError;
}
