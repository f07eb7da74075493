namespace HiAim.Cytometry.Cli;

/// <summary>A request the input cannot satisfy (e.g. --compensate on a file without spillover): exit code 2 with this message.</summary>
internal sealed class CliException(string message) : Exception(message);
