using System.Numerics;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Plotting;

/// <summary>Walks the events of a population (all events when the population is null).</summary>
internal static class EventSelection
{
    /// <summary>Calls <paramref name="visit"/> for every member event index, in order.</summary>
    public static void ForEach<TVisitor>(EventBitset? members, int eventCount, ref TVisitor visit)
        where TVisitor : struct, IEventVisitor, allows ref struct
    {
        if (members is null)
        {
            for (var i = 0; i < eventCount; i++)
            {
                visit.Visit(i);
            }

            return;
        }

        var words = members.Words;
        for (var w = 0; w < words.Length; w++)
        {
            var bits = words[w];
            while (bits != 0)
            {
                visit.Visit((w << 6) + BitOperations.TrailingZeroCount(bits));
                bits &= bits - 1;
            }
        }
    }

    /// <summary>At most <paramref name="max"/> non-NaN values of the members, evenly spaced over them.</summary>
    public static List<double> Sample(ReadOnlySpan<float> values, EventBitset? members, int max)
    {
        var count = members?.Count ?? values.Length;
        var step = Math.Max(1, (count + max - 1) / max);
        var list = new List<double>(Math.Min(count, max) + 1);
        var k = 0;
        if (members is null)
        {
            for (var i = 0; i < values.Length; i += step)
            {
                Add(values[i]);
            }

            return list;
        }

        var words = members.Words;
        for (var w = 0; w < words.Length; w++)
        {
            var bits = words[w];
            while (bits != 0)
            {
                if (k++ % step == 0)
                {
                    Add(values[(w << 6) + BitOperations.TrailingZeroCount(bits)]);
                }

                bits &= bits - 1;
            }
        }

        return list;

        void Add(float v)
        {
            if (!float.IsNaN(v))
            {
                list.Add(v);
            }
        }
    }
}

/// <summary>A per-event callback that the JIT can inline (a struct, not a delegate).</summary>
internal interface IEventVisitor
{
    void Visit(int eventIndex);
}
