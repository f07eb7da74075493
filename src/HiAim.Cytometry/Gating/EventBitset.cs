using System.Numerics;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating.Kernels;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// Event membership of a population: one bit per event (bit <c>i % 64</c> of word <c>i / 64</c>),
/// <see cref="ulong"/> words. Bits past <see cref="EventCount"/> are always zero, so counts are plain
/// population counts and complements stay inside the sample.
/// </summary>
public sealed class EventBitset : IEquatable<EventBitset>
{
    private readonly ulong[] _words;

    /// <summary>Creates an empty set (no event is a member).</summary>
    /// <param name="eventCount">Number of events in the sample.</param>
    public EventBitset(int eventCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventCount);
        EventCount = eventCount;
        _words = new ulong[WordCount(eventCount)];
    }

    // Over words owned elsewhere (a batch's pool); the caller sets every word.
    private EventBitset(int eventCount, ulong[] words)
    {
        EventCount = eventCount;
        _words = words;
    }

    /// <summary>Number of events in the sample (members or not).</summary>
    public int EventCount { get; }

    /// <summary>The words; bit <c>i % 64</c> of word <c>i / 64</c> is event <c>i</c>.</summary>
    public ReadOnlySpan<ulong> Words => _words;

    /// <summary>Whether the set refuses changes (the members of a <see cref="PopulationResult"/>, which the engine shares).</summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>Number of member events (population count of the words).</summary>
    public int Count => BitsetOps.PopCount(_words);

    /// <summary>Whether event <paramref name="eventIndex"/> is a member.</summary>
    /// <param name="eventIndex">Zero-based event index.</param>
    public bool this[int eventIndex]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)eventIndex, (uint)EventCount, nameof(eventIndex));
            return (_words[eventIndex >> 6] & (1UL << eventIndex)) != 0;
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)eventIndex, (uint)EventCount, nameof(eventIndex));
            if (IsReadOnly)
            {
                throw new InvalidOperationException("This set is read-only: it holds a gating result's population; copy it (e.g. And(EventBitset.All(n))) to change it.");
            }

            if (value)
            {
                _words[eventIndex >> 6] |= 1UL << eventIndex;
            }
            else
            {
                _words[eventIndex >> 6] &= ~(1UL << eventIndex);
            }
        }
    }

    /// <summary>Every event a member.</summary>
    /// <param name="eventCount">Number of events.</param>
    /// <returns>A full set.</returns>
    public static EventBitset All(int eventCount)
    {
        var set = new EventBitset(eventCount);
        set._words.AsSpan().Fill(ulong.MaxValue);
        set.ClearTail();
        return set;
    }

    /// <summary>A set from a per-event flag array.</summary>
    /// <param name="members">One flag per event.</param>
    /// <returns>The set.</returns>
    public static EventBitset FromFlags(ReadOnlySpan<bool> members)
    {
        var set = new EventBitset(members.Length);
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i])
            {
                set._words[i >> 6] |= 1UL << i;
            }
        }

        return set;
    }

    /// <summary>Events in both sets.</summary>
    /// <param name="other">A set over the same events.</param>
    /// <returns>A new set.</returns>
    public EventBitset And(EventBitset other) => And(other, null);

    /// <summary>As <see cref="And(EventBitset)"/>, the result's words from <paramref name="pool"/> when there is one.</summary>
    internal EventBitset And(EventBitset other, ColumnPool? pool)
    {
        var result = Uninitialized(EventCount, pool);
        BitsetOps.And(_words, Same(other)._words, result._words);
        return result;
    }

    /// <summary>Events in either set.</summary>
    /// <param name="other">A set over the same events.</param>
    /// <returns>A new set.</returns>
    public EventBitset Or(EventBitset other) => Or(other, null);

    /// <summary>As <see cref="Or(EventBitset)"/>, the result's words from <paramref name="pool"/> when there is one.</summary>
    internal EventBitset Or(EventBitset other, ColumnPool? pool)
    {
        var result = Uninitialized(EventCount, pool);
        BitsetOps.Or(_words, Same(other)._words, result._words);
        return result;
    }

    /// <summary>Events not in this set (the complement within the sample).</summary>
    /// <returns>A new set.</returns>
    public EventBitset Not() => Not(null);

    /// <summary>As <see cref="Not()"/>, the result's words from <paramref name="pool"/> when there is one.</summary>
    internal EventBitset Not(ColumnPool? pool)
    {
        var result = Uninitialized(EventCount, pool);
        BitsetOps.Not(_words, result._words);
        result.ClearTail();
        return result;
    }

    /// <summary>Events in this set and not in <paramref name="other"/>.</summary>
    /// <param name="other">A set over the same events.</param>
    /// <returns>A new set.</returns>
    public EventBitset AndNot(EventBitset other)
    {
        var result = new EventBitset(EventCount);
        BitsetOps.AndNot(_words, Same(other)._words, result._words);
        return result;
    }

    /// <summary>Indices of the member events, ascending.</summary>
    /// <returns>A new array of <see cref="Count"/> indices.</returns>
    public int[] ToIndices()
    {
        var result = new int[Count];
        var k = 0;
        for (var w = 0; w < _words.Length; w++)
        {
            var bits = _words[w];
            while (bits != 0)
            {
                result[k++] = (w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
        }

        return result;
    }

    /// <summary>One flag per event.</summary>
    /// <returns>A new array of <see cref="EventCount"/> flags.</returns>
    public bool[] ToFlags()
    {
        var result = new bool[EventCount];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (_words[i >> 6] & (1UL << i)) != 0;
        }

        return result;
    }

    /// <inheritdoc/>
    public bool Equals(EventBitset? other) =>
        other is not null && other.EventCount == EventCount && _words.AsSpan().SequenceEqual(other._words);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EventBitset);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(EventCount);
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_words.AsSpan()));
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Count} of {EventCount} events";

    internal ulong[] WordArray => _words;

    /// <summary>Refuses every later change through the indexer.</summary>
    internal void MakeReadOnly() => IsReadOnly = true;

    internal static int WordCount(int eventCount) => (eventCount + 63) >> 6;

    /// <summary>An empty set whose words come from <paramref name="pool"/> when there is one (valid until it is reset).</summary>
    internal static EventBitset Empty(int eventCount, ColumnPool? pool)
    {
        var set = Uninitialized(eventCount, pool);
        set._words.AsSpan().Clear();
        return set;
    }

    /// <summary>A set whose every word the caller writes.</summary>
    private static EventBitset Uninitialized(int eventCount, ColumnPool? pool) =>
        pool is null ? new EventBitset(eventCount) : new EventBitset(eventCount, pool.RentWords(WordCount(eventCount)));

    internal void ClearTail()
    {
        var rem = EventCount & 63;
        if (rem != 0)
        {
            _words[^1] &= (1UL << rem) - 1;
        }
    }

    private EventBitset Same(EventBitset other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.EventCount != EventCount)
        {
            throw new ArgumentException($"Bitsets cover different samples ({EventCount} and {other.EventCount} events).", nameof(other));
        }

        return other;
    }
}
