namespace HiAim.Cytometry.Events;

/// <summary>
/// Events as one contiguous <see cref="float"/> column per channel (structure of arrays): transforms,
/// gates and statistics walk one or two channels at a time, so each is a straight loop over a span.
/// </summary>
public sealed class EventMatrix
{
    private readonly float[][] _columns;
    private readonly string[] _names;

    /// <summary>Creates a zero-filled matrix.</summary>
    /// <param name="eventCount">Number of events (rows).</param>
    /// <param name="channelNames">One name per channel (column), e.g. the <c>$PnN</c> values.</param>
    public EventMatrix(int eventCount, IReadOnlyList<string> channelNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventCount);
        ArgumentNullException.ThrowIfNull(channelNames);
        EventCount = eventCount;
        _names = [.. channelNames];
        _columns = new float[_names.Length][];
        for (var c = 0; c < _columns.Length; c++)
        {
            _columns[c] = eventCount == 0 ? [] : GC.AllocateUninitializedArray<float>(eventCount);
        }
    }

    /// <summary>Creates a matrix over existing columns (not copied).</summary>
    /// <param name="channelNames">One name per column.</param>
    /// <param name="columns">Columns of equal length.</param>
    public EventMatrix(IReadOnlyList<string> channelNames, IReadOnlyList<float[]> columns)
    {
        ArgumentNullException.ThrowIfNull(channelNames);
        ArgumentNullException.ThrowIfNull(columns);
        if (channelNames.Count != columns.Count)
        {
            throw new ArgumentException($"{channelNames.Count} names for {columns.Count} columns.", nameof(columns));
        }

        _names = [.. channelNames];
        _columns = [.. columns];
        EventCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        foreach (var col in _columns)
        {
            if (col.Length != EventCount)
            {
                throw new ArgumentException("Columns differ in length.", nameof(columns));
            }
        }
    }

    /// <summary>Number of events (rows).</summary>
    public int EventCount { get; }

    /// <summary>Number of channels (columns).</summary>
    public int ChannelCount => _columns.Length;

    /// <summary>Channel names in column order.</summary>
    public IReadOnlyList<string> ChannelNames => _names;

    /// <summary>The values of channel <paramref name="channel"/>, one per event.</summary>
    /// <param name="channel">Zero-based column index.</param>
    /// <returns>A writable span over the column.</returns>
    public Span<float> Column(int channel) => _columns[channel];

    /// <summary>The values of the channel named <paramref name="name"/>.</summary>
    /// <param name="name">Channel name (ordinal match).</param>
    /// <returns>A writable span over the column.</returns>
    /// <exception cref="KeyNotFoundException">No channel has that name.</exception>
    public Span<float> Column(string name)
    {
        var i = IndexOf(name);
        return i >= 0 ? _columns[i] : throw new KeyNotFoundException($"No channel named '{name}'. Channels: {string.Join(", ", _names)}.");
    }

    /// <summary>The column array itself, for APIs that need an array.</summary>
    /// <param name="channel">Zero-based column index.</param>
    /// <returns>The backing array.</returns>
    public float[] ColumnArray(int channel) => _columns[channel];

    /// <summary>Index of the channel named <paramref name="name"/>, or -1.</summary>
    /// <param name="name">Channel name (ordinal match).</param>
    /// <returns>Zero-based index or -1.</returns>
    public int IndexOf(string name) => Array.IndexOf(_names, name);

    /// <summary>One value.</summary>
    /// <param name="eventIndex">Zero-based event.</param>
    /// <param name="channel">Zero-based channel.</param>
    public float this[int eventIndex, int channel]
    {
        get => _columns[channel][eventIndex];
        set => _columns[channel][eventIndex] = value;
    }

    /// <summary>Copies one event (row) into <paramref name="destination"/>.</summary>
    /// <param name="eventIndex">Zero-based event.</param>
    /// <param name="destination">At least <see cref="ChannelCount"/> values.</param>
    public void GetEvent(int eventIndex, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)eventIndex, (uint)EventCount, nameof(eventIndex));
        for (var c = 0; c < _columns.Length; c++)
        {
            destination[c] = _columns[c][eventIndex];
        }
    }

    /// <summary>A deep copy.</summary>
    /// <returns>A new matrix with copied columns.</returns>
    public EventMatrix Clone() => new(_names, [.. _columns.Select(c => (float[])c.Clone())]);
}
