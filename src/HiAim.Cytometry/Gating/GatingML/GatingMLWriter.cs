using System.Globalization;
using System.Xml;
using HiAim.Cytometry.Transforms;
using static HiAim.Cytometry.Gating.GatingMLNamespaces;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// Writes a <see cref="GatingStrategy"/> as Gating-ML 2.0: spectrum matrices, one
/// transforms:transformation per distinct transform and ratio (ids derived from the parameters,
/// ratio ids kept), then the gates in strategy order. Numbers use the shortest round-trip form.
/// </summary>
internal static class GatingMLWriter
{
    public static void Write(GatingStrategy strategy, TextWriter text)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var dimensions = strategy.Gates.SelectMany(g => g.Dimensions).ToList();
        var transformIds = new Dictionary<string, (string Id, Transform Transform)>(StringComparer.Ordinal);
        var ratios = new Dictionary<string, RatioDimension>(StringComparer.Ordinal);
        foreach (var d in dimensions)
        {
            if (d.Transform is { } t && !transformIds.ContainsKey(t.ToString()!))
            {
                transformIds[t.ToString()!] = (TransformId(t, transformIds.Count), t);
            }

            if (d.Ratio is { } r)
            {
                if (ratios.TryGetValue(r.Id, out var existing) && existing.Key != r.Key)
                {
                    throw new GatingException(null, $"two different ratios share the id '{r.Id}'.");
                }

                ratios[r.Id] = r;
            }
        }

        var settings = new XmlWriterSettings { Indent = true, IndentChars = "    ", NewLineChars = "\n", Encoding = new System.Text.UTF8Encoding(false) };
        using var w = XmlWriter.Create(text, settings);
        w.WriteStartDocument();
        w.WriteStartElement("gating", "Gating-ML", Gns);
        w.WriteAttributeString("xmlns", "transforms", null, Tns);
        w.WriteAttributeString("xmlns", "data-type", null, Dns);

