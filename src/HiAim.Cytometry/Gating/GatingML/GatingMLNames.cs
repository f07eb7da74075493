using System.Xml.Linq;

namespace HiAim.Cytometry.Gating;

/// <summary>The Gating-ML 2.0 namespaces.</summary>
public static class GatingMLNamespaces
{
    /// <summary>Gates (<c>gating:</c>).</summary>
    public const string Gating = "http://www.isac-net.org/std/Gating-ML/v2.0/gating";

    /// <summary>Transformations and spectrum matrices (<c>transforms:</c>).</summary>
    public const string Transforms = "http://www.isac-net.org/std/Gating-ML/v2.0/transformations";

    /// <summary>Data types: dimensions, values, custom info (<c>data-type:</c>).</summary>
    public const string DataType = "http://www.isac-net.org/std/Gating-ML/v2.0/datatypes";

    internal static readonly XNamespace G = Gating;
    internal static readonly XNamespace T = Transforms;
    internal static readonly XNamespace D = DataType;

    internal const string Gns = Gating;
    internal const string Tns = Transforms;
    internal const string Dns = DataType;

    internal static bool IsGatingML(XNamespace ns) => ns == G || ns == T || ns == D;
}
