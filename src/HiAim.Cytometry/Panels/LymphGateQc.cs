using System.Globalization;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Statistics;

namespace HiAim.Cytometry.Panels;

/// <summary>
/// Lymphocyte-gate purity and recovery from CD45 vs SSC (domain.md §2.2 step 3, §2.3), judged against a lymphocyte
/// cluster found among leukocytes independently of the placed gate's SSC cut:
/// <list type="number">
/// <item>Centre: ln SSC at the lowest SSC mode of the leukocytes (lymphocytes scatter least), CD45 (asinh-scaled) at the
/// median of leukocytes within ±0.1 ln SSC of it.</item>
/// <item>Three refinements: median and robust SD (1.4826 MAD; at least 0.02 ln SSC, 0.01 CD45) of the leukocytes within
/// ±3 robust SD of the centre in both axes (±0.1 ln SSC and every CD45 at first).</item>
/// <item>Cluster: leukocytes within the ellipse of 3.5 robust SD about the centre (99.8 % of a Gaussian cluster).</item>
/// </list>
/// Purity = |gate ∩ cluster| / |gate|, recovery = |gate ∩ cluster| / |cluster|; monocyte-like = gate events with CD45 at or
/// above the cluster's lower CD45 edge and SSC above its upper SSC edge, per gate event. A slipped SSC cut lowers recovery
/// (too tight) or raises monocyte-like events (too loose); a CD45 cut inside the cluster lowers recovery too.
/// </summary>
internal static class LymphGateQc
{
    /// <summary>Cluster half-width in robust SDs.</summary>
    public const double ClusterSds = 3.5;

    /// <summary>Purity, recovery and monocyte-like share, percent; null when no lymphocyte SSC mode is found.</summary>
    public static (double Purity, double Recovery, double Monocytes, int Cluster)? Measure(float[] cd45, ReadOnlySpan<float> ssc, EventBitset leukocytes, EventBitset gate)
    {
        var idx = leukocytes.ToIndices();
        if (idx.Length < 50)
        {
            return null;
        }

        var x = new double[idx.Length];
        var y = new double[idx.Length];
        for (var k = 0; k < idx.Length; k++)
        {
            x[k] = cd45[idx[k]];
            y[k] = Math.Log(Math.Max(ssc[idx[k]], 1f));
        }

        if (Density.FirstValley(y, Math.Log(100), Math.Log(300_000), 0.02, 4, 0.02, 0.1) is not { } fv)
        {
            return null;
        }

        double cy = fv.FirstMode, sy = 0.1 / 3, cx = 0, sx = double.PositiveInfinity;
        for (var round = 0; round < 4; round++)
        {
            var wx = new List<double>();
            var wy = new List<double>();
            for (var k = 0; k < x.Length; k++)
            {
                if (Math.Abs(y[k] - cy) <= 3 * sy && Math.Abs(x[k] - cx) <= 3 * sx)
                {
                    wx.Add(x[k]);
                    wy.Add(y[k]);
                }
            }

            if (wx.Count < 20)
            {
                return null;
            }

            (cx, var rx) = MedianSd(wx);
            if (round > 0)
            {
                (cy, var ry) = MedianSd(wy);
                sy = Math.Max(ry, 0.02);
            }

            sx = Math.Max(rx, 0.01);
        }

        int inCluster = 0, both = 0, monocytes = 0;
        for (var k = 0; k < x.Length; k++)
        {
            double dx = (x[k] - cx) / sx, dy = (y[k] - cy) / sy;
            var member = (dx * dx) + (dy * dy) <= ClusterSds * ClusterSds;
            var gated = gate[idx[k]];
            inCluster += member ? 1 : 0;
            both += member && gated ? 1 : 0;
            monocytes += gated && !member && dy > ClusterSds && dx >= -ClusterSds ? 1 : 0;
        }

        var g = gate.Count;
        return (g == 0 ? 0 : 100.0 * both / g, inCluster == 0 ? 0 : 100.0 * both / inCluster, g == 0 ? 0 : 100.0 * monocytes / g, inCluster);
    }

    private static (double Median, double Sd) MedianSd(List<double> values)
    {
        var v = values.ToArray();
        var median = Density.Select(v, v.Length / 2);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = Math.Abs(v[i] - median);
        }

        return (median, 1.4826 * Density.Select(v, v.Length / 2));
    }

    /// <summary>The failed ones of purity, recovery and monocyte contamination for a placed gate.</summary>
    public static IEnumerable<QcFlag> Flags(float[] cd45, ReadOnlySpan<float> ssc, EventBitset leukocytes, EventBitset gate)
    {
        if (Measure(cd45, ssc, leukocytes, gate) is not { } m)
        {
            return [];
        }

        var inv = CultureInfo.InvariantCulture;
        var flags = new List<QcFlag>();
        if (m.Purity < TbnkQc.MinLymphGatePurity)
        {
            flags.Add(new(QcCheck.LymphGatePurity, string.Create(inv, $"lymphocyte gate purity {m.Purity:F1} % (gate events in the CD45bright/SSClow lymphocyte cluster), below {TbnkQc.MinLymphGatePurity:0} %"), m.Purity, string.Create(inv, $"≥ {TbnkQc.MinLymphGatePurity:0} %")));
        }

        if (m.Recovery < TbnkQc.MinLymphGateRecovery)
        {
            flags.Add(new(QcCheck.LymphGateRecovery, string.Create(inv, $"lymphocyte gate recovery {m.Recovery:F1} % of the {m.Cluster} events of the CD45bright/SSClow lymphocyte cluster, below {TbnkQc.MinLymphGateRecovery:0} %"), m.Recovery, string.Create(inv, $"≥ {TbnkQc.MinLymphGateRecovery:0} %")));
        }

        if (m.Monocytes > TbnkQc.MaxMonocyteContamination)
        {
            flags.Add(new(QcCheck.MonocyteContamination, string.Create(inv, $"{m.Monocytes:F1} % of the lymphocyte gate are monocyte-like (CD45 bright, SSC above the lymphocyte cluster), above {TbnkQc.MaxMonocyteContamination:0} %"), m.Monocytes, string.Create(inv, $"≤ {TbnkQc.MaxMonocyteContamination:0} %")));
        }

        return flags;
    }
}
