using System.Text;
using HiAim.Cytometry.Events;
using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Tests.Gating;

/// <summary>
/// Hostile or very large Gating-ML (probes D4 and R3 of ../shared/data/probes/README.md): deep nesting is refused
/// with a located error instead of overflowing the stack, long parent/operand chains and cycles are handled
/// without recursion, and large strategies load completely (the load is linear; see GatingStrategy.Add).
/// </summary>
public sealed class GatingMLRobustnessTests
{
    private const string Open = GatingMLMalformedTests.Head + "\n";

    private const string Close = "</gating:Gating-ML>\n";

    private static string Rectangle(string id, string? parent = null, string channel = "FSC-H", double min = 10) =>
        $"""<gating:RectangleGate gating:id="{id}"{(parent is null ? "" : $" gating:parent_id=\"{parent}\"")}><gating:dimension gating:compensation-ref="uncompensated" gating:min="{min}"><data-type:fcs-dimension data-type:name="{channel}" /></gating:dimension></gating:RectangleGate>""" + "\n";

    /// <summary>A gate wrapped in <paramref name="depth"/> nested elements of a foreign namespace, all on line 5.</summary>
    private static string Nested(int depth)
    {
        var sb = new StringBuilder(Open);
        for (var i = 0; i < depth; i++)
        {
            sb.Append("""<x:w xmlns:x="urn:x">""");
        }

        sb.Append(Rectangle("Deep").TrimEnd('\n'));
        for (var i = 0; i < depth; i++)
        {
            sb.Append("</x:w>");
        }

        return sb.Append('\n').Append(Close).ToString();
    }

    [Fact]
    public void D4_probe_50k_nested_foreign_elements_is_refused_with_line_and_position()
    {
        var probe = Path.Combine(SharedData.RequirePath(), "data", "probes", "D4_gatingml_nesting_50k.xml");
        // Was: "Stack overflow." and exit 134 (GatingMLReader.Collect recursed once per wrapper).
        var e = Assert.Throws<GatingMLException>(() => GatingML.Load(probe));
        Assert.Equal("x:w", e.Element);
        Assert.Equal(3, e.LineNumber);
        Assert.True(e.LinePosition > 1, e.Message);
        Assert.Contains($"at line 3, position {e.LinePosition}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"nested more than {GatingMLReader.MaxDepth} deep", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Fact]
    public void Fifty_thousand_nested_wrappers_are_refused_at_the_first_one_too_deep()
    {
        var xml = Nested(50_000);
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(xml));
        Assert.Equal("x:w", e.Element);
        Assert.Equal(5, e.LineNumber);
        // The refused wrapper is the one past the limit: MaxDepth wrappers precede it on the line.
        Assert.Equal(1 + GatingMLReader.MaxDepth * """<x:w xmlns:x="urn:x">""".Length + 1, e.LinePosition);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read_through_and_one_more_level_is_refused()
    {
        // The gate's dimension's fcs-dimension sits 3 levels below the innermost wrapper.
        var s = GatingML.Parse(Nested(GatingMLReader.MaxDepth - 3));
        Assert.Equal("Deep", Assert.Single(s.Gates).Id);
        Assert.Equal("data-type:fcs-dimension", Assert.Throws<GatingMLException>(() => GatingML.Parse(Nested(GatingMLReader.MaxDepth - 2))).Element);

        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(Nested(GatingMLReader.MaxDepth + 1)));
        Assert.Equal("x:w", e.Element);
    }

    [Fact]
    public void Wrappers_keep_document_order_across_levels()
    {
        var xml = Open + Rectangle("A") + """<x:w xmlns:x="urn:x">""" + Rectangle("B", "A") + """<x:v>""" + Rectangle("C", "B") + "</x:v>"
            + Rectangle("D", "A") + "</x:w>" + Rectangle("E") + Close;
        var s = GatingML.Parse(xml.Replace("<x:v>", """<x:v xmlns:x="urn:x">""", StringComparison.Ordinal));
        Assert.Equal(["A", "B", "C", "D", "E"], s.Gates.Select(g => g.Id));
    }

    [Fact]
    public void Located_errors_carry_the_position_and_unlocated_ones_none()
    {
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(Open + "  <gating:TriangleGate gating:id=\"T\" />\n" + Close));
        Assert.Equal(5, e.LineNumber);
        Assert.Equal(4, e.LinePosition); // after the two spaces and '<'
        Assert.Contains("at line 5, position 4:", e.Message, StringComparison.Ordinal);

        var malformed = Assert.Throws<GatingMLException>(() => GatingML.Parse(Open + "<gating:RectangleGate gating:id='x'>\n" + Close));
        Assert.True(malformed.LineNumber > 0 && malformed.LinePosition > 0, malformed.Message);

        Assert.Equal(0, new GatingMLException(null, 0, 7, "fault").LinePosition);
        Assert.Equal("Gating-ML <a> at line 2: fault", new GatingMLException("a", 2, "fault").Message);
    }

    [Fact]
    public void Parent_chain_of_100k_gates_is_ordered_without_recursion()
    {
        // Added child first, so the depth-first order must walk the whole chain from the first gate it meets.
        const int n = 100_000;
        var s = new GatingStrategy();
        for (var i = n - 1; i >= 0; i--)
        {
            s.Add(new RectangleGate($"G{i}", i == 0 ? null : $"G{i - 1}", new GateRange(new Dimension("FSC-H"), i, null)));
        }

        var order = s.EvaluationOrder();
        Assert.Equal(n, order.Count);
        Assert.Equal(Enumerable.Range(0, n).Select(i => $"G{i}"), order.Select(g => g.Id));
    }

