using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using HiAim.Cytometry.Transforms;
using MathNet.Numerics.LinearAlgebra;
using static HiAim.Cytometry.Gating.GatingMLNamespaces;

namespace HiAim.Cytometry.Gating;

/// <summary>
/// Reads Gating-ML 2.0 into a <see cref="GatingStrategy"/>. DTDs and external entities are refused
/// (<see cref="DtdProcessing.Prohibit"/>, no resolver). Elements in the Gating-ML namespaces must be
/// ones the reader knows; <c>data-type:custom_info</c> is skipped; elements in other namespaces are
/// treated as transparent wrappers (their Gating-ML children are read). Unknown attributes are ignored.
/// </summary>
internal sealed class GatingMLReader
{
    private readonly Dictionary<string, (Transform? Transform, RatioDimension? Ratio, XElement Element)> _transforms = new(StringComparer.Ordinal);
    private readonly GatingStrategy _strategy = new();

    /// <summary>
    /// How deep elements may nest (the root is depth 0). Gating-ML documents nest a few levels (wrappers in other
    /// namespaces and custom_info content add some); deeper ones are refused with the element's line and position.
    /// </summary>
    internal const int MaxDepth = 256;

    public static GatingStrategy Read(TextReader text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersFromEntities = 0,
        };
        XDocument doc;
        var content = text.ReadToEnd();
        try
        {
            CheckDepth(content, settings);
            using var xml = XmlReader.Create(new StringReader(content), settings);
            doc = XDocument.Load(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            var dtd = e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase);
            var line = e.LineNumber > 0 ? e.LineNumber : LineOf(content, dtd ? "<!DOCTYPE" : null);
            var fault = dtd
                ? "DTDs and entity declarations are not allowed in Gating-ML documents (refused for security)."
                : $"not well-formed XML: {e.Message}";
            throw new GatingMLException(dtd ? "!DOCTYPE" : null, line, e.LineNumber > 0 ? e.LinePosition : 0, fault, e);
        }

