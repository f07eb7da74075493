using HiAim.Cytometry.Compensation;
using HiAim.Cytometry.Fcs;
using HiAim.Cytometry.Gating;
using HiAim.Cytometry.Panels;
using HiAim.Cytometry.Plotting;

namespace HiAim.Cytometry.Cli;

/// <summary>
/// <c>hiaim plot FILE --strategy GATES.xml|--panel tbnk|nk|PANEL.json --out PANEL.png|PANEL.svg</c>: one file's gating panel
/// (every gate on its parent's events), from a Gating-ML strategy or a panel's data-placed gates (with the same
/// <c>--marker</c> overrides as <c>hiaim count</c>).
/// </summary>
internal static class PlotCommand
{
    public static readonly string[] ValueOptions = [.. CliArguments.ReadValueOptions, "--strategy", "--panel", "--out", "--columns", "--marker"];

    public sealed record Request(string File, string Out, FcsReadOptions Options, string? StrategyPath, Panel? Panel, IReadOnlyDictionary<string, string>? Markers, int Columns);

    public static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        if (!request.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !request.Out.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            // The format follows the extension; writing PNG bytes into "x.jpg" would make a file that lies about itself.
            throw new CliException($"--out {HiaimCli.Clip(request.Out)}: the extension must be .png or .svg");
        }

        HiaimCli.RequireFile(request.File);
        var sample = FcsFile.Read(request.File, request.Options);
        var options = new GatingPanelOptions { Columns = request.Columns, ChannelLabels = GatingPanelOptions.LabelsFrom(sample.Channels) };
        GatingPanel panel;
        try
        {
            if (request.Panel is { } p)
            {
                var result = p.Analyze(sample, new PanelRunOptions { SampleName = Path.GetFileName(request.File), ChannelOverrides = request.Markers });
                panel = GatingPanel.For(result, options);
            }
            else
            {
                var strategy = GatingML.Load(request.StrategyPath!);
                panel = new GatingPanel(strategy, strategy.Apply(sample), options) { Title = Path.GetFileName(request.File) };
                panel.Relayout();
            }
        }
        catch (Exception e) when (e is PanelException or GatingException or GatingMLException or CompensationException)
        {
            stderr.WriteLine($"hiaim: {request.File}: {e.Message.ReplaceLineEndings(" ")}");
            return HiaimCli.Error;
        }

        panel.Save(request.Out);
        stdout.WriteLine($"{request.Out}: gating panel of {Path.GetFileName(request.File)}, {panel.Plots.Count} plots, {panel.Width}×{panel.Height} px");
        return HiaimCli.Ok;
    }
}
