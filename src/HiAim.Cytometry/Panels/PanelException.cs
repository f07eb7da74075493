namespace HiAim.Cytometry.Panels;

/// <summary>A panel cannot be applied to a sample (a channel is missing or ambiguous, a gate cannot be placed).</summary>
public class PanelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PanelException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public PanelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PanelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A marker of the panel has no channel in a sample: the message names the sample, the marker and every channel.</summary>
public sealed class MarkerNotFoundException : PanelException
{
    /// <summary>Creates the exception.</summary>
    public MarkerNotFoundException()
    {
        Marker = string.Empty;
        Sample = string.Empty;
        Channels = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public MarkerNotFoundException(string message)
        : base(message)
    {
        Marker = string.Empty;
        Sample = string.Empty;
        Channels = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MarkerNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Marker = string.Empty;
        Sample = string.Empty;
        Channels = [];
    }

    /// <summary>Creates the exception for one marker of one sample.</summary>
    /// <param name="sample">Sample name (file name or $FIL).</param>
    /// <param name="marker">The marker that has no channel.</param>
    /// <param name="channels">The sample's channels as <c>$PnN ($PnS)</c>.</param>
    /// <param name="detail">Why (e.g. the override names a channel the file lacks).</param>
    public MarkerNotFoundException(string sample, string marker, IReadOnlyList<string> channels, string detail)
        : base($"Sample '{sample}': marker '{marker}' not found ({detail}). Channels: {string.Join(", ", channels)}. Map it with a channel override (marker → $PnN).")
    {
        Sample = sample;
        Marker = marker;
        Channels = channels;
    }

    /// <summary>The marker that has no channel.</summary>
    public string Marker { get; }

    /// <summary>The sample.</summary>
    public string Sample { get; }

    /// <summary>The sample's channels, as <c>$PnN ($PnS)</c>.</summary>
    public IReadOnlyList<string> Channels { get; }
}