        foreach (var m in strategy.Matrices.Values)
        {
            w.WriteStartElement("spectrumMatrix", Tns);
            w.WriteAttributeString("id", Tns, m.Id);
            WriteNames(w, "fluorochromes", m.Fluorochromes);
            WriteNames(w, "detectors", m.Detectors);
            for (var i = 0; i < m.Fluorochromes.Count; i++)
            {
                w.WriteStartElement("spectrum", Tns);
                for (var j = 0; j < m.Detectors.Count; j++)
                {
                    w.WriteStartElement("coefficient", Tns);
                    w.WriteAttributeString("value", Tns, Num(m.Spillover[i, j]));
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        foreach (var r in ratios.Values)
        {
            w.WriteStartElement("transformation", Tns);
            w.WriteAttributeString("id", Tns, r.Id);
            w.WriteStartElement("fratio", Tns);
            w.WriteAttributeString("A", Tns, Num(r.A));
            w.WriteAttributeString("B", Tns, Num(r.B));
            w.WriteAttributeString("C", Tns, Num(r.C));
            FcsDimension(w, r.Numerator);
            FcsDimension(w, r.Denominator);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        foreach (var (id, t) in transformIds.Values)
        {
            w.WriteStartElement("transformation", Tns);
            w.WriteAttributeString("id", Tns, id);
            var (name, parameters) = Describe(t);
            w.WriteStartElement(name, Tns);
            foreach (var (p, v) in parameters)
            {
                w.WriteAttributeString(p, Tns, Num(v));
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        foreach (var gate in strategy.Gates)
        {
            WriteGate(w, gate, transformIds);
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteGate(XmlWriter w, Gate gate, Dictionary<string, (string Id, Transform Transform)> transforms)
    {
        w.WriteStartElement(gate switch
        {
            RectangleGate => "RectangleGate",
            PolygonGate => "PolygonGate",
            EllipsoidGate => "EllipsoidGate",
            QuadrantGate => "QuadrantGate",
            _ => "BooleanGate",
        }, Gns);
        w.WriteAttributeString("id", Gns, gate.Id);
        if (gate.ParentId is { } parent)
        {
            w.WriteAttributeString("parent_id", Gns, parent);
        }

        switch (gate)
        {
            case RectangleGate r:
                foreach (var range in r.Ranges)
                {
                    w.WriteStartElement("dimension", Gns);
                    DimensionAttributes(w, range.Dimension, transforms);
                    if (range.Min is { } min)
                    {
                        w.WriteAttributeString("min", Gns, Num(min));
                    }

                    if (range.Max is { } max)
                    {
                        w.WriteAttributeString("max", Gns, Num(max));
                    }

                    DimensionChild(w, range.Dimension);
                    w.WriteEndElement();
                }

                break;
            case PolygonGate p:
                WriteDimension(w, p.X, transforms);
                WriteDimension(w, p.Y, transforms);
                foreach (var (x, y) in p.Vertices)
                {
                    w.WriteStartElement("vertex", Gns);
                    Coordinate(w, x);
                    Coordinate(w, y);
                    w.WriteEndElement();
                }

                break;
            case EllipsoidGate e:
                foreach (var d in e.Dimensions)
                {
                    WriteDimension(w, d, transforms);
                }

                w.WriteStartElement("mean", Gns);
                foreach (var m in e.Mean)
                {
                    Coordinate(w, m);
                }

                w.WriteEndElement();
                w.WriteStartElement("covarianceMatrix", Gns);
                var cov = e.Covariance();
                for (var i = 0; i < cov.GetLength(0); i++)
                {
                    w.WriteStartElement("row", Gns);
                    for (var j = 0; j < cov.GetLength(1); j++)
                    {
                        w.WriteStartElement("entry", Gns);
                        w.WriteAttributeString("value", Dns, Num(cov[i, j]));
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                w.WriteEndElement();
                w.WriteStartElement("distanceSquare", Gns);
                w.WriteAttributeString("value", Dns, Num(e.DistanceSquare));
                w.WriteEndElement();
                break;
            case QuadrantGate q:
                foreach (var d in q.Dividers)
                {
                    w.WriteStartElement("divider", Gns);
                    w.WriteAttributeString("id", Gns, d.Id);
                    DimensionAttributes(w, d.Dimension, transforms);
                    DimensionChild(w, d.Dimension);
                    foreach (var v in d.Values)
                    {
                        w.WriteElementString("value", Gns, Num(v));
                    }

                    w.WriteEndElement();
                }

                foreach (var quadrant in q.Quadrants)
                {
                    w.WriteStartElement("Quadrant", Gns);
                    w.WriteAttributeString("id", Gns, quadrant.Id);
                    foreach (var pos in quadrant.Positions)
                    {
                        w.WriteStartElement("position", Gns);
                        w.WriteAttributeString("divider_ref", Gns, pos.DividerId);
                        w.WriteAttributeString("location", Gns, Num(pos.Location));
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                break;
            case BooleanGate b:
                w.WriteStartElement(b.Operator switch { BooleanOperator.And => "and", BooleanOperator.Or => "or", _ => "not" }, Gns);
                foreach (var o in b.Operands)
                {
                    w.WriteStartElement("gateReference", Gns);
                    w.WriteAttributeString("ref", Gns, o.PopulationId);
                    if (o.Complement)
                    {
                        w.WriteAttributeString("use-as-complement", Gns, "true");
                    }

                    w.WriteEndElement();
                }

                w.WriteEndElement();
                break;
        }

        w.WriteEndElement();
    }

    private static void WriteDimension(XmlWriter w, Dimension d, Dictionary<string, (string Id, Transform Transform)> transforms)
    {
        w.WriteStartElement("dimension", Gns);
        DimensionAttributes(w, d, transforms);
        DimensionChild(w, d);
        w.WriteEndElement();
    }

    private static void DimensionAttributes(XmlWriter w, Dimension d, Dictionary<string, (string Id, Transform Transform)> transforms)
    {
        w.WriteAttributeString("compensation-ref", Gns, d.Compensation);
        if (d.Transform is { } t)
        {
            w.WriteAttributeString("transformation-ref", Gns, transforms[t.ToString()!].Id);
        }
    }

    private static void DimensionChild(XmlWriter w, Dimension d)
    {
        if (d.Ratio is { } r)
        {
            w.WriteStartElement("new-dimension", Dns);
            w.WriteAttributeString("transformation-ref", Dns, r.Id);
            w.WriteEndElement();
        }
        else
        {
            FcsDimension(w, d.Channel!);
        }
    }

    private static void FcsDimension(XmlWriter w, string name)
    {
        w.WriteStartElement("fcs-dimension", Dns);
        w.WriteAttributeString("name", Dns, name);
        w.WriteEndElement();
    }

    private static void WriteNames(XmlWriter w, string element, IReadOnlyList<string> names)
    {
        w.WriteStartElement(element, Tns);
        foreach (var n in names)
        {
            FcsDimension(w, n);
        }

        w.WriteEndElement();
    }

    private static void Coordinate(XmlWriter w, double value)
    {
        w.WriteStartElement("coordinate", Gns);
        w.WriteAttributeString("value", Dns, Num(value));
        w.WriteEndElement();
    }

    private static (string Name, (string, double)[] Parameters) Describe(Transform t) => t switch
    {
        LinearTransform l => ("flin", [("T", l.T), ("A", l.A)]),
        LogTransform l => ("flog", [("T", l.T), ("M", l.M)]),
        Arcsinh { Cofactor: not null } => throw new NotSupportedException($"Transform {t} (asinh with a cofactor) has no exact Gating-ML 2.0 fasinh form; use new Arcsinh(T, M, A)."),
        Arcsinh a => ("fasinh", [("T", a.T), ("M", a.M), ("A", a.A)]),
        Logicle l => ("logicle", [("T", l.T), ("W", l.W), ("M", l.M), ("A", l.A)]),
        Hyperlog h => ("hyperlog", [("T", h.T), ("W", h.W), ("M", h.M), ("A", h.A)]),
        _ => throw new NotSupportedException($"Transform {t} has no Gating-ML 2.0 equivalent (Gating-ML defines flin, flog, fasinh, logicle, hyperlog and fratio)."),
    };

    private static string TransformId(Transform t, int index)
    {
        var (name, parameters) = Describe(t);
        return FormattableString.Invariant($"{name}_{string.Join("_", parameters.Select(p => Num(p.Item2)))}") is var id && id.Length <= 64 ? id : $"{name}_{index + 1}";
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