    [Fact]
    public void Boolean_chain_of_20k_gates_loads_orders_and_applies()
    {
        // B{i} = B{i-1} AND R, written last-first: each gate's operand comes later in the document.
        const int n = 20_000;
        var sb = new StringBuilder(Open);
        for (var i = n - 1; i >= 1; i--)
        {
            sb.Append($"""<gating:BooleanGate gating:id="B{i}"><gating:and><gating:gateReference gating:ref="B{i - 1}" /><gating:gateReference gating:ref="R" /></gating:and></gating:BooleanGate>""").Append('\n');
        }

        sb.Append(Rectangle("B0", min: 2)).Append(Rectangle("R", min: 1)).Append(Close);
        var s = GatingML.Parse(sb.ToString());
        Assert.Equal(n + 1, s.Gates.Count);

        var events = new EventMatrix(["FSC-H"], [[0f, 1.5f, 3f, 4f]]);
        var result = s.Apply(events);
        Assert.Equal(2, result[$"B{n - 1}"].Count);
        Assert.Equal(3, result["R"].Count);
    }

    [Fact]
    public void Cycle_of_50k_parents_is_refused_with_a_short_message()
    {
        const int n = 50_000;
        var s = new GatingStrategy();
        for (var i = 0; i < n; i++)
        {
            s.Add(new RectangleGate($"G{i}", $"G{(i + 1) % n}", new GateRange(new Dimension("FSC-H"), 0, null)));
        }

        var e = Assert.Throws<GatingException>(() => s.EvaluationOrder());
        Assert.Contains("cycle in parents/operands: G0 → G1 → G2", e.Message, StringComparison.Ordinal);
        Assert.Contains($"G5 → … {n - 10} more … → G{n - 4}", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("→ G0.", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Fact]
    public void Short_cycles_are_still_spelled_out()
    {
        var s = new GatingStrategy()
            .Add(new RectangleGate("Root", null, new GateRange(new Dimension("FSC-H"), 0, null)))
            .Add(new RectangleGate("A", "C", new GateRange(new Dimension("FSC-H"), 0, null)))
            .Add(new RectangleGate("B", "A", new GateRange(new Dimension("FSC-H"), 0, null)))
            .Add(new RectangleGate("C", "B", new GateRange(new Dimension("FSC-H"), 0, null)));
        var e = Assert.Throws<GatingException>(() => s.EvaluationOrder());
        Assert.Equal("A", e.GateId);
        Assert.Equal("Gate 'A': cycle in parents/operands: A → C → B → A.", e.Message);
    }

    /// <summary>
    /// R3: 10k gates took 0.6 s and 100k 49 s (GatingStrategy.Add scanned every gate added so far). This checks a
    /// 50k-gate document of every gate type loads completely and correctly; the (untimed) linear cost is in Add.
    /// </summary>
    [Fact]
    public void Fifty_thousand_gate_strategy_loads_completely()
    {
        const int n = 50_000;
        var sb = new StringBuilder(Open);
        sb.Append(Rectangle("Root", min: 0));
        for (var i = 0; i < n - 4; i++)
        {
            // Every tenth gate under the previous tenth (a chain), the rest under Root.
            sb.Append(Rectangle($"G{i}", i % 10 == 0 && i > 0 ? $"G{i - 10}" : "Root", min: i % 7));
        }

        sb.Append("""
            <gating:PolygonGate gating:id="P" gating:parent_id="G0">
              <gating:dimension gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="FSC-H" /></gating:dimension>
              <gating:dimension gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="SSC-H" /></gating:dimension>
              <gating:vertex><gating:coordinate data-type:value="0" /><gating:coordinate data-type:value="0" /></gating:vertex>
              <gating:vertex><gating:coordinate data-type:value="10" /><gating:coordinate data-type:value="0" /></gating:vertex>
              <gating:vertex><gating:coordinate data-type:value="10" /><gating:coordinate data-type:value="10" /></gating:vertex>
            </gating:PolygonGate>
            <gating:QuadrantGate gating:id="Q" gating:parent_id="Root">
              <gating:divider gating:id="d1" gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="FSC-H" /><gating:value>5</gating:value></gating:divider>
              <gating:Quadrant gating:id="Qlo"><gating:position gating:divider_ref="d1" gating:location="1" /></gating:Quadrant>
              <gating:Quadrant gating:id="Qhi"><gating:position gating:divider_ref="d1" gating:location="9" /></gating:Quadrant>
            </gating:QuadrantGate>
            <gating:BooleanGate gating:id="NotP"><gating:not><gating:gateReference gating:ref="P" /></gating:not></gating:BooleanGate>

            """);
        sb.Append(Close);
        var xml = sb.ToString();

        var s = GatingML.Parse(xml);
        Assert.Equal(n, s.Gates.Count);
        Assert.Equal(n + 1, s.PopulationIds.Count); // the quadrant gate defines two populations
        Assert.Equal("G49980", s.GateOf("G49990").ParentId);
        Assert.Equal("Root", s.GateOf("G49991").ParentId);
        Assert.Equal("Qhi", s.PopulationIds[^2]);
        var order = s.EvaluationOrder();
        var at = order.Select((g, i) => (g.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        Assert.All(s.Gates.Where(g => g.ParentId is not null), g => Assert.True(at[s.GateOf(g.ParentId!).Id] < at[g.Id], g.Id));

        // Written back, it reads back the same.
        var again = GatingML.Parse(GatingML.ToXml(s));
        Assert.Equal(s.PopulationIds, again.PopulationIds);

        // A duplicate id at the very end is still found, and located.
        var duplicate = xml.Replace(Close, Rectangle("G7") + Close, StringComparison.Ordinal);
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(duplicate));
        Assert.Contains("'G7'", e.Message, StringComparison.Ordinal);
        Assert.Equal(duplicate.AsSpan().Count('\n'), e.LineNumber + 1);
    }
}
