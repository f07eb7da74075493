using HiAim.Cytometry.Gating;

namespace HiAim.Cytometry.Tests.Gating;

/// <summary>Malformed or hostile Gating-ML is refused with a message naming the element and its line.</summary>
public sealed class GatingMLMalformedTests
{
    /// <summary>The root's opening tag with the three Gating-ML namespaces, on lines 1-4.</summary>
    internal const string Head = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating"
            xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations"
            xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
        """;

    private const string Tail = "\n</gating:Gating-ML>";

    private static string Range(string id, string extra = "", string min = "100") => $"""
        <gating:RectangleGate gating:id="{id}" {extra}>
            <gating:dimension gating:compensation-ref="uncompensated" gating:min="{min}">
                <data-type:fcs-dimension data-type:name="FSC-H" />
            </gating:dimension>
        </gating:RectangleGate>
        """;

    private static GatingMLException Refused(string body)
    {
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(Head + "\n" + body + Tail));
        Assert.True(e.LineNumber > 0, e.Message);
        return e;
    }

    [Fact]
    public void Unknown_gate_type_is_refused_naming_the_element()
    {
        var e = Refused("""<gating:TriangleGate gating:id="T1" />""");
        Assert.Equal("gating:TriangleGate", e.Element);
        Assert.Contains("unknown gate type", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_element_inside_a_gate_is_refused()
    {
        var e = Refused("""
            <gating:RectangleGate gating:id="R">
                <gating:dimension gating:compensation-ref="uncompensated" gating:min="1"><data-type:fcs-dimension data-type:name="FSC-H" /></gating:dimension>
                <gating:vertex />
            </gating:RectangleGate>
            """);
        Assert.Equal("gating:vertex", e.Element);
    }

    [Fact]
    public void Missing_parent_is_refused()
    {
        var e = Refused(Range("Child", "gating:parent_id=\"Nowhere\""));
        Assert.Equal("gating:RectangleGate", e.Element);
        Assert.Contains("Nowhere", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycle_of_parents_is_refused()
    {
        var e = Refused(Range("A", "gating:parent_id=\"B\"") + Range("B", "gating:parent_id=\"A\""));
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Equal("gating:RectangleGate", e.Element);
    }

    [Fact]
    public void Boolean_cycle_is_refused()
    {
        var e = Refused("""
            <gating:BooleanGate gating:id="X"><gating:not><gating:gateReference gating:ref="Y" /></gating:not></gating:BooleanGate>
            <gating:BooleanGate gating:id="Y"><gating:not><gating:gateReference gating:ref="X" /></gating:not></gating:BooleanGate>
            """);
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Equal("gating:BooleanGate", e.Element);
    }

    [Fact]
    public void Bad_number_is_refused_naming_attribute_and_element()
    {
        var e = Refused(Range("R", min: "1O0"));
        Assert.Equal("gating:dimension", e.Element);
        Assert.Contains("bad number '1O0'", e.Message, StringComparison.Ordinal);
        Assert.Contains("gating:min", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dtd_and_entities_are_refused()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating">&xxe;</gating:Gating-ML>
            """;
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(xml));
        Assert.Equal("!DOCTYPE", e.Element);
        Assert.Equal(2, e.LineNumber);
    }

    [Fact]
    public void Not_well_formed_xml_is_refused_with_a_line()
    {
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse(Head + "\n<gating:RectangleGate gating:id=\"R\">" + Tail));
        Assert.True(e.LineNumber > 0);
    }

    [Fact]
    public void Wrong_root_is_refused()
    {
        var e = Assert.Throws<GatingMLException>(() => GatingML.Parse("<Gating-ML />"));
        Assert.Equal("Gating-ML", e.Element);
    }

    [Fact]
    public void Unknown_compensation_and_transformation_refs_are_refused()
    {
        var e = Refused("""
            <gating:RectangleGate gating:id="R">
                <gating:dimension gating:compensation-ref="NoSuchMatrix" gating:min="1"><data-type:fcs-dimension data-type:name="FSC-H" /></gating:dimension>
            </gating:RectangleGate>
            """);
        Assert.Contains("NoSuchMatrix", e.Message, StringComparison.Ordinal);
        e = Refused("""
            <gating:RectangleGate gating:id="R">
                <gating:dimension gating:compensation-ref="FCS" gating:transformation-ref="NoSuchT" gating:min="1"><data-type:fcs-dimension data-type:name="FSC-H" /></gating:dimension>
            </gating:RectangleGate>
            """);
        Assert.Contains("NoSuchT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_transformation_and_missing_attribute_are_refused()
    {
        var e = Refused("""<transforms:transformation transforms:id="X"><transforms:fwhatever transforms:T="1" /></transforms:transformation>""");
        Assert.Equal("transforms:fwhatever", e.Element);
        e = Refused("""<transforms:transformation transforms:id="X"><transforms:flog transforms:T="1" /></transforms:transformation>""");
        Assert.Contains("transforms:M", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_and_degenerate_gates_are_refused()
    {
        Assert.Contains("already", Refused(Range("R") + Range("R")).Message, StringComparison.Ordinal);
        var e = Refused("""
            <gating:PolygonGate gating:id="P">
                <gating:dimension gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="FL1-H" /></gating:dimension>
                <gating:dimension gating:compensation-ref="uncompensated"><data-type:fcs-dimension data-type:name="FL2-H" /></gating:dimension>
                <gating:vertex><gating:coordinate data-type:value="1" /><gating:coordinate data-type:value="1" /></gating:vertex>
                <gating:vertex><gating:coordinate data-type:value="2" /><gating:coordinate data-type:value="1" /></gating:vertex>
            </gating:PolygonGate>
            """);
        Assert.Contains("at least 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Foreign_wrappers_and_custom_info_are_tolerated()
    {
        var strategy = GatingML.Parse(Head + "\n<data-type:custom_info><author><name>x</name></author></data-type:custom_info><sample>" + Range("R", "gating:name=\"n\"") + "</sample>" + Tail);
        Assert.Equal(["R"], strategy.PopulationIds);
    }
}