        return new GatingMLReader().ReadDocument(doc);
    }

    /// <summary>
    /// A streaming pass before the document is built: XDocument.Load takes time quadratic in the nesting depth
    /// (50,000 nested elements: over a minute), and Gating-ML nests a few levels, so deep documents are refused first.
    /// </summary>
    private static void CheckDepth(string content, XmlReaderSettings settings)
    {
        using var scan = XmlReader.Create(new StringReader(content), settings);
        var at = (IXmlLineInfo)scan;
        while (scan.Read())
        {
            if (scan.Depth > MaxDepth && scan.NodeType == XmlNodeType.Element)
            {
                throw new GatingMLException(scan.Name, at.LineNumber, at.LinePosition, $"elements nested more than {MaxDepth} deep; Gating-ML documents nest a few levels.");
            }
        }
    }

    private static int LineOf(string content, string? marker)
    {
        var at = marker is null ? -1 : content.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? 0 : 1 + content.AsSpan(0, at).Count('\n');
    }

    private GatingStrategy ReadDocument(XDocument doc)
    {
        var root = doc.Root ?? throw new GatingMLException(null, 0, "the document has no root element.");
        if (root.Name != G + "Gating-ML")
        {
            throw Fail(root, $"the root element must be gating:Gating-ML in namespace {Gns}.");
        }

        var matrices = new List<XElement>();
        var transformations = new List<XElement>();
        var gates = new List<XElement>();
        Collect(root, matrices, transformations, gates);

        foreach (var m in matrices)
        {
            _strategy.Add(ReadMatrix(m));
        }

        foreach (var t in transformations)
        {
            ReadTransformation(t);
        }

        foreach (var g in gates)
        {
            var gate = ReadGate(g);
            try
            {
                _strategy.Add(gate);
            }
            catch (GatingException e)
            {
                throw Fail(g, e.Message, e);
            }
        }

        try
        {
            _strategy.EvaluationOrder();
        }
        catch (GatingException e)
        {
            var element = gates.FirstOrDefault(g => Attr(g, G, "id") == e.GateId || g.Descendants(G + "Quadrant").Any(q => Attr(q, G, "id") == e.GateId));
            throw element is null ? new GatingMLException(null, 0, e.Message, e) : Fail(element, e.Message, e);
        }

        return _strategy;
    }

    /// <summary>
    /// Gathers the matrices, transformations and gates in document order, looking through elements of other
    /// namespaces. Iterative (a stack of open wrappers, not recursion), so nesting cannot exhaust the stack.
    /// </summary>
    private static void Collect(XElement root, List<XElement> matrices, List<XElement> transformations, List<XElement> gates)
    {
        var open = new Stack<XElement>();
        var next = FirstChild(root);
        while (true)
        {
            if (next is null)
            {
                if (open.Count == 0)
                {
                    return;
                }

                next = NextSibling(open.Pop());
                continue;
            }

            var e = next;
            next = NextSibling(e);
            if (e.Name == D + "custom_info")
            {
                continue;
            }

            if (!IsGatingML(e.Name.Namespace))
            {
                open.Push(e);
                next = FirstChild(e);
                continue;
            }

            if (e.Name == T + "spectrumMatrix")
            {
                matrices.Add(e);
            }
            else if (e.Name == T + "transformation")
            {
                transformations.Add(e);
            }
            else if (e.Name.Namespace == G && e.Name.LocalName is "RectangleGate" or "PolygonGate" or "EllipsoidGate" or "QuadrantGate" or "BooleanGate")
            {
                gates.Add(e);
            }
            else
            {
                throw Fail(e, e.Name.Namespace == G && e.Name.LocalName.EndsWith("Gate", StringComparison.Ordinal)
                    ? "unknown gate type (Gating-ML 2.0 defines RectangleGate, PolygonGate, EllipsoidGate, QuadrantGate and BooleanGate)."
                    : "unknown element here (expected a gate, transforms:transformation, transforms:spectrumMatrix or data-type:custom_info).");
            }
        }
    }

    private static XElement? FirstChild(XElement e) => e.Elements().FirstOrDefault();

    private static XElement? NextSibling(XElement e) => e.ElementsAfterSelf().FirstOrDefault();

    private static SpectrumMatrix ReadMatrix(XElement e)
    {
        var id = Required(e, T, "id");
        var fluorochromes = Child(e, T + "fluorochromes").Elements(D + "fcs-dimension").Select(f => Required(f, D, "name")).ToList();
        var detectors = Child(e, T + "detectors").Elements(D + "fcs-dimension").Select(f => Required(f, D, "name")).ToList();
        var rows = e.Elements(T + "spectrum").ToList();
        CheckChildren(e, T + "fluorochromes", T + "detectors", T + "spectrum");
        if (rows.Count != fluorochromes.Count || fluorochromes.Count != detectors.Count || fluorochromes.Count == 0)
        {
            throw Fail(e, $"spectrum matrix '{id}' has {fluorochromes.Count} fluorochromes, {detectors.Count} detectors and {rows.Count} spectrum rows; only non-empty square matrices are supported.");
        }

        var n = fluorochromes.Count;
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            var coefficients = rows[i].Elements(T + "coefficient").ToList();
            CheckChildren(rows[i], T + "coefficient");
            if (coefficients.Count != n)
            {
                throw Fail(rows[i], $"spectrum row {i + 1} of '{id}' has {coefficients.Count} coefficients; expected {n}.");
            }

            for (var j = 0; j < n; j++)
            {
                m[i, j] = Number(coefficients[j], T, "value");
            }
        }

        if (string.Equals(Attr(e, T, "matrix-inverted-already"), "true", StringComparison.Ordinal))
        {
            var inverse = Matrix<double>.Build.Dense(n, n, (i, j) => m[i, j]);
            if (inverse.Determinant() == 0)
            {
                throw Fail(e, $"spectrum matrix '{id}' is marked inverted already but is singular.");
            }

            m = inverse.Inverse().ToArray();
        }

        try
        {
            return new SpectrumMatrix(id, fluorochromes, detectors, m);
        }
        catch (ArgumentException ex)
        {
            throw Fail(e, ex.Message, ex);
        }
    }

    private void ReadTransformation(XElement e)
    {
        var id = Required(e, T, "id");
        var children = e.Elements().Where(c => c.Name != D + "custom_info").ToList();
        if (children.Count != 1)
        {
            throw Fail(e, $"transformation '{id}' must hold exactly one of flin, flog, fasinh, logicle, hyperlog, fratio; it holds {children.Count} elements.");
        }

        var t = children[0];
        if (_transforms.ContainsKey(id))
        {
            throw Fail(e, $"transformation id '{id}' is defined twice.");
        }

        try
        {
            if (t.Name == T + "fratio")
            {
                var dims = t.Elements(D + "fcs-dimension").Select(f => Required(f, D, "name")).ToList();
                CheckChildren(t, D + "fcs-dimension");
                if (dims.Count != 2)
                {
                    throw Fail(t, $"fratio '{id}' needs exactly two data-type:fcs-dimension children, not {dims.Count}.");
                }

                _transforms[id] = (null, new RatioDimension(id, dims[0], dims[1], Number(t, T, "A"), Number(t, T, "B"), Number(t, T, "C")), e);
                return;
            }

            CheckChildren(t);
            Transform transform = t.Name.Namespace != T ? throw Fail(t, "unknown transformation.") : t.Name.LocalName switch
            {
                "flin" => new LinearTransform(Number(t, T, "T"), Number(t, T, "A")),
                "flog" => new LogTransform(Number(t, T, "T"), Number(t, T, "M")),
                "fasinh" => new Arcsinh(Number(t, T, "T"), Number(t, T, "M"), Number(t, T, "A")),
                "logicle" => new Logicle(Number(t, T, "T"), Number(t, T, "W"), Number(t, T, "M"), Number(t, T, "A")),
                "hyperlog" => new Hyperlog(Number(t, T, "T"), Number(t, T, "W"), Number(t, T, "M"), Number(t, T, "A")),
                _ => throw Fail(t, "unknown transformation (Gating-ML 2.0 defines flin, flog, fasinh, logicle, hyperlog and fratio)."),
            };
            _transforms[id] = (transform, null, e);
        }
        catch (ArgumentException ex)
        {
            throw Fail(t, $"invalid parameters for transformation '{id}': {ex.Message}", ex);
        }
    }

    private Gate ReadGate(XElement e)
    {
        var id = Required(e, G, "id");
        var parent = Attr(e, G, "parent_id");
        try
        {
            return e.Name.LocalName switch
            {
                "RectangleGate" => ReadRectangle(e, id, parent),
                "PolygonGate" => ReadPolygon(e, id, parent),
                "EllipsoidGate" => ReadEllipsoid(e, id, parent),
                "QuadrantGate" => ReadQuadrant(e, id, parent),
                _ => ReadBoolean(e, id, parent),
            };
        }
        catch (ArgumentException ex)
        {
            throw Fail(e, ex.Message, ex);
        }
    }

    private RectangleGate ReadRectangle(XElement e, string id, string? parent)
    {
        CheckChildren(e, G + "dimension");
        var ranges = new List<GateRange>();
        foreach (var d in e.Elements(G + "dimension"))
        {
            var min = OptionalNumber(d, G, "min");
            var max = OptionalNumber(d, G, "max");
            if (min is null && max is null)
            {
                throw Fail(d, $"rectangle gate '{id}': a dimension needs gating:min, gating:max or both.");
            }

            if (min is { } lo && max is { } hi && !(lo < hi))
            {
                throw Fail(d, $"rectangle gate '{id}': gating:min {lo.ToString("R", CultureInfo.InvariantCulture)} is not below gating:max {hi.ToString("R", CultureInfo.InvariantCulture)}.");
            }

            ranges.Add(new GateRange(ReadDimension(d), min, max));
        }

        if (ranges.Count == 0)
        {
            throw Fail(e, $"rectangle gate '{id}' has no gating:dimension.");
        }

        return new RectangleGate(id, parent, ranges);
    }

    private PolygonGate ReadPolygon(XElement e, string id, string? parent)
    {
        CheckChildren(e, G + "dimension", G + "vertex");
        var dims = e.Elements(G + "dimension").Select(ReadDimension).ToList();
        if (dims.Count != 2)
        {
            throw Fail(e, $"polygon gate '{id}' needs exactly 2 gating:dimension elements, not {dims.Count}.");
        }

        var vertices = new List<(double, double)>();
        foreach (var v in e.Elements(G + "vertex"))
        {
            CheckChildren(v, G + "coordinate");
            var c = v.Elements(G + "coordinate").Select(x => Number(x, D, "value")).ToList();
            if (c.Count != 2)
            {
                throw Fail(v, $"polygon gate '{id}': a vertex needs 2 gating:coordinate elements, not {c.Count}.");
            }

            vertices.Add((c[0], c[1]));
        }

        if (vertices.Count < 3)
        {
            throw Fail(e, $"polygon gate '{id}' has {vertices.Count} vertices; it needs at least 3.");
        }

        return new PolygonGate(id, parent, dims[0], dims[1], vertices);
    }

    private EllipsoidGate ReadEllipsoid(XElement e, string id, string? parent)
    {
        CheckChildren(e, G + "dimension", G + "mean", G + "covarianceMatrix", G + "distanceSquare");
        var dims = e.Elements(G + "dimension").Select(ReadDimension).ToList();
        var meanElement = Child(e, G + "mean");
        CheckChildren(meanElement, G + "coordinate");
        var mean = meanElement.Elements(G + "coordinate").Select(x => Number(x, D, "value")).ToList();
        var cov = Child(e, G + "covarianceMatrix");
        CheckChildren(cov, G + "row");
        var rows = cov.Elements(G + "row").Select(r =>
        {
            CheckChildren(r, G + "entry");
            return r.Elements(G + "entry").Select(x => Number(x, D, "value")).ToList();
        }).ToList();
        var n = dims.Count;
        if (n < 2 || mean.Count != n || rows.Count != n || rows.Any(r => r.Count != n))
        {
            throw Fail(e, $"ellipsoid gate '{id}': {n} dimensions, {mean.Count} mean coordinates and a {rows.Count}-row covariance matrix; it needs n ≥ 2 dimensions, n coordinates and n×n entries.");
        }

        var matrix = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                matrix[i, j] = rows[i][j];
            }
        }

        var d2 = Number(Child(e, G + "distanceSquare"), D, "value");
        return new EllipsoidGate(id, parent, dims, mean, matrix, d2);
    }

    private QuadrantGate ReadQuadrant(XElement e, string id, string? parent)
    {
        CheckChildren(e, G + "divider", G + "Quadrant");
        var dividers = new List<QuadrantDivider>();
        foreach (var d in e.Elements(G + "divider"))
        {
            CheckChildren(d, G + "value", D + "fcs-dimension", D + "new-dimension");
            var values = d.Elements(G + "value").Select(v => ParseNumber(v, v.Value, "text")).ToList();
            if (values.Count == 0)
            {
                throw Fail(d, $"quadrant gate '{id}': divider has no gating:value.");
            }

            dividers.Add(new QuadrantDivider(Required(d, G, "id"), ReadDimension(d), values));
        }

        var quadrants = new List<Quadrant>();
        foreach (var q in e.Elements(G + "Quadrant"))
        {
            CheckChildren(q, G + "position");
            var positions = q.Elements(G + "position").Select(p =>
            {
                var divider = Required(p, G, "divider_ref");
                if (!dividers.Any(d => d.Id == divider))
                {
                    throw Fail(p, $"quadrant gate '{id}': divider_ref '{divider}' names no divider of the gate.");
                }

                return new QuadrantPosition(divider, Number(p, G, "location"));
            }).ToList();
            quadrants.Add(new Quadrant(Required(q, G, "id"), positions));
        }

        return new QuadrantGate(id, parent, dividers, quadrants);
    }

    private static BooleanGate ReadBoolean(XElement e, string id, string? parent)
    {
        CheckChildren(e, G + "and", G + "or", G + "not");
        var ops = e.Elements().Where(c => c.Name != D + "custom_info").ToList();
        if (ops.Count != 1)
        {
            throw Fail(e, $"boolean gate '{id}' needs exactly one of gating:and, gating:or, gating:not.");
        }

        var op = ops[0].Name.LocalName switch
        {
            "and" => BooleanOperator.And,
            "or" => BooleanOperator.Or,
            _ => BooleanOperator.Not,
        };
        CheckChildren(ops[0], G + "gateReference");
        var refs = ops[0].Elements(G + "gateReference").Select(r => new GateReference(
            Required(r, G, "ref"),
            Attr(r, G, "use-as-complement") switch
            {
                null or "false" or "0" => false,
                "true" or "1" => true,
                var other => throw Fail(r, $"use-as-complement must be true or false, not '{other}'."),
            })).ToList();
        var expected = op == BooleanOperator.Not ? refs.Count == 1 : refs.Count >= 2;
        if (!expected)
        {
            throw Fail(ops[0], $"boolean gate '{id}': {ops[0].Name.LocalName} takes {(op == BooleanOperator.Not ? "exactly one" : "two or more")} gating:gateReference, not {refs.Count}.");
        }

        return new BooleanGate(id, parent, op, refs);
    }

    /// <summary>A gating:dimension or gating:divider: compensation, optional transformation, and one fcs- or new-dimension.</summary>
    private Dimension ReadDimension(XElement d)
    {
        var compensation = Required(d, G, "compensation-ref");
        var transformRef = Attr(d, G, "transformation-ref");
        Transform? transform = null;
        if (transformRef is not null)
        {
            if (!_transforms.TryGetValue(transformRef, out var t) || t.Transform is null)
            {
                throw Fail(d, t.Ratio is not null
                    ? $"transformation-ref '{transformRef}' is an fratio; use it in data-type:new-dimension."
                    : $"transformation-ref '{transformRef}' names no transformation of the document.");
            }

            transform = t.Transform;
        }

        if (compensation is not (CompensationRef.File or CompensationRef.Uncompensated) && !_strategy.Matrices.ContainsKey(compensation))
        {
            throw Fail(d, $"compensation-ref '{compensation}' names no spectrum matrix of the document (and is not FCS or uncompensated).");
        }

        var fcs = d.Elements(D + "fcs-dimension").ToList();
        var created = d.Elements(D + "new-dimension").ToList();
        if (fcs.Count + created.Count != 1)
        {
            throw Fail(d, "needs exactly one data-type:fcs-dimension or data-type:new-dimension.");
        }

        if (fcs.Count == 1)
        {
            return new Dimension(Required(fcs[0], D, "name"), compensation, transform);
        }

        var ratioRef = Required(created[0], D, "transformation-ref");
        if (!_transforms.TryGetValue(ratioRef, out var r) || r.Ratio is null)
        {
            throw Fail(created[0], $"transformation-ref '{ratioRef}' names no fratio transformation of the document.");
        }

        return new Dimension(r.Ratio, compensation, transform);
    }

    private static void CheckChildren(XElement e, params XName[] allowed)
    {
        foreach (var c in e.Elements())
        {
            if (c.Name != D + "custom_info" && !allowed.Contains(c.Name))
            {
                throw Fail(c, $"unexpected element inside <{Display(e)}>{(allowed.Length == 0 ? " (it takes no children)" : $" (allowed: {string.Join(", ", allowed.Select(a => Display(e, a)))})")}.");
            }
        }
    }

    private static XElement Child(XElement e, XName name) =>
        e.Element(name) ?? throw Fail(e, $"missing child element {Display(e, name)}.");

    private static string? Attr(XElement e, XNamespace ns, string name) =>
        (e.Attribute(ns + name) ?? e.Attribute(name))?.Value;

    private static string Required(XElement e, XNamespace ns, string name)
    {
        var v = Attr(e, ns, name);
        return string.IsNullOrWhiteSpace(v) ? throw Fail(e, $"missing required attribute {Prefix(e, ns)}:{name}.") : v.Trim();
    }

    private static double Number(XElement e, XNamespace ns, string name) => ParseNumber(e, Required(e, ns, name), ns, name);

    private static double? OptionalNumber(XElement e, XNamespace ns, string name) =>
        Attr(e, ns, name) is { } v ? ParseNumber(e, v, ns, name) : null;

    private static double ParseNumber(XElement e, string text, string what) => ParseNumber(e, text, null, what);

    /// <summary>Parses a number; the attribute's prefix (a walk up the ancestors) is looked up only for the error.</summary>
    private static double ParseNumber(XElement e, string text, XNamespace? ns, string name)
    {
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
        {
            return v;
        }

        var what = ns is null ? name : $"{Prefix(e, ns)}:{name}";
        throw Fail(e, $"bad number '{Internals.Echo.Clip(text.Trim())}' in {what} (expected a finite decimal number).");
    }

    private static string Prefix(XElement e, XNamespace ns) => e.GetPrefixOfNamespace(ns) ?? (ns == G ? "gating" : ns == T ? "transforms" : "data-type");

    private static string Display(XElement e) => Display(e, e.Name);

    private static string Display(XElement context, XName name)
    {
        var prefix = name.Namespace == XNamespace.None ? null : context.GetPrefixOfNamespace(name.Namespace);
        return prefix is null ? name.LocalName : $"{prefix}:{name.LocalName}";
    }

    private static GatingMLException Fail(XElement e, string fault, Exception? inner = null)
    {
        IXmlLineInfo at = e;
        return at.HasLineInfo() ? new(Display(e), at.LineNumber, at.LinePosition, fault, inner) : new(Display(e), 0, fault, inner);
    }
}
